package main

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is an output a running command writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRun(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string // a regexp the output must match; empty: no output
		stderr string
	}{
		{name: "no command", code: 2, stderr: `Usage:\n  keyward serve`},
		{name: "version", args: []string{"version"}, code: 0, stdout: `^keyward \S+\ncommit \S+\ncommit time \S+\ngo\S+\n$`},
		{name: "--version", args: []string{"--version"}, code: 0, stdout: `^keyward \S+\ncommit \S+\ncommit time \S+\ngo\S+\n$`},
		{name: "ca with an argument", args: []string{"ca", "now"}, code: 2, stderr: `^keyward ca: unexpected arguments`},
		{name: "admin-token without a database", args: []string{"admin-token", "--data-dir", "/nonexistent/keyward"}, code: 1,
			stderr: `^keyward admin-token: no keyward database here: .*/nonexistent/keyward/keyward.db`},
		{name: "admin-token with a bad database", args: []string{"admin-token", "--database-url", "mysql://x"}, code: 2, stderr: `^keyward admin-token: `},
		{name: "help", args: []string{"help"}, code: 0, stdout: `keyward version +print the version`},
		{name: "unknown command", args: []string{"launch"}, code: 2, stderr: `^keyward: unknown command "launch"\n\nkeyward serves`},
		{name: "serve --help", args: []string{"serve", "--help"}, code: 0, stderr: `-addr string[\s\S]*-shutdown-timeout duration`},
		{name: "serve with bad settings", args: []string{"serve", "--addr", "nowhere", "--log-level", "loud", "--rate-limit", "0"}, code: 2,
			stderr: `invalid configuration:\naddr: .*\nlog-level: .*\nrate-limit: `},
		{name: "serve with an unknown flag", args: []string{"serve", "--colour"}, code: 2, stderr: `-colour`},
		{name: "serve with an argument", args: []string{"serve", "now"}, code: 2, stderr: `unexpected arguments: now`},
		{name: "sim without settings", args: []string{"sim"}, code: 2,
			stderr: "^keyward sim: invalid configuration:\n--url is required\n"},
		{name: "sim with an argument", args: []string{"sim", "--url", "http://127.0.0.1:1", "--admin-token", "x", "now"}, code: 2,
			stderr: `^keyward sim: unexpected arguments \["now"\]\n$`},
		{name: "sim with an unknown flag", args: []string{"sim", "--colour"}, code: 2, stderr: `keyward sim: flag provided but not defined: -colour\n$`},
		{name: "sim that cannot reach the server", args: []string{"sim", "--url", "http://127.0.0.1:1", "--admin-token", "x"}, code: 1,
			stderr: `^keyward sim: listing releases: .*connection refused`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), c.args, func(string) string { return "" }, &stdout, &stderr)
			if code != c.code {
				t.Errorf("exit code %d, want %d; stderr %s", code, c.code, stderr.String())
			}
			for _, o := range []struct {
				name, re, got string
			}{{"stdout", c.stdout, stdout.String()}, {"stderr", c.stderr, stderr.String()}} {
				if o.re == "" && o.got != "" || !regexp.MustCompile(o.re).MatchString(o.got) {
					t.Errorf("%s %q, want a match for %q", o.name, o.got, o.re)
				}
			}
		})
	}
}

func TestRunServeStopsCleanlyWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := map[string]string{"KEYWARD_DATABASE_URL": "memory", "KEYWARD_DATA_DIR": t.TempDir(), "KEYWARD_LOG_FORMAT": "json"}
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, &stdout, &stderr)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stderr.String(), `"msg":"keyward serving"`) {
		if time.Now().After(deadline) {
			t.Fatalf("not serving; stderr:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d; stderr:\n%s", c, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(stdout.String(), "admin API token (shown once): 00") {
		t.Errorf("stdout %q: want the generated admin token", stdout.String())
	}
}

func TestRunServeFailsOnBusyAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var stdout, stderr bytes.Buffer
	env := map[string]string{"KEYWARD_DATABASE_URL": "memory", "KEYWARD_DATA_DIR": t.TempDir()}
	code := run(context.Background(), []string{"serve", "--addr", ln.Addr().String()}, func(k string) string { return env[k] }, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "cannot listen") || stdout.String() != "" {
		t.Errorf("exit code %d, stderr %s", code, stderr.String())
	}
}
