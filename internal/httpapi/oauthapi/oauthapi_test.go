package oauthapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/oauth"
)

// A failure of the server itself is answered in OAuth's terms, which OAuth clients parse, with
// its cause kept for the log and not shown.
func TestTokenServerErrorIsOAuths(t *testing.T) {
	h := &Handlers{Issuer: &oauth.Issuer{}} // no signer: every token request fails inside
	var token wire.Handler
	for _, r := range h.Routes() {
		if r.Name == "token" {
			token = r.Handler
		}
	}
	req := httptest.NewRequest("POST", "/oauth2/v1/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	info := &wire.Info{RequestID: "r1"}
	req = req.WithContext(wire.WithInfo(req.Context(), info))
	rec := httptest.NewRecorder()
	token.ServeHTTP(rec, req)

	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusInternalServerError {
		t.Fatalf("%d %s: %v", rec.Code, rec.Body, err)
	}
	if body["error"] != "server_error" || body["error_description"] == "" || len(body) != 2 {
		t.Errorf("body %v, want OAuth's server_error", body)
	}
	if info.Err == nil || strings.Contains(rec.Body.String(), info.Err.Error()) {
		t.Errorf("cause %v: want it logged, not shown", info.Err)
	}
}

// A refused token request keeps its reason for the access log, so an operator can tell why a
// client cannot get a token.
func TestTokenRefusalReasonIsLogged(t *testing.T) {
	h := &Handlers{Issuer: &oauth.Issuer{}}
	for _, c := range []struct{ contentType, body, reason string }{
		{"text/plain", "grant_type=client_credentials", "application/x-www-form-urlencoded"},
		{"application/x-www-form-urlencoded", "grant_type=%zz", "could not be parsed"},
	} {
		req := httptest.NewRequest("POST", "/oauth2/v1/token", strings.NewReader(c.body))
		req.Header.Set("Content-Type", c.contentType)
		info := &wire.Info{RequestID: "r1"}
		req = req.WithContext(wire.WithInfo(req.Context(), info))
		rec := httptest.NewRecorder()
		h.Routes()[0].Handler.ServeHTTP(rec, req)
		if rec.Code/100 != 4 || info.Err == nil || !strings.Contains(info.Err.Error(), c.reason) {
			t.Errorf("%s %s: %d, logged cause %v; want a 4xx with %q logged", c.contentType, c.body, rec.Code, info.Err, c.reason)
		}
	}
}
