package agentpool

import (
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func TestAgentStatus(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	th := Thresholds{Disrupted: 2 * time.Minute, Inactive: time.Hour}
	tests := []struct {
		name string
		a    store.Agent
		want string
	}{
		{"fresh and healthy", store.Agent{LastConnection: now.Add(-30 * time.Second), Healthy: true}, Operational},
		{"fresh but unhealthy", store.Agent{LastConnection: now.Add(-30 * time.Second)}, Degraded},
		{"at the disrupted threshold", store.Agent{LastConnection: now.Add(-2 * time.Minute), Healthy: true}, Operational},
		{"past the disrupted threshold", store.Agent{LastConnection: now.Add(-3 * time.Minute), Healthy: true}, Disrupted},
		{"silent past inactive", store.Agent{LastConnection: now.Add(-2 * time.Hour), Healthy: true}, Inactive},
		{"never connected", store.Agent{Healthy: true}, Inactive},
		{"deactivated", store.Agent{LastConnection: now, Healthy: true, Deactivated: true}, Inactive},
	}
	for _, tc := range tests {
		if got := AgentStatus(tc.a, now, th); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestPoolStatus(t *testing.T) {
	tests := []struct {
		statuses []string
		want     string
	}{
		{nil, Inactive},
		{[]string{Inactive, Inactive}, Inactive},
		{[]string{Operational, Operational}, Operational},
		{[]string{Operational, Inactive}, Operational},
		{[]string{Operational, Disrupted}, Degraded},
		{[]string{Operational, Degraded}, Degraded},
		{[]string{Disrupted}, Disrupted},
		{[]string{Degraded, Disrupted, Inactive}, Disrupted},
	}
	for _, tc := range tests {
		var c Counts
		for _, s := range tc.statuses {
			c.Add(s)
		}
		if got := c.PoolStatus(); got != tc.want {
			t.Errorf("%v: got %s, want %s", tc.statuses, got, tc.want)
		}
	}
}

func TestCatalog(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	cat := Catalog{
		{AgentType: "AD", Channel: "GA", Version: "3.9.0", ReleasedAt: now.AddDate(0, -2, 0)},
		{AgentType: "AD", Channel: "GA", Version: "3.10.0", ReleasedAt: now.AddDate(0, -1, 0)},
		{AgentType: "AD", Channel: "EA", Version: "3.11.0", ReleasedAt: now.AddDate(0, 0, -1)},
		{AgentType: "AD", Channel: "GA", Version: "3.12.0", ReleasedAt: now.AddDate(0, 0, 1)}, // not yet released
	}
	for channel, want := range map[string]string{"GA": "3.10.0", "EA": "3.11.0", "BETA": "3.11.0", "TEST": "3.11.0"} {
		if got, ok := cat.Latest(channel, now); !ok || got.Version != want {
			t.Errorf("%s: got %s, want %s", channel, got.Version, want)
		}
	}
	if _, ok := cat.Find("3.11.0"); !ok {
		t.Error("Find missed an existing version")
	}
	if _, ok := cat.Find("9.9.9"); ok {
		t.Error("Find found a missing version")
	}
	if CompareVersions("3.9.0", "3.10.0") >= 0 || CompareVersions("3.10.0", "3.10.0") != 0 {
		t.Error("versions must compare numerically")
	}
}

func TestDefaultReleases(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	rs := DefaultReleases(now)
	for _, typ := range AgentTypes {
		var cat Catalog
		for _, r := range rs {
			if r.AgentType == typ {
				cat = append(cat, r)
			}
		}
		ga, ok := cat.Latest("GA", now)
		if !ok || CompareVersions(ga.Version, MinimalSupportedVersion(typ)) < 0 {
			t.Errorf("%s: latest GA %q must exist and be at least the minimal supported version", typ, ga.Version)
		}
		if ea, _ := cat.Latest("EA", now); CompareVersions(ea.Version, ga.Version) <= 0 {
			t.Errorf("%s: EA %s must be newer than GA %s", typ, ea.Version, ga.Version)
		}
	}
}

func TestCursorRejectsGarbage(t *testing.T) {
	for _, s := range []string{"x", "e30", cursor{"NOPE": "a"}.encode()} {
		if _, err := decodeCursor(s); err == nil {
			t.Errorf("cursor %q accepted", s)
		}
	}
	c, err := decodeCursor(cursor{"AD": "0oa1"}.encode())
	if err != nil || c["AD"] != "0oa1" {
		t.Fatalf("round trip: %v %v", c, err)
	}
}
