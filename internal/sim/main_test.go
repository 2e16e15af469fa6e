package sim

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
)

func TestUpdateInstalledThenReconnects(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fakeKeyward) {
		f.releases = []client.Release{
			{AgentType: "AD", Channel: "GA", Version: "3.22.0"}, {AgentType: "AD", Channel: "GA", Version: "3.20.0"},
			{AgentType: "AD", Channel: "EA", Version: "3.10.0"}, {AgentType: "LDAP", Channel: "GA", Version: "1.0.0"},
		}
	})
	r := startMain(t, simArgs(f, "--agents-per-pool", "2", "--heartbeat", "300ms"))
	waitFor(t, "two registrations", func() bool { return len(f.find(kind("register"))) == 2 })
	offer(f)
	waitFor(t, "a heartbeat on 3.22.0", func() bool {
		return len(f.find(func(e event) bool { return e.kind == "heartbeat" && e.version == "3.22.0" })) > 0
	})
	out := r.stop(t)

	for _, e := range f.find(kind("register")) {
		if e.version != "3.20.0" {
			t.Errorf("%s registered with %q, want the lowest GA release 3.20.0", e.agent, e.version)
		}
	}
	name := offeredTo(t, f)
	progress := f.find(kind("progress"))
	if got := states(progress); !reflect.DeepEqual(got, []string{"started", "installed"}) {
		t.Fatalf("progress states = %v, want [started installed]", got)
	}
	for _, e := range progress {
		if e.agent != name || e.instruction != "ins1" {
			t.Errorf("progress %+v, want agent %s instruction ins1", e, name)
		}
	}
	started, installed := progress[0], progress[1]
	if d := installed.at.Sub(started.at); d < 60*time.Millisecond {
		t.Errorf("installed %v after started, want at least the update duration", d)
	}
	var reconnect event
	for _, e := range f.find(kind("heartbeat")) {
		if e.agent == name && e.at.After(installed.at) {
			reconnect = e
			break
		}
	}
	if reconnect.version != "3.22.0" {
		t.Fatalf("first heartbeat after installed = %+v, want version 3.22.0", reconnect)
	}
	if d := reconnect.at.Sub(installed.at); d < 30*time.Millisecond || d > 250*time.Millisecond {
		t.Errorf("reconnected %v after installed, want the reconnect delay and no heartbeat wait", d)
	}
	for _, e := range f.find(kind("heartbeat")) {
		if e.agent != name && e.version != "3.20.0" {
			t.Errorf("other agent heartbeated %+v", e)
		}
	}
	for _, want := range []string{"sim summary", "1 started, 1 installed, 0 failed", "versions    3.20.0=1 3.22.0=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestUpdateFails(t *testing.T) {
	f := newFake(t)
	r := startMain(t, simArgs(f, "--failure-rate", "1", "--version", "3.20.0"))
	waitFor(t, "a registration", func() bool { return len(f.find(kind("register"))) == 1 })
	offer(f)
	waitFor(t, "a failed report", func() bool { return len(f.find(kind("progress"))) == 2 })
	failed := f.find(kind("progress"))[1]
	waitFor(t, "two heartbeats after the failure", func() bool {
		return len(f.find(func(e event) bool { return e.kind == "heartbeat" && e.at.After(failed.at) })) >= 2
	})
	out := r.stop(t)

	if got := states(f.find(kind("progress"))); !reflect.DeepEqual(got, []string{"started", "failed"}) {
		t.Fatalf("progress states = %v, want [started failed]", got)
	}
	if !strings.Contains(failed.message, "3.22.0") {
		t.Errorf("failure message = %q", failed.message)
	}
	for _, e := range f.find(kind("heartbeat")) {
		if e.version != "3.20.0" {
			t.Errorf("heartbeat on %s after a failed update", e.version)
		}
	}
	if !strings.Contains(out, "1 started, 0 installed, 1 failed") {
		t.Errorf("summary:\n%s", out)
	}
}

func TestPoolsReusedByName(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fakeKeyward) { // same name, other type: not ours
		f.pools = append(f.pools, client.AgentPool{ID: "0oaLDAP", Name: "sim-pool-2", Type: "LDAP"})
	})
	args := simArgs(f, "--pools", "3", "--agents-per-pool", "2", "--duration", "200ms")
	var stderrs []string
	for range 2 {
		var stdout, stderr syncBuffer
		if err := Main(context.Background(), args, &stdout, &stderr); err != nil {
			t.Fatalf("Main: %v\n%s", err, stderr.String())
		}
		if !strings.Contains(stdout.String(), "sim summary") {
			t.Errorf("no summary:\n%s", stdout.String())
		}
		stderrs = append(stderrs, stderr.String())
	}
	f.set(func(f *fakeKeyward) {
		if f.poolCreates != 3 {
			t.Errorf("%d pools created over two runs, want 3", f.poolCreates)
		}
		if len(f.agents) != 6 {
			t.Errorf("%d agents, want 6 (re-registration reuses names)", len(f.agents))
		}
		names := map[string]bool{}
		for _, p := range f.pools {
			names[p.Type+"/"+p.Name] = true
		}
		for _, want := range []string{"AD/sim-pool-1", "AD/sim-pool-2", "AD/sim-pool-3"} {
			if !names[want] {
				t.Errorf("pool %s missing from %v", want, names)
			}
		}
	})
	if got := len(f.find(kind("register"))); got != 12 {
		t.Errorf("%d registrations, want 12", got)
	}
	if strings.Contains(stderrs[1], "created pool") || strings.Count(stderrs[1], "reusing pool") != 3 {
		t.Errorf("second run:\n%s", stderrs[1])
	}
}

func TestCancelStopsEverything(t *testing.T) {
	f := newFake(t)
	r := startMain(t, simArgs(f, "--pools", "2", "--agents-per-pool", "5", "--heartbeat", "20ms", "--update-duration", "1h"))
	waitFor(t, "ten registrations", func() bool { return len(f.find(kind("register"))) == 10 })
	offer(f)
	waitFor(t, "an update to start", func() bool { return len(f.find(kind("progress"))) == 1 })
	start := time.Now()
	out := r.stop(t)
	if d := time.Since(start); d > time.Second {
		t.Errorf("Main took %v to stop", d)
	}
	// A request already on the wire may still reach the server; let it land.
	time.Sleep(50 * time.Millisecond)
	before := f.requestCount()
	time.Sleep(200 * time.Millisecond)
	if after := f.requestCount(); after != before {
		t.Errorf("%d requests after Main returned", after-before)
	}
	for _, want := range []string{"10 agents:", "updating 1", "sim summary", "1 in progress"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDurationStopsByItself(t *testing.T) {
	f := newFake(t)
	start := time.Now()
	var stdout, stderr syncBuffer
	if err := Main(context.Background(), simArgs(f, "--duration", "250ms"), &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 250*time.Millisecond || d > 3*time.Second {
		t.Errorf("ran %v, want about 250ms", d)
	}
	if !strings.Contains(stdout.String(), "sim summary") || !strings.Contains(stderr.String(), "starting on version 1.0.0") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
}
