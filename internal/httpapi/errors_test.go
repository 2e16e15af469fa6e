package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestOktaErrors(t *testing.T) {
	f := newFixture(t, fixtureOptions{maxBody: 1024})
	json := []string{"Content-Type", "application/json"}
	cases := []struct {
		name        string
		method      string
		path        string
		body        string
		header      []string
		status      int
		code        string
		wantHeaders map[string]string // "" means the header must be absent
	}{
		{name: "no token", method: "GET", path: "/api/v1/things", status: 401, code: "E0000011",
			wantHeaders: map[string]string{"Www-Authenticate": ""}},
		{name: "wrong SSWS token", method: "GET", path: "/api/v1/things", header: f.ssws("00wrong-token"), status: 401, code: "E0000011",
			wantHeaders: map[string]string{"Www-Authenticate": ""}},
		{name: "SSWS without token", method: "GET", path: "/api/v1/things", header: []string{"Authorization", "SSWS "}, status: 401, code: "E0000011"},
		{name: "unknown scheme", method: "GET", path: "/api/v1/things", header: []string{"Authorization", "Basic " + f.admin}, status: 401, code: "E0000011"},
		{name: "invalid bearer token", method: "GET", path: "/api/v1/things", header: []string{"Authorization", "Bearer not-a-token"},
			status: 401, code: "E0000011", wantHeaders: map[string]string{"Www-Authenticate": `error="invalid_token"`}},
		{name: "malformed JSON", method: "POST", path: "/api/v1/things", body: `{"name":`, header: append(f.ssws(f.admin), json...),
			status: 400, code: "E0000003"},
		{name: "wrong JSON type", method: "POST", path: "/api/v1/things", body: `{"name":7}`, header: f.ssws(f.admin),
			status: 400, code: "E0000003"},
		{name: "empty body", method: "POST", path: "/api/v1/things", header: f.ssws(f.admin), status: 400, code: "E0000003"},
		{name: "unsupported media type", method: "POST", path: "/api/v1/things", body: `name=x`,
			header: append(f.ssws(f.admin), "Content-Type", "application/x-www-form-urlencoded"), status: 415, code: "E0000021"},
		{name: "body over the limit", method: "POST", path: "/api/v1/things", body: `{"name":"` + strings.Repeat("x", 2000) + `"}`,
			header: append(f.ssws(f.admin), json...), status: 413, code: "E0000001"},
		{name: "wrong method", method: "DELETE", path: "/api/v1/things", header: f.ssws(f.admin), status: 405, code: "E0000022",
			wantHeaders: map[string]string{"Allow": "GET, HEAD, POST"}},
		{name: "unknown path", method: "GET", path: "/api/v1/nothing-here", header: f.ssws(f.admin), status: 404, code: "E0000008"},
		{name: "unknown root path", method: "GET", path: "/nothing-here", status: 404, code: "E0000008"},
		{name: "non-admin on admin route", method: "GET", path: "/keyward/v1/things", header: f.ssws(f.user), status: 403, code: "E0000006"},
		{name: "admin route without token", method: "GET", path: "/keyward/v1/things", status: 401, code: "E0000011"},
		{name: "panic", method: "GET", path: "/api/v1/panic", header: f.ssws(f.admin), status: 500, code: "E0000009"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := f.do(c.method, c.path, c.body, c.header...)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d; body %s", w.Code, c.status, w.Body)
			}
			e := decodeOkta(t, w)
			if e.ErrorCode != c.code {
				t.Errorf("errorCode %q, want %q", e.ErrorCode, c.code)
			}
			if e.ErrorSummary == "" {
				t.Error("empty errorSummary")
			}
			for k, want := range c.wantHeaders {
				got := w.Header().Get(k)
				if want == "" && got != "" || !strings.Contains(got, want) {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestPanicDoesNotLeakAndIsLogged(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	w := f.do("GET", "/api/v1/panic", "", f.ssws(f.admin)...)
	if w.Code != 500 || strings.Contains(w.Body.String(), "secret detail") {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	lines := f.log.lines(t)
	last := lines[len(lines)-1]
	if last["level"] != "ERROR" || last["status"] != float64(500) || !strings.Contains(last["error"].(string), "boom: secret detail") {
		t.Errorf("access log %v", last)
	}
	// The server keeps serving after a panic.
	if w := f.do("GET", "/api/v1/things", "", f.ssws(f.admin)...); w.Code != 200 {
		t.Errorf("after panic: %d", w.Code)
	}
}

func TestAbortHandlerPanicPropagates(t *testing.T) {
	h := recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
	}()
	h.ServeHTTP(nil, nil)
}

func TestOPAErrors(t *testing.T) {
	f := newFixture(t, fixtureOptions{maxBody: 1024})
	cases := []struct {
		name, method, path, body, contentType string
		status                                int
		typ                                   string
		message                               string // exact when set
	}{
		{name: "unknown path", method: "GET", path: "/v1/teams/acme/nothing", status: 404, typ: "not_found",
			message: "The requested path was not found"},
		{name: "unknown path at the root", method: "GET", path: "/v1/nothing", status: 404, typ: "not_found"},
		{name: "wrong method", method: "PUT", path: "/v1/teams/acme/things", body: "{}", status: 405, typ: "bad_request"},
		{name: "malformed JSON", method: "POST", path: "/v1/teams/acme/things", body: "{", status: 400, typ: "bad_request"},
		{name: "unsupported media type", method: "POST", path: "/v1/teams/acme/things", body: "x", contentType: "text/plain",
			status: 415, typ: "bad_request"},
		{name: "body over the limit", method: "POST", path: "/v1/teams/acme/things", body: `{"a":"` + strings.Repeat("x", 2000) + `"}`,
			status: 413, typ: "bad_request"},
		{name: "panic", method: "GET", path: "/v1/teams/acme/panic", status: 500, typ: "internal_error",
			message: "Internal Server Error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var h []string
			if c.contentType != "" {
				h = []string{"Content-Type", c.contentType}
			}
			w := f.do(c.method, c.path, c.body, h...)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d; body %s", w.Code, c.status, w.Body)
			}
			if w.Header().Get("X-Okta-Request-Id") == "" {
				t.Error("no X-Okta-Request-Id")
			}
			var raw map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
				t.Fatal(err)
			}
			if len(raw) != 3 || raw["code"] != float64(c.status) || raw["type"] != c.typ || raw["message"] == "" {
				t.Errorf("body %s: want exactly code %d, message and type %q", w.Body, c.status, c.typ)
			}
			if c.message != "" && raw["message"] != c.message {
				t.Errorf("message %q, want %q", raw["message"], c.message)
			}
		})
	}
}
