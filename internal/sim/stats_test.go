package sim

import (
	"errors"
	"slices"
	"testing"

	"github.com/keyward/keyward/client"
)

func TestCompareVersions(t *testing.T) {
	sorted := []string{"1.0", "1.0.0", "1.2.0", "3.9.1", "3.20.0", "3.20.0-rc1", "3.22.0", "10.0.0"}
	shuffled := []string{"3.22.0", "10.0.0", "1.0.0", "3.9.1", "3.20.0-rc1", "1.2.0", "3.20.0", "1.0"}
	slices.SortFunc(shuffled, compareVersions)
	if !slices.Equal(shuffled, sorted) {
		t.Errorf("sorted = %v, want %v", shuffled, sorted)
	}
	if compareVersions("3.20.0", "3.20.0") != 0 {
		t.Error("equal versions differ")
	}
}

func TestLowestGA(t *testing.T) {
	rs := []client.Release{
		{AgentType: "AD", Channel: "GA", Version: "3.22.0"}, {AgentType: "AD", Channel: "BETA", Version: "3.1.0"},
		{AgentType: "AD", Channel: "GA", Version: "3.9.0"}, {AgentType: "LDAP", Channel: "GA", Version: "1.0.0"},
	}
	if got := lowestGA(rs, "AD"); got != "3.9.0" {
		t.Errorf("lowestGA(AD) = %q", got)
	}
	if got := lowestGA(rs, "OPP"); got != "" {
		t.Errorf("lowestGA(OPP) = %q", got)
	}
}

func TestSnapshotLine(t *testing.T) {
	s := NewStats()
	for _, n := range []string{"a", "b", "c", "d"} {
		s.add(n, "3.20.0")
	}
	s.heartbeat("a", "3.20.0", true, nil)
	s.heartbeat("b", "3.20.0", false, nil)
	s.heartbeat("c", "3.20.0", true, errors.New("boom"))
	s.update("a", client.ProgressStarted, "", nil)
	s.update("d", client.ProgressStarted, "", nil)
	s.update("d", client.ProgressInstalled, "3.22.0", nil)
	want := "4 agents: OPERATIONAL 1 DEGRADED 1 DISRUPTED 1 STARTING 1 | updating 1 | installed 1 failed 0 | versions 3.20.0=3 3.22.0=1 | errors 1"
	snap := s.Snapshot()
	if got := snap.Line(); got != want {
		t.Errorf("Line() =\n%q\nwant\n%q", got, want)
	}
	if snap.LastError != "c: heartbeat: boom" || snap.Heartbeats != 2 || snap.Unhealthy != 1 {
		t.Errorf("snapshot = %+v", snap)
	}
}
