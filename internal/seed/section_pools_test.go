package seed

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/sqlite"
)

// listCounting counts the pool listings made through it.
type listCounting struct {
	store.Store
	lists int
}

func (c *listCounting) ListPools(ctx context.Context, orgID, poolType, after string, limit int) ([]store.Pool, error) {
	c.lists++
	return c.Store.ListPools(ctx, orgID, poolType, after, limit)
}

// TestLoadPoolsListsEachTypeOnce: loading many pools reads the org's pools of a type once, not
// once per pool, on the first load and on a reload that finds them all; the reload creates none.
func TestLoadPoolsListsEachTypeOnce(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Now().UTC()
	if err := db.CreateOrg(ctx, store.Org{ID: "org1", Name: "org1", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	st := &listCounting{Store: db}
	svc := &Service{Store: st, Pools: &agentpool.Service{Store: st, Clock: clock.NewVirtual(now)}}
	var items []pool
	for i := range 450 { // more than one page of listing
		items = append(items, pool{Name: fmt.Sprint("p", i), Type: []string{"AD", "LDAP"}[i%2]})
	}
	for load, wantMade := range []int{450, 0} {
		st.lists = 0
		r := &run{Service: svc, created: map[string]int{}}
		if err := loadPools(ctx, r, "org1", items); err != nil {
			t.Fatal(err)
		}
		if r.created["pools"] != wantMade {
			t.Errorf("load %d made %d pools, want %d", load+1, r.created["pools"], wantMade)
		}
		// Two types of 225 pools: at most two pages each.
		if st.lists > 4 {
			t.Errorf("load %d listed pools %d times", load+1, st.lists)
		}
	}
}
