package e2e

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// TestSeedAndSnapshotRefusals checks two requests a user gets wrong easily: a team snapshot
// without the team's name, and a YAML seed document whose mapping key is not text. Both are 400s
// in Okta's format naming what is wrong (not a 404 for a team named "", not Go's type names),
// and the refused document stores nothing.
func TestSeedAndSnapshotRefusals(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, db.postgres)
			req, err := http.NewRequest(http.MethodGet, s.URL+"/keyward/v1/snapshot?scope=team", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "SSWS "+apptest.AdminToken)
			resp, err := s.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"errorCode":"E0000001"`) ||
				!strings.Contains(string(body), "team: is required with scope=team") {
				t.Errorf("snapshot scope=team without a team: %d %s", resp.StatusCode, body)
			}

			before := poolListing(t, s.Client)
			status, refused := loadYAML(t, s, []byte("version: 1\nokta:\n  pools:\n    - name: p\n      type: AD\n  1: x\n"))
			if status != http.StatusBadRequest || !strings.Contains(string(refused), "every mapping key must be text") ||
				strings.Contains(string(refused), "interface") {
				t.Errorf("a seed with a numeric key: %d %s", status, refused)
			}
			if after := poolListing(t, s.Client); !slices.Equal(after, before) {
				t.Errorf("a refused seed changed the pools: %v, then %v", before, after)
			}
		})
	}
}
