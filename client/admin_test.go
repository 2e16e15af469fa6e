package client

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// jsonEqual reports whether two JSON texts hold the same value.
func jsonEqual(t *testing.T, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %q: %v", want, err)
	}
	return reflect.DeepEqual(g, w)
}

func TestAdminRequests(t *testing.T) {
	f := newFakeServer(t)
	c := New(f.URL+"/", WithToken(f.adminToken), WithHTTPClient(f.Client()))
	ctx := context.Background()
	released := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var poolID string

	steps := []struct {
		name, method, path, query, body string
		run                             func(t *testing.T)
	}{
		{"CreatePool", "POST", "/keyward/v1/agentPools", "", `{"name":"dc","type":"LDAP"}`, func(t *testing.T) {
			p, err := c.CreatePool(ctx, "dc", "LDAP")
			if err != nil || p.ID == "" || p.Name != "dc" || p.Type != "LDAP" {
				t.Fatalf("CreatePool = %+v, %v", p, err)
			}
			poolID = p.ID
		}},
		{"CreateAgent", "POST", "/keyward/v1/agentPools/{pool}/agents", "", `{"name":"DC-01","version":"3.20.0"}`, func(t *testing.T) {
			a, err := c.CreateAgent(ctx, poolID, "DC-01", "3.20.0")
			if err != nil || a.PoolID != poolID || a.Version != "3.20.0" {
				t.Fatalf("CreateAgent = %+v, %v", a, err)
			}
		}},
		{"CreateRegistrationToken", "POST", "/keyward/v1/agentPools/{pool}/registrationTokens", "", `{}`, func(t *testing.T) {
			rt, err := c.CreateRegistrationToken(ctx, poolID)
			if err != nil || rt.Token == "" || rt.PoolID != poolID {
				t.Fatalf("CreateRegistrationToken = %+v, %v", rt, err)
			}
		}},
		{"PublishRelease", "POST", "/keyward/v1/releases", "", `{"agentType":"AD","channel":"GA","version":"3.22.0","releasedAt":"2026-01-02T03:04:05Z"}`, func(t *testing.T) {
			r, err := c.PublishRelease(ctx, Release{AgentType: "AD", Channel: "GA", Version: "3.22.0", ReleasedAt: &released})
			if err != nil || r.Version != "3.22.0" || !r.ReleasedAt.Equal(released) {
				t.Fatalf("PublishRelease = %+v, %v", r, err)
			}
		}},
		{"ListReleases", "GET", "/keyward/v1/releases", "agentType=AD", "", func(t *testing.T) {
			rs, err := c.ListReleases(ctx, "AD")
			if err != nil || len(rs) != 1 || rs[0].Channel != "GA" {
				t.Fatalf("ListReleases = %+v, %v", rs, err)
			}
		}},
		{"CreateServiceApp", "POST", "/keyward/v1/serviceApps", "", `{"name":"svc","scopes":["okta.agentPools.read"],"jwks":{"keys":[{"kty":"EC"}]}}`, func(t *testing.T) {
			app, err := c.CreateServiceApp(ctx, ServiceAppRequest{Name: "svc", Scopes: []string{"okta.agentPools.read"},
				JWKS: JWKS{Keys: []json.RawMessage{json.RawMessage(`{"kty":"EC"}`)}}})
			if err != nil || app.ClientID == "" || !reflect.DeepEqual(app.Scopes, []string{"okta.agentPools.read"}) {
				t.Fatalf("CreateServiceApp = %+v, %v", app, err)
			}
		}},
		{"CreateAPIToken", "POST", "/keyward/v1/apiTokens", "", `{"name":"ci"}`, func(t *testing.T) {
			tok, err := c.CreateAPIToken(ctx, "ci")
			if err != nil || tok.Token == "" || tok.Name != "ci" {
				t.Fatalf("CreateAPIToken = %+v, %v", tok, err)
			}
		}},
		{"GetClock", "GET", "/keyward/v1/clock", "", "", func(t *testing.T) {
			cl, err := c.GetClock(ctx)
			if err != nil || !cl.Virtual || cl.Now.Year() != 2026 {
				t.Fatalf("GetClock = %+v, %v", cl, err)
			}
		}},
		{"SetClock", "POST", "/keyward/v1/clock", "", `{"set":"2027-05-01T00:00:00Z"}`, func(t *testing.T) {
			cl, err := c.SetClock(ctx, time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC))
			if err != nil || !cl.Now.Equal(time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)) {
				t.Fatalf("SetClock = %+v, %v", cl, err)
			}
		}},
		{"AdvanceClock", "POST", "/keyward/v1/clock", "", `{"advance":"1h30m0s"}`, func(t *testing.T) {
			cl, err := c.AdvanceClock(ctx, 90*time.Minute)
			if err != nil || !cl.Now.Equal(time.Date(2027, 5, 1, 1, 30, 0, 0, time.UTC)) {
				t.Fatalf("AdvanceClock = %+v, %v", cl, err)
			}
		}},
		{"ListUpdates", "GET", "/api/v1/agentPools/{pool}/updates", "", "", func(t *testing.T) {
			us, err := c.ListUpdates(ctx, poolID)
			if err != nil || len(us) != 1 || us[0].TargetVersion != "3.22.0" {
				t.Fatalf("ListUpdates = %+v, %v", us, err)
			}
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := len(f.requests())
			s.run(t)
			reqs := f.requests()
			if len(reqs) != before+1 {
				t.Fatalf("%d requests, want 1", len(reqs)-before)
			}
			r := reqs[before]
			wantPath := strings.ReplaceAll(s.path, "{pool}", poolID)
			if r.Method != s.method || r.Path != wantPath || r.Query != s.query {
				t.Errorf("request %s %s?%s, want %s %s?%s", r.Method, r.Path, r.Query, s.method, wantPath, s.query)
			}
			if r.Auth != "SSWS admin-secret" {
				t.Errorf("Authorization = %q", r.Auth)
			}
			if s.body == "" {
				if r.Body != "" || r.ContentType != "" {
					t.Errorf("unexpected body %q (Content-Type %q)", r.Body, r.ContentType)
				}
			} else {
				if r.ContentType != "application/json" {
					t.Errorf("Content-Type = %q", r.ContentType)
				}
				if !jsonEqual(t, r.Body, s.body) {
					t.Errorf("body = %s, want %s", r.Body, s.body)
				}
			}
		})
	}
}
