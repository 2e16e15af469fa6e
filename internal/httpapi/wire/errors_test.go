package wire

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// notFound and conflict are the API errors the domain's faults become.
func notFound(id, typ string) *Error { return As(fault.Missing(id, typ)) }
func conflict(summary string) *Error { return As(fault.Conflictf("%s", summary)) }

func TestAs(t *testing.T) {
	api := Validation("name", "name: required")
	cases := []struct {
		name    string
		err     error
		status  int
		code    string
		summary string // exact when set
	}{
		{"API error passes through", api, 400, "E0000001", "Api validation failed: name"},
		{"wrapped API error", fmt.Errorf("ctx: %w", notFound("0oa1", "AgentPool")), 404, "E0000007",
			"Not found: Resource not found: 0oa1 (AgentPool)"},
		{"store not found", fmt.Errorf("get: %w", store.ErrNotFound), 404, "E0000007", ""},
		{"store conflict", store.ErrConflict, 409, "E0000001", ""},
		{"store stale", store.ErrStale, 409, "E0000001", ""},
		{"fault invalid", fault.Invalidf("AgentPoolUpdate", "agents: empty"), 400, "E0000001", "Api validation failed: AgentPoolUpdate"},
		{"fault missing", fmt.Errorf("x: %w", fault.Missing("ajd1", "AgentPoolUpdate")), 404, "E0000007",
			"Not found: Resource not found: ajd1 (AgentPoolUpdate)"},
		{"fault conflict", fault.Conflictf("agent %s is in another job", "a53"), 409, "E0000001", ""},
		{"anything else", errors.New("disk on fire"), 500, "E0000009", "Internal Server Error"},
	}
	for _, c := range cases {
		e := As(c.err)
		if e.Status != c.status || e.Code != c.code || (c.summary != "" && e.Summary != c.summary) {
			t.Errorf("%s: %d %s %q, want %d %s %q", c.name, e.Status, c.code, e.Summary, c.status, c.code, c.summary)
		}
	}
	if As(api) != api {
		t.Error("As copied an *Error instead of returning it")
	}
}

func TestUnauthorized(t *testing.T) {
	if e := As(Unauthorized(fmt.Errorf("lookup: %w", auth.ErrInvalid))); e.Status != 401 || e.Code != CodeInvalidToken {
		t.Errorf("invalid credential: %d %s", e.Status, e.Code)
	}
	if e := As(Unauthorized(errors.New("database down"))); e.Status != 500 || e.Code != CodeInternal {
		t.Errorf("server failure: %d %s", e.Status, e.Code)
	}
}

func TestDialectOf(t *testing.T) {
	for path, want := range map[string]Dialect{
		"/v1/teams/acme/projects": OPA, "/v1": OPA, "/v1/": OPA,
		"/api/v1/agentPools": Okta, "/oauth2/v1/token": Okta, "/keyward/v1/agentPools": Okta, "/": Okta,
		"/v10/x": Okta, "/agent/v1/heartbeat": Okta,
	} {
		if got := DialectOf(path); got != want {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
}

func request(path, requestID string) *http.Request {
	r := httptest.NewRequest("GET", path, nil)
	return r.WithContext(WithInfo(r.Context(), &Info{RequestID: requestID}))
}

func TestWriteErrorOkta(t *testing.T) {
	r := request("/api/v1/agentPools/x", "REQ123")
	w := httptest.NewRecorder()
	err := &Error{Status: 400, Code: "E0000001", Summary: "Api validation failed: x", Causes: []string{"a: bad", "b: bad"},
		Header: http.Header{"X-Extra": {"1"}}}
	WriteError(w, r, err)
	want := `{"errorCode":"E0000001","errorSummary":"Api validation failed: x","errorLink":"E0000001","errorId":"oaeREQ123",` +
		`"errorCauses":[{"errorSummary":"a: bad"},{"errorSummary":"b: bad"}]}` + "\n"
	if w.Code != 400 || w.Body.String() != want || w.Header().Get("X-Extra") != "1" || w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("%d %v\n%s\nwant %s", w.Code, w.Header(), w.Body, want)
	}
	if InfoFrom(r.Context()).Err != err {
		t.Error("the error was not recorded for the access log")
	}

	w = httptest.NewRecorder()
	WriteError(w, request("/api/v1/x", "R"), InvalidToken())
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if causes, ok := body["errorCauses"].([]any); !ok || len(causes) != 0 {
		t.Errorf("errorCauses %v, want []", body["errorCauses"])
	}
}

func TestWriteErrorHidesInternalCause(t *testing.T) {
	w := httptest.NewRecorder()
	WriteError(w, request("/api/v1/x", "R"), errors.New("password=hunter2"))
	if w.Code != 500 || !json.Valid(w.Body.Bytes()) || strings.Contains(w.Body.String(), "hunter2") {
		t.Errorf("%d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	WriteError(w, request("/v1/teams/a/projects", "R"), errors.New("password=hunter2"))
	if w.Body.String() != `{"code":500,"message":"Internal Server Error","type":"internal_error"}`+"\n" {
		t.Errorf("%s", w.Body)
	}
}

func TestWriteErrorOPA(t *testing.T) {
	cases := []struct {
		err  *Error
		want string
	}{
		{Validation("name", "name: required"), `{"code":400,"message":"name: required","type":"bad_request"}`},
		{InvalidToken(), `{"code":401,"message":"Invalid token provided","type":"authorization_error"}`},
		{Forbidden(), `{"code":403,"message":"You do not have permission to perform the requested action","type":"forbidden"}`},
		{&Error{Status: 404, Summary: "gone"}, `{"code":404,"message":"gone","type":"not_found"}`},
		{conflict("exists"), `{"code":409,"message":"exists","type":"conflict"}`},
		{&Error{Status: 412, Summary: "stale"}, `{"code":412,"message":"stale","type":"precondition_failed"}`},
		{&Error{Status: 413, Summary: "big"}, `{"code":413,"message":"big","type":"bad_request"}`},
		{&Error{Status: 415, Summary: "xml"}, `{"code":415,"message":"xml","type":"bad_request"}`},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		WriteError(w, request("/v1/teams/acme/projects", "R"), c.err)
		if w.Code != c.err.Status || w.Body.String() != c.want+"\n" {
			t.Errorf("%d %s, want %d %s", w.Code, w.Body, c.err.Status, c.want)
		}
	}
}

func TestWriteErrorWithoutBody(t *testing.T) {
	w := httptest.NewRecorder()
	WriteError(w, request("/api/v1/agentPools", "R"), &Error{Status: 403, NoBody: true,
		Header: http.Header{"Www-Authenticate": {`Bearer error="insufficient_scope"`}}})
	if w.Code != 403 || w.Body.Len() != 0 || w.Header().Get("Www-Authenticate") == "" {
		t.Errorf("%d %q %v", w.Code, w.Body, w.Header())
	}
}

func TestWriteErrorOutsideARequestInfo(t *testing.T) {
	w := httptest.NewRecorder()
	WriteError(w, httptest.NewRequest("GET", "/api/v1/x", nil), InvalidToken())
	if w.Code != 401 || !strings.Contains(w.Body.String(), `"errorId":""`) {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}

func TestCancelledRequestIsNotAServerError(t *testing.T) {
	e := As(fmt.Errorf("sqlstore: commit: %w", context.Canceled))
	if e.Status != StatusClientClosed || e.Status >= 500 {
		t.Fatalf("got %d, want %d", e.Status, StatusClientClosed)
	}
}

// TestFaultsInBothDialects writes each kind of fault on an Okta and an OPA path: the same fault,
// each API's own words.
func TestFaultsInBothDialects(t *testing.T) {
	required := fault.InvalidFields(fault.Required("name", "name: is required"), fault.ParseCause("sortOrder: must be a 32-bit integer"))
	cases := []struct {
		name string
		err  error
		okta string
		opa  string
	}{
		{"missing fields", required,
			`{"errorCode":"E0000001","errorSummary":"Api validation failed: name","errorLink":"E0000001","errorId":"oaeR","errorCauses":[{"errorSummary":"errors in the field: name"},{"errorSummary":"sortOrder: must be a 32-bit integer"}]}`,
			`{"code":400,"message":"name: is required; sortOrder: must be a 32-bit integer","type":"bad_request"}`},
		{"invalid without causes", fault.Invalidf("count"),
			`{"errorCode":"E0000001","errorSummary":"Api validation failed: count","errorLink":"E0000001","errorId":"oaeR","errorCauses":[]}`,
			`{"code":400,"message":"invalid count","type":"bad_request"}`},
		{"not found", fault.Missing("p1", "Project"),
			`{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: p1 (Project)","errorLink":"E0000007","errorId":"oaeR","errorCauses":[]}`,
			`{"code":404,"message":"Resource not found: p1 (Project)","type":"not_found"}`},
		{"conflict", fault.Conflictf("resource group %s still holds projects", "rg1"),
			`{"errorCode":"E0000001","errorSummary":"Api validation failed: resource group rg1 still holds projects","errorLink":"E0000001","errorId":"oaeR","errorCauses":[]}`,
			`{"code":409,"message":"resource group rg1 still holds projects","type":"conflict"}`},
		{"unauthorized", fault.Unauthorizedf("Missing capability: role"),
			`{"errorCode":"E0000011","errorSummary":"Missing capability: role","errorLink":"E0000011","errorId":"oaeR","errorCauses":[]}`,
			`{"code":401,"message":"Missing capability: role","type":"authorization_error"}`},
		{"forbidden", fault.Forbiddenf("no access method grants this"),
			`{"errorCode":"E0000006","errorSummary":"no access method grants this","errorLink":"E0000006","errorId":"oaeR","errorCauses":[]}`,
			`{"code":403,"message":"no access method grants this","type":"forbidden"}`},
		{"precondition failed", fault.PreconditionFailedf("the password policy changed"),
			`{"errorCode":"E0000001","errorSummary":"Api validation failed: the password policy changed","errorLink":"E0000001","errorId":"oaeR","errorCauses":[]}`,
			`{"code":412,"message":"the password policy changed","type":"precondition_failed"}`},
		{"decoding error in Okta's words", &Error{Status: 413, Code: CodeValidation, Summary: "Api validation failed: the request body is larger than 1024 bytes"},
			`{"errorCode":"E0000001","errorSummary":"Api validation failed: the request body is larger than 1024 bytes","errorLink":"E0000001","errorId":"oaeR","errorCauses":[]}`,
			`{"code":413,"message":"the request body is larger than 1024 bytes","type":"bad_request"}`},
	}
	for _, c := range cases {
		for path, want := range map[string]string{"/api/v1/agentPools": c.okta, "/v1/teams/acme/projects": c.opa} {
			w := httptest.NewRecorder()
			WriteError(w, request(path, "R"), c.err)
			if got := strings.TrimSpace(w.Body.String()); got != want {
				t.Errorf("%s on %s:\n got %s\nwant %s", c.name, path, got, want)
			}
			if strings.HasPrefix(path, "/v1/") && strings.Contains(w.Body.String(), "Api validation failed") {
				t.Errorf("%s: Okta's words in an OPA message", c.name)
			}
		}
	}
}
