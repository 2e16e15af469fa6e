//go:build unix

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCARedirectedIntoDataDir runs `keyward ca > keyward-ca.pem` as a shell does in the data
// directory: the output file exists, empty, before keyward looks for its CA there. The CA must
// be made, and both the file and a second `keyward ca` must hold the same certificate.
func TestCARedirectedIntoDataDir(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string { return map[string]string{"KEYWARD_DATA_DIR": dir}[k] }
	path := filepath.Join(dir, "keyward-ca.pem")
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	code := run(context.Background(), []string{"ca"}, env, out, &stderr)
	out.Close()
	if code != 0 {
		t.Fatalf("keyward ca > keyward-ca.pem: exit %d, stderr %q", code, stderr.String())
	}
	written, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(written), "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("keyward-ca.pem after the redirect: %q %v", written, err)
	}
	var again lockedBuffer
	if c := run(context.Background(), []string{"ca"}, env, &again, &stderr); c != 0 || again.String() != string(written) {
		t.Fatalf("second keyward ca: exit %d, printed %q, want the file's %q", c, again.String(), written)
	}
}
