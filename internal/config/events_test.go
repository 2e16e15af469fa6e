package config

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestEventRetentionSettings(t *testing.T) {
	c, err := Parse("keyward serve", []string{"--events-max-age", "2h"}, envOf(map[string]string{"KEYWARD_EVENTS_MAX": "50"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.EventsMax != 50 || c.EventsMaxAge != 2*time.Hour {
		t.Fatalf("events-max %d, events-max-age %v", c.EventsMax, c.EventsMaxAge)
	}
	if d := Default(); d.EventsMax != defaultEventsMax || d.EventsMaxAge != defaultEventsMaxAge {
		t.Fatalf("defaults %d %v", d.EventsMax, d.EventsMaxAge)
	}
	for args, want := range map[string]string{"--events-max=0": "events-max: must be at least 1", "--events-max-age=-1s": "events-max-age: must not be negative"} {
		_, err := Parse("keyward serve", []string{args}, envOf(nil), io.Discard)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", args, err, want)
		}
	}
}
