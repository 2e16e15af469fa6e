package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/sqlite"
	"github.com/keyward/keyward/internal/store/storetest"
)

func open(t *testing.T, path string) store.Store {
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Backend{
		New:        func(t *testing.T) string { return filepath.Join(t.TempDir(), "keyward.db") },
		Open:       open,
		Persistent: true,
	})
}

func TestConformanceInMemory(t *testing.T) {
	storetest.Run(t, storetest.Backend{
		New:  func(t *testing.T) string { return ":memory:" },
		Open: open,
	})
}
