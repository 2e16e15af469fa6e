package postgres_test

import (
	"context"
	"testing"

	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/postgres"
	"github.com/keyward/keyward/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Backend{
		New: func(t *testing.T) string { return storetest.PostgresURL(t) },
		Open: func(t *testing.T, url string) store.Store {
			s, err := postgres.Open(context.Background(), url, 4)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		Persistent: true,
	})
}
