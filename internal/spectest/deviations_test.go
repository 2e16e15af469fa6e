package spectest

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeviations checks that each named deviation lets through what live OPA sends, and only
// that, while the document as written still refuses it.
func TestDeviations(t *testing.T) {
	const (
		rg      = "/v1/teams/x/resource_groups/y"
		project = projects + "/p1"
	)
	cases := []struct {
		name, method, target string
		status               int
		body                 string
		wantErr              string // with the deviations; "" = must pass
	}{
		{"resource group PUT 204", "PUT", rg, 204, "", ""},
		{"resource group PUT 204 with a body", "PUT", rg, 204, `{"id":"y"}`, "resource-group-put-204"},
		{"project PUT 204", "PUT", project, 204, "", ""},
		{"project PUT 204 with a body", "PUT", project, 204, `{}`, "project-put-204"},
		{"undeclared 404", "GET", project, 404, `{"code":404,"message":"m","type":"not_found"}`, ""},
		{"undeclared 409", "DELETE", rg, 409, `{"code":409,"message":"m","type":"conflict"}`, ""},
		{"undeclared 404 with another code", "GET", project, 404, `{"code":400,"message":"m","type":"not_found"}`, "undeclared-error-statuses"},
		{"undeclared 404 without type", "GET", project, 404, `{"code":404,"message":"m"}`, "missing type"},
		{"declared 404 with nottype only", "GET", "/v1/teams/x/connections/active_directory/c1", 404, `{"code":404,"message":"m","nottype":"not_found"}`, "error-type-field"},
		{"a 200 is still validated", "GET", project, 200, `{"name":"bad name!","id":"1","team":"x"}`, "FetchResourceGroupProject"},
	}
	strict := Load(t, opaSpec)
	live := strict.WithDeviations(Deviations)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.target, nil)
			h := http.Header{}
			if tc.body != "" {
				h.Set("Content-Type", jsonCT)
			}
			err := live.ValidateResponse(req, tc.status, h, []byte(tc.body))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("with the deviations: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("with the deviations: got %v, want an error naming %q", err, tc.wantErr)
			}
			if tc.wantErr == "" && strict.ValidateResponse(req, tc.status, h, []byte(tc.body)) == nil {
				t.Error("the document as written accepts it too: no deviation needed")
			}
		})
	}
}

// TestDeviationsAreDocumented keeps docs/opa.md and the list in step.
func TestDeviationsAreDocumented(t *testing.T) {
	path, err := locate("opa-projects.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Dir(path)), "docs", "opa.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Patches {
		if p.Name == "" || p.Reason == "" || p.Apply == nil || !strings.Contains(string(doc), "`"+p.Name+"`") {
			t.Errorf("patch %q is incomplete or not named in docs/opa.md", p.Name)
		}
	}
	for _, d := range Deviations {
		if d.Name == "" || d.Reason == "" || d.Applies == nil || d.Check == nil {
			t.Errorf("deviation %q is incomplete", d.Name)
		}
		if !strings.Contains(string(doc), "`"+d.Name+"`") {
			t.Errorf("docs/opa.md does not name the deviation `%s`", d.Name)
		}
	}
}

// TestServerDeviations checks the server deviations on sample bodies: what keyward sends
// passes, and a body off the shape in any other way still fails.
func TestServerDeviations(t *testing.T) {
	const (
		tokens  = "/v1/teams/x/resource_groups/y/projects/p/server_enrollment_tokens"
		servers = "/v1/teams/x/resource_groups/y/projects/p/servers"
		id      = "4b1b1b1b-1b1b-4b1b-8b1b-1b1b1b1b1b1b"
		token   = `{"id":"` + id + `","token":"e30=","created_by_user":"u","issued_at":"2026-01-01T00:00:00Z","description":"d"}`
		srv     = `{"id":"` + id + `","team_name":"x","project_id":"` + id + `","project_name":"p","hostname":"h","alt_names":[],` +
			`"bastion":null,"canonical_name":null,"access_address":null,"os":null,"os_type":"linux","services":["ssh"],` +
			`"registered_at":"2026-01-01T00:00:00Z","last_seen":"2026-01-01T00:00:00Z","sftd_version":null,"ssh_host_keys":[],` +
			`"state":"ACTIVE","managed":true,"deleted_at":null,"labels":{}}`
	)
	live := Load(t, opaSpec).WithDeviations(Deviations)
	h := http.Header{"Content-Type": {jsonCT}}
	for _, tc := range []struct {
		name, method, target string
		status               int
		body, wantErr        string
	}{
		{"token string", "POST", tokens, 201, token, ""},
		{"token list", "GET", tokens, 200, `{"list":[` + token + `]}`, ""},
		{"token not base64 JSON", "POST", tokens, 201, strings.Replace(token, "e30=", "nope", 1), "server-enrollment-token-string"},
		{"token without description", "POST", tokens, 201, strings.Replace(token, `,"description":"d"`, "", 1), "description"},
		{"server with nulls", "GET", servers, 200, `{"list":[` + srv + `]}`, ""},
		{"server without hostname", "GET", servers, 200, `{"list":[` + strings.Replace(srv, `"hostname":"h",`, "", 1) + `]}`, "hostname"},
		{"server with a null state", "GET", servers, 200, `{"list":[` + strings.Replace(srv, `"ACTIVE"`, "null", 1) + `]}`, "state"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := live.ValidateResponse(httptest.NewRequest(tc.method, tc.target, nil), tc.status, h, []byte(tc.body))
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("got %v, want error %q", err, tc.wantErr)
			}
		})
	}
}
