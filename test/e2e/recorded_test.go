package e2e

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// TestOktaRecordedAnswers checks the answers where Okta's recorded traffic (its SDKs' test
// recordings against a real org) differs from what the spec alone suggests, on each store.
func TestOktaRecordedAnswers(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, db.postgres)
			const unknown = "0oaUnknownPool0000000"

			if st, body := call(t, s, "GET", "/api/v1/agentPools/"+unknown+"/updates", nil); st != 200 || strings.TrimSpace(string(body)) != "[]" {
				t.Errorf("updates of an unknown pool: %d %s, want 200 []", st, body)
			}

			st, body := call(t, s, "GET", "/api/v1/agentPools/"+unknown+"/updates/settings", nil)
			if e := decode[oktaError](t, body); st != 404 || e.ErrorCode != "E0000007" ||
				e.ErrorSummary != "Not found: Resource not found: "+unknown+" (AppInstance)" {
				t.Errorf("settings of an unknown pool: %d %s", st, body)
			}

			// The body is validated before the pool is looked up.
			st, body = call(t, s, "POST", "/api/v1/agentPools/"+unknown+"/updates", map[string]any{"enabled": true})
			e := decode[oktaError](t, body)
			var causes []string
			for _, c := range e.ErrorCauses {
				causes = append(causes, c.ErrorSummary)
			}
			want := []string{"errors in the field: name", "errors in the field: agentType", "errors in the field: agentList"}
			if st != 400 || e.ErrorCode != "E0000001" || e.ErrorSummary != "Api validation failed: name" || !reflect.DeepEqual(causes, want) {
				t.Errorf("empty update on an unknown pool: %d %s", st, body)
			}

			// An org without pools: an empty list and no Link header at all. Okta's Python SDK
			// spells the credential without a space.
			_, other := secondOrg(t, s)
			for _, authz := range []string{"SSWS " + other, "SSWS" + other} {
				resp := get(t, s, "/api/v1/agentPools", authz)
				if resp.StatusCode != 200 || len(resp.Header.Values("Link")) != 0 {
					t.Errorf("%.5s…: empty pool list: %d, Link %q; want 200 without Link", authz, resp.StatusCode, resp.Header.Values("Link"))
				}
			}
		})
	}
}

func get(t *testing.T, s *apptest.Server, path, authz string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", authz)
	resp, err := s.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}
