package spectest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that records Errorf calls instead of failing.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, strings.TrimSpace(fmt.Sprintf(format, args...)))
}

// Fatalf records the message and ends the calling goroutine, as testing.T does.
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recorder) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

// fakeServer answers every request with the response registered for its
// path, or 404 with a non-JSON body.
func fakeServer(t *testing.T, responses map[string]struct {
	status int
	body   string
}) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, ok := responses[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(resp.status)
		_, _ = io.WriteString(w, resp.body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTransport(t *testing.T) {
	invalid := `[{"status":"Running"}]`
	srv := fakeServer(t, map[string]struct {
		status int
		body   string
	}{
		pools:                         {200, validPools},
		updates:                       {200, invalid},
		projects:                      {200, `{"list":[]}`},
		"/v1/teams/x/resource_groups": {200, `{"list":"nope"}`},
		"/v1/teams/x/roles":           {200, `{"list":[{"name":"pam_admin"}]}`},
		"/v1/teams/y/roles":           {200, `{"list":[{"name":"king"}]}`},
	})
	okta, opa, team := Load(t, oktaSpec), Load(t, opaSpec), Load(t, "opa-team.yaml")
	allOPA := func(tb testing.TB) http.RoundTripper { return Transport(tb, nil, okta, opa, team) }

	cases := []struct {
		name, path string
		rt         func(testing.TB) http.RoundTripper
		wantBody   string
		wantErrs   int
		wantInErr  string
	}{
		{"valid response", pools, func(tb testing.TB) http.RoundTripper { return okta.Transport(tb, nil) }, validPools, 0, ""},
		{"invalid response", updates, func(tb testing.TB) http.RoundTripper { return okta.Transport(tb, nil) }, invalid, 1, "GET /api/v1/agentPools/0oa1/updates -> 200"},
		{"other paths pass unchecked", "/elsewhere", func(tb testing.TB) http.RoundTripper { return okta.Transport(tb, nil) }, "404 page not found\n", 0, ""},
		{"OPA path via multi-spec", projects, func(tb testing.TB) http.RoundTripper { return Transport(tb, nil, okta, opa) }, `{"list":[]}`, 0, ""},
		{"OPA path not checked by Okta spec", "/v1/teams/x/resource_groups", func(tb testing.TB) http.RoundTripper { return okta.Transport(tb, nil) }, `{"list":"nope"}`, 0, ""},
		{"Okta path via multi-spec", updates, func(tb testing.TB) http.RoundTripper { return Transport(tb, http.DefaultTransport, opa, okta) }, invalid, 1, "status"},
		// Both OPA documents cover /v1/teams/: each response is checked by the one describing it.
		{"second OPA document", "/v1/teams/x/roles", allOPA, `{"list":[{"name":"pam_admin"}]}`, 0, ""},
		{"second OPA document, invalid", "/v1/teams/y/roles", allOPA, `{"list":[{"name":"king"}]}`, 1, "GET /v1/teams/y/roles -> 200"},
		{"described by no OPA document", "/v1/teams/x/nothing", allOPA, "404 page not found\n", 1, "no operation"},
		{"undescribed Okta path", pools + "/0oa1/agents", func(tb testing.TB) http.RoundTripper { return okta.Transport(tb, nil) }, "404 page not found\n", 1, "no operation"},
		{"undescribed path, lenient", pools + "/0oa1/agents", func(tb testing.TB) http.RoundTripper { return okta.Lenient().Transport(tb, nil) }, "404 page not found\n", 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			client := &http.Client{Transport: tc.rt(rec)}
			req, err := http.NewRequest("GET", srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = "acme.okta.com" // the dial address and the Host differ
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			if cerr := resp.Body.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				t.Fatalf("reading body: %v", err)
			}
			if string(body) != tc.wantBody {
				t.Errorf("body = %q, want %q", body, tc.wantBody)
			}
			errs := rec.errors()
			if len(errs) != tc.wantErrs {
				t.Fatalf("got %d reported errors, want %d: %q", len(errs), tc.wantErrs, errs)
			}
			if tc.wantErrs > 0 && !strings.Contains(errs[0], tc.wantInErr) {
				t.Errorf("reported error %q does not contain %q", errs[0], tc.wantInErr)
			}
		})
	}
}
