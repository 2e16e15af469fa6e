//go:build unix

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeWithAnUnusableSeedFile checks that a first start whose --seed file is missing or
// malformed stops before bootstrap prints the one-time admin token and OPA key (which nobody
// would then expect to be told again), and that the start after the file is fixed prints them.
func TestServeWithAnUnusableSeedFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\nokta:\n  pool: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{filepath.Join(dir, "missing.yaml"), bad} {
		env := func(k string) string {
			return map[string]string{"KEYWARD_DATA_DIR": dir, "KEYWARD_SEED": file, "KEYWARD_ADDR": "127.0.0.1:0"}[k]
		}
		var stdout, stderr lockedBuffer
		if code := run(context.Background(), []string{"serve"}, env, &stdout, &stderr); code == 0 {
			t.Fatalf("serve with seed %s: exit 0", file)
		}
		if strings.Contains(stdout.String(), "shown once") || !strings.Contains(stderr.String(), filepath.Base(file)) {
			t.Errorf("serve with seed %s printed %q, stderr %q", file, stdout.String(), stderr.String())
		}
	}

	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte("version: 1\nokta:\n  pools: [{name: p, type: AD}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		return map[string]string{"KEYWARD_DATA_DIR": dir, "KEYWARD_SEED": good, "KEYWARD_ADDR": freeAddr(t)}[k]
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() { code <- run(ctx, []string{"serve"}, env, &stdout, &stderr) }()
	waitServing(t, &stderr)
	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("serve with a good seed: exit %d; stderr %s", c, stderr.String())
	}
	if out := stdout.String(); !strings.Contains(out, "admin API token (shown once)") || !strings.Contains(out, "seed "+good+" loaded (1 objects created)") {
		t.Errorf("the start after the seed was fixed printed %q", out)
	}
}
