package spectest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

const (
	oktaSpec = "okta-agent-pools.yaml"
	opaSpec  = "opa-projects.yaml"
	jsonCT   = "application/json"

	pools    = "/api/v1/agentPools"
	updates  = "/api/v1/agentPools/0oa1/updates"
	update   = "/api/v1/agentPools/0oa1/updates/upd1"
	settings = "/api/v1/agentPools/0oa1/updates/settings"
	projects = "/v1/teams/x/resource_groups/y/projects"

	validPools  = `[{"id":"0oa1","name":"pool","type":"AD","operationalStatus":"OPERATIONAL","disruptedAgents":0,"inactiveAgents":1,"agents":[{"id":"a1","lastConnection":1628263766000,"operationalStatus":"OPERATIONAL","poolId":"0oa1"}],"_links":{"self":{"href":"/api/v1/agentPools/0oa1","hints":{"allow":["GET"]}}}}]`
	validUpdate = `{"id":"upd1","name":"u","agentType":"AD","enabled":true,"status":"Scheduled","schedule":{"cron":"0 1 * * THU","duration":120,"timezone":"UTC","lastUpdated":"2026-01-02T03:04:05Z"},"agents":[],"_links":{"self":{"href":"/x"}}}`
	oktaError   = `{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: x (AgentPool)","errorLink":"E0000007","errorId":"oae1","errorCauses":[]}`
	opaError    = `{"code":401,"message":"Missing capability: role","type":"authorization_error"}`
)

func TestLoad(t *testing.T) {
	for _, tc := range []struct{ name, prefix string }{{oktaSpec, pools}, {opaSpec, "/v1/teams/"}, {"opa-team.yaml", "/v1/teams/"}} {
		t.Run(tc.name, func(t *testing.T) {
			s := Load(t, tc.name)
			if s.Name() != tc.name || s.PathPrefix() != tc.prefix {
				t.Fatalf("got name %q prefix %q", s.Name(), s.PathPrefix())
			}
			if again := Load(t, tc.name); again != s {
				t.Error("second Load returned a different *Spec; want the cached one")
			}
			if s.doc.Paths.Len() == 0 {
				t.Error("document has no paths")
			}
		})
	}
}

// TestEveryPathRoutesToItself fills each documented path template with sample
// values and checks that the router picks that very path and operation, so a
// literal segment (…/updates/settings, …/rules/reorder) never loses to a
// template one.
func TestLoadUnknownDocumentFails(t *testing.T) {
	rec := &recorder{TB: t}
	done := make(chan *Spec)
	go func() {
		defer close(done)
		done <- Load(rec, "nope.yaml")
	}()
	if s, ok := <-done; ok {
		t.Fatalf("Load returned %v for an unknown document", s)
	}
	if errs := rec.errors(); len(errs) != 1 || !strings.Contains(errs[0], "nope.yaml") {
		t.Fatalf("fatal messages = %q", errs)
	}
}

func TestEveryPathRoutesToItself(t *testing.T) {
	param := regexp.MustCompile(`\{[^}]+\}`)
	for _, name := range []string{oktaSpec, opaSpec} {
		s := Load(t, name)
		n := 0
		for tmpl, item := range s.doc.Paths.Map() {
			concrete := param.ReplaceAllString(tmpl, "v-1")
			for method, op := range item.Operations() {
				n++
				req := httptest.NewRequest(method, "https://elsewhere.example.com"+concrete, nil)
				route, _, err := s.router.FindRoute(&http.Request{Method: method, URL: req.URL})
				if err != nil {
					t.Errorf("%s: %s %s: %v", name, method, concrete, err)
					continue
				}
				if route.Path != tmpl || route.Operation != op {
					t.Errorf("%s: %s %s routed to %s (%s), want %s (%s)", name, method, concrete,
						route.Path, route.Operation.OperationID, tmpl, op.OperationID)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no operations", name)
		}
	}
}

func TestValidateResponse(t *testing.T) {
	cases := []struct {
		name, spec, method, target string
		status                     int
		ct, wwwAuth, body          string
		wantErr                    string // "" = must pass; otherwise a substring of the error
	}{
		{"agent pool list", oktaSpec, "GET", pools, 200, jsonCT, "", validPools, ""},
		{"charset in content type", oktaSpec, "GET", pools, 200, jsonCT + "; charset=utf-8", "", "[]", ""},
		{"absolute URL with another host", oktaSpec, "GET", "https://acme.okta.com" + pools + "?poolType=AD", 200, jsonCT, "", "[]", ""},
		{"lastConnection as string", oktaSpec, "GET", pools, 200, jsonCT, "", `[{"agents":[{"lastConnection":"yesterday"}]}]`, "lastConnection"},
		{"unknown operationalStatus", oktaSpec, "GET", pools, 200, jsonCT, "", `[{"operationalStatus":"BROKEN"}]`, "operationalStatus"},
		{"list body is an object", oktaSpec, "GET", pools, 200, jsonCT, "", `{}`, "GET /api/v1/agentPools -> 200"},
		{"empty body for JSON", oktaSpec, "GET", pools, 200, jsonCT, "", ``, "200"},
		{"wrong content type", oktaSpec, "GET", pools, 200, "text/plain", "", `[]`, "text/plain"},
		{"404 Okta error", oktaSpec, "GET", updates, 404, jsonCT, "", oktaError, ""},
		{"201 update", oktaSpec, "POST", updates, 201, jsonCT, "", validUpdate, ""},
		{"201 update bad status", oktaSpec, "POST", updates, 201, jsonCT, "", `{"status":"Running"}`, "status"},
		{"201 activate", oktaSpec, "POST", update + "/activate", 201, jsonCT, "", validUpdate, ""},
		{"204 delete", oktaSpec, "DELETE", update, 204, "", "", "", ""},
		{"204 delete with body", oktaSpec, "DELETE", update, 204, jsonCT, "", `{}`, "declares no content"},
		{"200 on delete is undeclared", oktaSpec, "DELETE", update, 200, jsonCT, "", `{}`, "not declared"},
		{"undeclared 401 Okta error", oktaSpec, "GET", pools, 401, jsonCT, "", oktaError, ""},
		{"undeclared 401 empty object", oktaSpec, "GET", pools, 401, jsonCT, "", `{}`, "missing errorCode"},
		{"undeclared 401 errorCauses not array", oktaSpec, "GET", pools, 401, jsonCT, "", strings.Replace(oktaError, `[]`, `{}`, 1), "errorCauses"},
		{"undeclared 500 Okta error", oktaSpec, "POST", update + "/stop", 500, jsonCT, "", oktaError, ""},
		{"undeclared 400 Okta error", oktaSpec, "GET", pools, 400, jsonCT, "", oktaError, ""},
		{"undeclared 415 as text", oktaSpec, "POST", updates, 415, "text/plain", "", "unsupported", "application/json"},
		{"undeclared 409", oktaSpec, "POST", updates, 409, jsonCT, "", oktaError, "not declared"},
		{"undeclared OPA 429", opaSpec, "GET", projects, 429, jsonCT, "", `{"code":429,"message":"Too Many Requests","type":"rate_limit_exceeded"}`, ""},
		{"undeclared OPA 429 without a body", opaSpec, "GET", projects, 429, "", "", "", "429"},
		{"declared 400 checks only its schema", oktaSpec, "POST", updates, 400, jsonCT, "", `{}`, ""},
		{"403 insufficient_scope empty body", oktaSpec, "GET", pools, 403, "", `Bearer error="insufficient_scope"`, "", ""},
		{"403 empty body without challenge", oktaSpec, "GET", pools, 403, "", "", "", "403"},
		{"403 Okta error", oktaSpec, "GET", pools, 403, jsonCT, "", oktaError, ""},
		{"settings routes to settings op", oktaSpec, "POST", settings, 201, jsonCT, "", `{"status":"Running","releaseChannel":"GA"}`, ""},
		{"settings schema applies", oktaSpec, "GET", settings, 200, jsonCT, "", `{"releaseChannel":"NIGHTLY"}`, "releaseChannel"},
		{"settings has no DELETE", oktaSpec, "DELETE", settings, 204, "", "", "", "method not described"},
		{"405 for undescribed method", oktaSpec, "PUT", pools, 405, jsonCT, "", oktaError, ""},
		{"405 without error object", oktaSpec, "PUT", pools, 405, jsonCT, "", `{}`, "405"},
		{"unknown path", oktaSpec, "GET", pools + "/0oa1/agents", 404, jsonCT, "", oktaError, "no operation"},
		{"OPA project list", opaSpec, "GET", projects, 200, jsonCT, "", `{"list":[]}`, ""},
		{"OPA undeclared 401", opaSpec, "GET", projects, 401, jsonCT, "", opaError, ""},
		{"OPA undeclared 401 code as string", opaSpec, "GET", projects, 401, jsonCT, "", `{"code":"401","message":"m","type":"t"}`, "code is not an integer"},
		{"OPA undeclared 404", opaSpec, "GET", projects + "/p1", 404, jsonCT, "", `{"code":404,"message":"m","type":"not_found"}`, "not declared"},
		{"OPA declared 404", opaSpec, "GET", "/v1/teams/x/connections/active_directory/c1", 404, jsonCT, "", `{"code":404,"message":"m","type":"not_found"}`, ""},
		{"OPA delete project 204", opaSpec, "DELETE", projects + "/p1", 204, "", "", "", ""},
		{"OPA literal rules/reorder", opaSpec, "POST", "/v1/teams/x/resource_assignment/active_directory/c/rules/reorder", 409, jsonCT, "", `{"code":409,"message":"m","type":"conflict"}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := Load(t, tc.spec)
			req := httptest.NewRequest(tc.method, tc.target, nil)
			h := http.Header{}
			if tc.ct != "" {
				h.Set("Content-Type", tc.ct)
			}
			if tc.wwwAuth != "" {
				h.Set("WWW-Authenticate", tc.wwwAuth)
			}
			err := s.ValidateResponse(req, tc.status, h, []byte(tc.body))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Fatal("expected an error, got nil")
			case err != nil:
				msg := err.Error()
				head := fmt.Sprintf("%s %s -> %d", tc.method, req.URL.Path, tc.status)
				if !strings.Contains(msg, head) || !strings.Contains(msg, tc.wantErr) {
					t.Fatalf("error %q does not contain %q and %q", msg, head, tc.wantErr)
				}
			}
		})
	}
}

func TestLenient(t *testing.T) {
	strict := Load(t, oktaSpec)
	lenient := strict.Lenient()
	req := httptest.NewRequest("GET", pools+"/0oa1/agents", nil)
	if err := strict.ValidateResponse(req, 200, nil, []byte("x")); err == nil {
		t.Error("strict spec accepted an undescribed path")
	}
	if err := lenient.ValidateResponse(req, 200, nil, []byte("x")); err != nil {
		t.Errorf("lenient spec rejected an undescribed path: %v", err)
	}
	bad := httptest.NewRequest("GET", pools, nil)
	h := http.Header{"Content-Type": {jsonCT}}
	if err := lenient.ValidateResponse(bad, 200, h, []byte(`{}`)); err == nil {
		t.Error("lenient spec accepted an invalid response on a described path")
	}
	if Load(t, oktaSpec).lenient {
		t.Error("Lenient changed the cached spec")
	}
}

func TestConcurrentValidation(t *testing.T) {
	s := Load(t, oktaSpec)
	h := http.Header{"Content-Type": {jsonCT}}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			body, want := validPools, true
			if i%2 == 1 {
				body, want = `[{"operationalStatus":"BROKEN"}]`, false
			}
			err := s.ValidateResponse(httptest.NewRequest("GET", pools, nil), 200, h, []byte(body))
			if (err == nil) != want {
				t.Errorf("goroutine %d: err = %v", i, err)
			}
		})
	}
	wg.Wait()
}
