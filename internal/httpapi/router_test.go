package httpapi

import (
	"strings"
	"testing"
)

func TestAuthentication(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	bearer := []string{"Authorization", "Bearer good-access-token"}
	cases := []struct {
		name, method, path, body string
		header                   []string
		status                   int
	}{
		{"admin token reads", "GET", "/api/v1/things", "", f.ssws(f.admin), 200},
		{"scheme is case-insensitive", "GET", "/api/v1/things", "", []string{"Authorization", "ssws " + f.admin}, 200},
		{"user token writes", "POST", "/api/v1/things", `{"name":"a"}`, f.ssws(f.user), 201},
		{"admin token on admin route", "GET", "/keyward/v1/things", "", f.ssws(f.admin), 200},
		{"read-scoped bearer reads", "GET", "/api/v1/things", "", bearer, 200},
		{"read-scoped bearer cannot write", "POST", "/api/v1/things", `{"name":"a"}`, bearer, 403},
		{"bearer is not an admin credential", "GET", "/keyward/v1/things", "", bearer, 403},
		{"public route needs nothing", "POST", "/v1/teams/acme/things", `{"name":"a"}`, nil, 201},
	}
	for _, c := range cases {
		w := f.do(c.method, c.path, c.body, c.header...)
		if w.Code != c.status {
			t.Errorf("%s: status %d, want %d; body %s", c.name, w.Code, c.status, w.Body)
		}
	}
}

func TestInsufficientScopeIsOktasBodilessForbidden(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	w := f.do("POST", "/api/v1/things", `{"name":"a"}`, "Authorization", "Bearer good-access-token")
	if w.Code != 403 || w.Body.Len() != 0 {
		t.Fatalf("%d %q, want 403 with no body", w.Code, w.Body)
	}
	h := w.Header().Get("Www-Authenticate")
	for _, want := range []string{`Bearer `, `error="insufficient_scope"`, `scope="okta.agentPools.manage"`, `resource="/api/v1/things"`} {
		if !strings.Contains(h, want) {
			t.Errorf("WWW-Authenticate %q lacks %s", h, want)
		}
	}
}

func TestStoreFailureDuringAuthenticationIsInternal(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	f.store.Close()
	w := f.do("GET", "/api/v1/things", "", f.ssws(f.admin)...)
	if e := decodeOkta(t, w); w.Code != 500 || e.ErrorCode != "E0000009" {
		t.Errorf("%d %s, want 500 E0000009 rather than a 401", w.Code, w.Body)
	}
	if strings.Contains(w.Body.String(), "closed") {
		t.Errorf("body leaks the cause: %s", w.Body)
	}
}

func TestRequestIDsAreUnique(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seen := map[string]bool{}
	for _, path := range []string{"/healthz", "/healthz", "/api/v1/things", "/nowhere", "/v1/teams/a/nowhere", "/metrics"} {
		id := f.do("GET", path, "").Header().Get("X-Okta-Request-Id")
		if len(id) < 16 || seen[id] {
			t.Errorf("%s: request id %q empty, short or repeated", path, id)
		}
		seen[id] = true
	}
}

func TestUncleanPathIsRedirected(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	w := f.do("GET", "/api/v1//things", "", f.ssws(f.admin)...)
	if w.Code < 300 || w.Code > 308 || w.Header().Get("Location") != "/api/v1/things" {
		t.Errorf("%d Location %q", w.Code, w.Header().Get("Location"))
	}
}

// TestAnswersAreNotStored: answers carry secrets shown once (tokens, key secrets, passwords), so
// none may be kept by a cache, errors included.
func TestAnswersAreNotStored(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	for _, c := range []struct {
		method, path, body string
		header             []string
	}{
		{"POST", "/api/v1/things", `{"name":"a"}`, f.ssws(f.admin)},
		{"GET", "/keyward/v1/things", "", f.ssws(f.admin)},
		{"GET", "/api/v1/things", "", nil},
		{"POST", "/v1/teams/acme/things", `{"name":"a"}`, nil},
	} {
		w := f.do(c.method, c.path, c.body, c.header...)
		if got := w.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s %s (%d): Cache-Control %q, want no-store", c.method, c.path, w.Code, got)
		}
	}
}
