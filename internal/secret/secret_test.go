package secret

import (
	"bytes"
	"encoding/base64"
	"errors"
	"path/filepath"
	"testing"
)

func TestSealOpen(t *testing.T) {
	box, err := New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	sealed := box.Seal([]byte("private key"))
	if bytes.Contains(sealed, []byte("private key")) {
		t.Fatal("sealed value contains the plain text")
	}
	plain, err := box.Open(sealed)
	if err != nil || string(plain) != "private key" {
		t.Fatalf("open: %q %v", plain, err)
	}
	other, _ := New(bytes.Repeat([]byte{8}, 32))
	if _, err := other.Open(sealed); !errors.Is(err, ErrOpen) {
		t.Fatalf("other key opened it: %v", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := box.Open(sealed); !errors.Is(err, ErrOpen) {
		t.Fatalf("tampered value opened: %v", err)
	}
	if _, err := New([]byte("short")); err == nil {
		t.Fatal("short key accepted")
	}
}

func TestLoadKey(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sub", "keyward.key")
	first, err := LoadKey("", file)
	if err != nil || len(first) != 32 {
		t.Fatalf("generate: %v", err)
	}
	again, err := LoadKey("", file)
	if err != nil || !bytes.Equal(first, again) {
		t.Fatalf("reload gave another key: %v", err)
	}
	given := bytes.Repeat([]byte{1}, 32)
	got, err := LoadKey(base64.StdEncoding.EncodeToString(given), file)
	if err != nil || !bytes.Equal(got, given) {
		t.Fatalf("explicit key: %v", err)
	}
	if _, err := LoadKey("bm90IDMyIGJ5dGVz", file); err == nil {
		t.Fatal("a short explicit key was accepted")
	}
}
