//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReleaseScriptCrossBuilds runs scripts/release.sh for one foreign target and checks that it
// leaves a Windows arm64 executable where the script says, and that it refuses a target it does
// not build.
func TestReleaseScriptCrossBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles keyward")
	}
	dist := t.TempDir()
	script := filepath.Join("..", "..", "scripts", "release.sh")
	cmd := exec.Command("bash", script, "windows/arm64")
	cmd.Env = append(os.Environ(), "DIST="+dist)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("release.sh windows/arm64: %v\n%s", err, out)
	}
	exe := filepath.Join(dist, "keyward_windows_arm64", "keyward.exe")
	if strings.TrimSpace(string(out)) != exe {
		t.Errorf("release.sh printed %q, want the path %s", out, exe)
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	// A PE file: "MZ", and at the offset found at 0x3c, "PE\0\0" then the arm64 machine type 0xaa64.
	if len(b) < 0x40 || !bytes.HasPrefix(b, []byte("MZ")) {
		t.Fatal("not a Windows executable")
	}
	pe := int(b[0x3c]) | int(b[0x3d])<<8
	if len(b) < pe+6 || string(b[pe:pe+4]) != "PE\x00\x00" || b[pe+4] != 0x64 || b[pe+5] != 0xaa {
		t.Errorf("not an arm64 PE executable")
	}

	if out, err := exec.Command("bash", script, "plan9/mips").CombinedOutput(); err == nil || !strings.Contains(string(out), "unknown target") {
		t.Errorf("an unknown target: %v %s", err, out)
	}
}
