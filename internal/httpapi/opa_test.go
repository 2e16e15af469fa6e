package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// opaRoutes guard one route by roles and leave one open to any principal of the team.
func opaRoutes() []wire.Route {
	ok := func(w http.ResponseWriter, r *http.Request) error {
		wire.JSON(w, http.StatusOK, map[string]string{"actor": wire.PrincipalFrom(r).Actor})
		return nil
	}
	return []wire.Route{
		{Method: "GET", Pattern: "/v1/teams/{team_name}/guarded", Access: wire.OPABearer, Bucket: wire.BucketOPA,
			Roles: []string{auth.RolePAMAdmin, auth.RoleResourceAdmin}, Handler: ok},
		{Method: "GET", Pattern: "/v1/teams/{team_name}/open", Access: wire.OPABearer, Bucket: wire.BucketOPA, Handler: ok},
	}
}

// opaTokens makes teams acme and other, each with a service user holding roles, and returns a
// bearer token of each.
func opaTokens(t *testing.T, s store.Store, roles map[string][]string) map[string]string {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	svc := &auth.Service{Store: s}
	out := map[string]string{}
	for name, r := range roles {
		team := store.Team{ID: ids.New(ids.Team), Name: name, CreatedAt: now}
		if err := s.CreateTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateServiceUserKey(ctx, store.ServiceUserKey{ID: "k-" + name, TeamID: team.ID, UserName: "svc-" + name,
			SecretHash: ids.Hash("secret"), Roles: r, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		tok, err := svc.IssueServiceToken(ctx, name, "k-"+name, "secret", now, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = tok.Token
	}
	return out
}

func TestOPAAuthorization(t *testing.T) {
	f := newFixture(t, fixtureOptions{routes: opaRoutes()})
	tok := opaTokens(t, f.store, map[string][]string{"acme": {auth.RoleResourceAdmin}, "other": {auth.RolePAMAdmin},
		"users": {auth.RoleEndUser}})
	bearer := func(name string) []string { return []string{"Authorization", "Bearer " + tok[name]} }
	cases := []struct {
		name, path string
		header     []string
		status     int
	}{
		{"role held", "/v1/teams/acme/guarded", bearer("acme"), 200},
		{"no role needed", "/v1/teams/users/open", bearer("users"), 200},
		{"role missing", "/v1/teams/users/guarded", bearer("users"), 401},
		{"another team's token", "/v1/teams/acme/guarded", bearer("other"), 401},
		{"another team's token, open route", "/v1/teams/acme/open", bearer("other"), 401},
		{"no token", "/v1/teams/acme/guarded", nil, 401},
		{"malformed header", "/v1/teams/acme/guarded", []string{"Authorization", "Bearer"}, 401},
		{"an Okta credential", "/v1/teams/acme/guarded", f.ssws(f.admin), 401},
	}
	for _, c := range cases {
		w := f.do("GET", c.path, "", c.header...)
		if w.Code != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, w.Code, w.Body, c.status)
			continue
		}
		if c.status == 200 {
			continue
		}
		var body map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || len(body) != 3 || body["code"] != float64(401) ||
			body["type"] != "authorization_error" || body["message"] == "" {
			t.Errorf("%s: body %s, want OPA's 401", c.name, w.Body)
		}
	}
}

func TestOPARateLimit(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 500_000_000) // mid-second: Retry-At must round up
	clk := &fakeClock{t: t0}
	f := newFixture(t, fixtureOptions{limit: 2, now: clk.Now, routes: opaRoutes()})
	tok := opaTokens(t, f.store, map[string][]string{"acme": {auth.RolePAMAdmin}, "other": {auth.RolePAMAdmin}})
	get := func(team string) *http.Response {
		return f.do("GET", "/v1/teams/"+team+"/open", "", "Authorization", "Bearer "+tok[team]).Result()
	}
	for i := 0; i < 2; i++ {
		if r := get("acme"); r.StatusCode != 200 || r.Header.Get("X-Rate-Limit-Limit") != "" {
			t.Fatalf("request %d: %d, headers %v", i, r.StatusCode, r.Header)
		}
	}
	r := get("acme")
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)
	retryAt, err := strconv.ParseInt(r.Header.Get("X-RateLimit-Retry-At"), 10, 64)
	if r.StatusCode != 429 || err != nil || retryAt != 1_800_000_061 || body["type"] != "rate_limit_exceeded" || body["code"] != float64(429) {
		t.Fatalf("over the limit: %d, Retry-At %q, body %v", r.StatusCode, r.Header.Get("X-RateLimit-Retry-At"), body)
	}
	for _, h := range []string{"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"} {
		if r.Header.Get(h) != "" {
			t.Errorf("OPA's 429 carries Okta's %s", h)
		}
	}
	if r := get("other"); r.StatusCode != 200 {
		t.Errorf("another team shares the bucket: %d", r.StatusCode)
	}
	clk.Add(time.Minute)
	if r := get("acme"); r.StatusCode != 200 {
		t.Errorf("after the window: %d", r.StatusCode)
	}
}
