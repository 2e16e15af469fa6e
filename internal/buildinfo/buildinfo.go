// Package buildinfo reads what the Go toolchain recorded about this binary: the module version,
// the commit it was built from and when that commit was made. Nothing is injected with -ldflags,
// so `go build`, `go install` and the release script all report the same way.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Info describes the running binary.
type Info struct {
	Version   string // module version, or "devel" for a build from a work tree
	Revision  string // VCS commit, with "+dirty" when the tree had changes; "unknown" without VCS data
	Time      string // commit time (RFC 3339); "unknown" without VCS data
	GoVersion string
}

// Read returns the running binary's Info.
func Read() Info {
	info, _ := debug.ReadBuildInfo()
	return fromBuildInfo(info)
}

func fromBuildInfo(info *debug.BuildInfo) Info {
	i := Info{Version: "devel", Revision: "unknown", Time: "unknown", GoVersion: runtime.Version()}
	if info == nil {
		return i
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		i.Version = v
	}
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			i.Revision = s.Value
		case "vcs.time":
			i.Time = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && i.Revision != "unknown" {
		i.Revision += "+dirty"
	}
	return i
}
