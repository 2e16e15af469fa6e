//go:build unix

package app

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The database holds credential hashes and sealed secrets: it is its owner's only, as the key
// file is, whatever the umask.
func TestDataFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	a, _ := open(t, nil, "--data-dir", dir)
	if got := status(a, "POST", "/keyward/v1/agentPools", `{"name":"corp","type":"AD"}`); got == 0 {
		t.Fatal("no answer")
	}
	for _, name := range []string{"keyward.db", "keyward.db-wal", "keyward.db-shm", "keyward.key"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %o, want 600", name, mode)
		}
	}
	a.Close()
}
