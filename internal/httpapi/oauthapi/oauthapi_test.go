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
