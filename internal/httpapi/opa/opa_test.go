package opa_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

func issue(t *testing.T, s *apptest.Server, team, body string) (int, map[string]any) {
	t.Helper()
	resp, err := s.HTTP.Post(s.URL+"/v1/teams/"+team+"/service_token", "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return resp.StatusCode, out
}

func TestIssueServiceToken(t *testing.T) {
	s := apptest.Start(t, apptest.Options{Configure: func(c *config.Config) {
		c.OPATeam, c.OPAKeyID, c.OPAKeySecret = "acme", "key-1", "secret-1-0123456789-abcdefghijklmnopqrstuvw"
	}})
	status, body := issue(t, s, "acme", `{"key_id":"key-1","key_secret":"secret-1-0123456789-abcdefghijklmnopqrstuvw"}`)
	if status != http.StatusOK || body["team_name"] != "acme" || body["bearer_token"] == "" {
		t.Fatalf("got %d %v", status, body)
	}
	exp, err := time.Parse(time.RFC3339, body["expires_at"].(string))
	if err != nil || time.Until(exp) < 59*time.Minute || time.Until(exp) > 61*time.Minute {
		t.Fatalf("expires_at %v (%v), want about an hour from now", body["expires_at"], err)
	}

	tests := []struct {
		name, team, body string
		status           int
		typ              string
	}{
		{"wrong secret", "acme", `{"key_id":"key-1","key_secret":"nope"}`, 401, "authorization_error"},
		{"unknown key", "acme", `{"key_id":"key-2","key_secret":"secret-1-0123456789-abcdefghijklmnopqrstuvw"}`, 401, "authorization_error"},
		{"another team", "other", `{"key_id":"key-1","key_secret":"secret-1-0123456789-abcdefghijklmnopqrstuvw"}`, 401, "authorization_error"},
		{"missing fields", "acme", `{}`, 400, "bad_request"},
		{"malformed", "acme", `{"key_id":`, 400, "bad_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := issue(t, s, tc.team, tc.body)
			if status != tc.status || body["type"] != tc.typ || body["code"] != float64(tc.status) || body["message"] == "" {
				t.Fatalf("got %d %v, want %d %s", status, body, tc.status, tc.typ)
			}
		})
	}
}

// TestServiceTokenRateLimit checks the OPA bucket on a real server: a 429 in OPA's body with
// X-RateLimit-Retry-At in the future, and none of Okta's X-Rate-Limit-* headers.
func TestServiceTokenRateLimit(t *testing.T) {
	s := apptest.Start(t, apptest.Options{Configure: func(c *config.Config) {
		c.OPATeam, c.OPAKeyID, c.OPAKeySecret, c.OPARateLimit = "acme", "key-1", "secret-1-0123456789-abcdefghijklmnopqrstuvw", 2
	}})
	var resp *http.Response
	for i := 0; i < 3; i++ {
		var err error
		resp, err = s.HTTP.Post(s.URL+"/v1/teams/acme/service_token", "application/json",
			bytes.NewBufferString(`{"key_id":"key-1","key_secret":"secret-1-0123456789-abcdefghijklmnopqrstuvw"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("X-Rate-Limit-Limit") != "" {
			t.Errorf("request %d carries Okta's rate-limit headers", i)
		}
	}
	retryAt, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Retry-At"), 10, 64)
	if resp.StatusCode != http.StatusTooManyRequests || err != nil || retryAt <= time.Now().Unix()-1 {
		t.Fatalf("third request: %d, X-RateLimit-Retry-At %q", resp.StatusCode, resp.Header.Get("X-RateLimit-Retry-At"))
	}
}
