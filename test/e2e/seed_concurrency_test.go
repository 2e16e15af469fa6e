package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
)

// TestSeedLoadsAtOnce: loads of one document sent at once all succeed, and together create
// each object once, as loads one after another do.
func TestSeedLoadsAtOnce(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, db.postgres)
			const rounds, loads = 5, 8
			for round := range rounds {
				doc := json.RawMessage(fmt.Sprintf(`{"version":1,"okta":{"pools":[{"name":"race%d","type":"AD"}]},
					"opa":{"teams":[{"name":"race%d","users":[{"name":"ru","email":"ru@example.com"}]}]}}`, round, round))
				var wg sync.WaitGroup
				made := make([]int, loads)
				errs := make([]error, loads)
				for i := range loads {
					wg.Go(func() {
						res, err := s.Client.LoadSeed(context.Background(), doc)
						errs[i] = err
						if err == nil {
							made[i] = res.Created["pools"] + res.Created["teams"] + res.Created["users"]
						}
					})
				}
				wg.Wait()
				total := 0
				for i, err := range errs {
					if err != nil {
						t.Errorf("round %d, load %d: %v", round, i, err)
					}
					total += made[i]
				}
				if total != 3 {
					t.Errorf("round %d: the loads created %d objects in all, want the document's 3", round, total)
				}
			}
			if got := poolListing(t, s.Client); len(got) != rounds {
				t.Errorf("pools after the loads: %v", got)
			}
		})
	}
}
