package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

type response struct {
	status int
	header http.Header
	body   map[string]any
}

func call(t *testing.T, s *apptest.Server, method, path, body string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header}
	if len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &r.body); err != nil {
			t.Fatalf("%s %s: body %q: %v", method, path, b, err)
		}
	}
	return r
}

// TestDocumentedErrors sends what a user would send with curl to a real server and checks the
// documented status and error body for each.
func TestDocumentedErrors(t *testing.T) {
	s := apptest.Start(t, apptest.Options{})
	admin := []string{"Authorization", "SSWS " + apptest.AdminToken, "Content-Type", "application/json"}
	cases := []struct {
		name, method, path, body string
		header                   []string
		status                   int
		code                     string // Okta errorCode, or the OPA type for /v1/teams
		allow                    string
	}{
		{"no token", "GET", "/api/v1/agentPools", "", nil, 401, "E0000011", ""},
		{"wrong token", "GET", "/api/v1/agentPools", "", []string{"Authorization", "SSWS 00wrong"}, 401, "E0000011", ""},
		{"invalid bearer token", "GET", "/api/v1/agentPools", "", []string{"Authorization", "Bearer eyJ.x.y"}, 401, "E0000011", ""},
		{"malformed JSON", "POST", "/api/v1/agentPools/0oaNone/updates", `{"name":`, admin, 400, "E0000003", ""},
		{"malformed JSON, admin API", "POST", "/keyward/v1/agentPools", `{"name":"corp",`, admin, 400, "E0000003", ""},
		{"form body", "POST", "/keyward/v1/agentPools", `name=corp`,
			[]string{"Authorization", "SSWS " + apptest.AdminToken, "Content-Type", "application/x-www-form-urlencoded"}, 415, "E0000021", ""},
		{"wrong method", "DELETE", "/api/v1/agentPools", "", admin, 405, "E0000022", "GET, HEAD"},
		{"unknown path", "GET", "/api/v1/agentPoolz", "", admin, 404, "E0000008", ""},
		{"unknown pool", "GET", "/api/v1/agentPools/0oaNone/updates/settings", "", admin, 404, "E0000007", ""},
		{"OPA unknown path", "GET", "/v1/teams/keyward/nothing", "", nil, 404, "not_found", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, s, c.method, c.path, c.body, c.header...)
			if r.status != c.status {
				t.Fatalf("status %d, want %d; body %v", r.status, c.status, r.body)
			}
			id := r.header.Get("X-Okta-Request-Id")
			if id == "" {
				t.Error("no X-Okta-Request-Id")
			}
			if strings.HasPrefix(c.path, "/v1/") {
				if r.body["type"] != c.code || r.body["code"] != float64(c.status) || r.body["message"] == "" || len(r.body) != 3 {
					t.Errorf("OPA body %v", r.body)
				}
				return
			}
			if r.body["errorCode"] != c.code || r.body["errorLink"] != c.code || r.body["errorId"] != "oae"+id ||
				r.body["errorSummary"] == "" || r.body["errorCauses"] == nil {
				t.Errorf("Okta body %v, want code %s and errorId oae%s", r.body, c.code, id)
			}
			if r.header.Get("Allow") != c.allow {
				t.Errorf("Allow %q, want %q", r.header.Get("Allow"), c.allow)
			}
			if strings.HasPrefix(c.path, "/api/v1/agentPools/") || c.path == "/api/v1/agentPools" && c.status != 405 {
				for _, h := range []string{"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"} {
					if r.header.Get(h) == "" {
						t.Errorf("no %s", h)
					}
				}
			}
		})
	}
}

func TestRateLimitOnRealServer(t *testing.T) {
	s := apptest.Start(t, apptest.Options{Configure: func(c *config.Config) { c.RateLimit = 3 }})
	admin := []string{"Authorization", "SSWS " + apptest.AdminToken}
	for i := range 3 {
		r := call(t, s, "GET", "/api/v1/agentPools", "", admin...)
		if r.status != 200 || r.header.Get("X-Rate-Limit-Limit") != "3" || r.header.Get("X-Rate-Limit-Remaining") != strconv.Itoa(2-i) {
			t.Fatalf("request %d: %d %v", i, r.status, r.header)
		}
	}
	r := call(t, s, "GET", "/api/v1/agentPools/0oaNone/updates", "", admin...)
	if r.status != 429 || r.body["errorCode"] != "E0000047" || r.header.Get("Date") == "" || r.header.Get("X-Rate-Limit-Reset") == "" {
		t.Errorf("over the limit: %d %v %v", r.status, r.header, r.body)
	}
	// The admin API is not in the Agent Pools bucket.
	if r := call(t, s, "GET", "/keyward/v1/releases", "", admin...); r.status != 200 {
		t.Errorf("admin API while limited: %d", r.status)
	}
}
