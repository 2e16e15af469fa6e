package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	cases := []struct {
		name string
		info *debug.BuildInfo
		want Info
	}{
		{"no build info", nil, Info{Version: "devel", Revision: "unknown", Time: "unknown"}},
		{"work tree build", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}},
			Info{Version: "devel", Revision: "abc123+dirty", Time: "2026-12-01T10:00:00Z"}},
		{"go install of a tag", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}},
			Info{Version: "v1.2.3", Revision: "unknown", Time: "unknown"}},
	}
	for _, c := range cases {
		got := fromBuildInfo(c.info)
		got.GoVersion = ""
		if got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}
