package sim

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseFlagsDefaults(t *testing.T) {
	env := map[string]string{"KEYWARD_ADMIN_TOKEN": "from-env"}
	c, err := ParseFlags([]string{"--url", "http://localhost:8080", "--type", "radius"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{URL: "http://localhost:8080", AdminToken: "from-env", Pools: 1, AgentsPerPool: 2, Type: "Radius",
		PoolPrefix: "sim-pool", Heartbeat: 30 * time.Second, UpdateDuration: 5 * time.Second, ReconnectDelay: time.Second, Seed: c.Seed}
	if c != want {
		t.Errorf("config = %+v\nwant     %+v", c, want)
	}
	if b := c.Behaviour(); b.StartJitter != time.Second || b.Heartbeat != 30*time.Second {
		t.Errorf("behaviour = %+v", b)
	}
	c, err = ParseFlags([]string{"--url", "https://k", "--admin-token", "flag", "--seed", "0", "--version", "3.1.0",
		"--failure-rate", "0.5", "--heartbeat", "100ms"}, func(string) string { return "env" }, io.Discard)
	if err != nil || c.AdminToken != "flag" || c.Seed != 0 || c.Version != "3.1.0" || c.FailureRate != 0.5 || c.Behaviour().StartJitter != 100*time.Millisecond {
		t.Errorf("config = %+v, %v", c, err)
	}
}

func TestParseFlagsErrors(t *testing.T) {
	none := func(string) string { return "" }
	cases := map[string][]string{
		"--url is required":         {"--admin-token", "x"},
		"--admin-token":             {"--url", "http://k"},
		"not an http(s) URL":        {"--url", "k:8080", "--admin-token", "x"},
		`--type "ADX"`:              {"--url", "http://k", "--admin-token", "x", "--type", "ADX"},
		"between 0 and 1":           {"--url", "http://k", "--admin-token", "x", "--failure-rate", "1.5"},
		"must be at least 1":        {"--url", "http://k", "--admin-token", "x", "--pools", "0"},
		"--heartbeat must be":       {"--url", "http://k", "--admin-token", "x", "--heartbeat", "0s"},
		"unexpected arguments":      {"--url", "http://k", "--admin-token", "x", "extra"},
		"flag provided but not def": {"--nope"},
	}
	for want, args := range cases {
		var stderr strings.Builder
		_, err := ParseFlags(args, none, &stderr)
		if err == nil || !strings.Contains(err.Error()+stderr.String(), want) {
			t.Errorf("ParseFlags(%q) = %v, want an error mentioning %q", args, err, want)
		}
	}
	if _, err := ParseFlags([]string{"-h"}, none, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

func TestMainReportsBadFlags(t *testing.T) {
	var stdout, stderr strings.Builder
	t.Setenv("KEYWARD_ADMIN_TOKEN", "")
	if err := Main(t.Context(), []string{"--pools", "2"}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "--url") {
		t.Errorf("Main = %v", err)
	}
	if err := Main(t.Context(), []string{"-help"}, &stdout, &stderr); err != nil || !strings.Contains(stderr.String(), "-agents-per-pool") {
		t.Errorf("-help: %v\n%s", err, stderr.String())
	}
}
