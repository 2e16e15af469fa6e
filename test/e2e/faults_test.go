package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/okta/okta-sdk-golang/v6/okta"

	"github.com/keyward/keyward/internal/apptest"
)

// faultRule is a fault rule as the admin API shows it.
type faultRule struct {
	ID          string  `json:"id"`
	Org         string  `json:"org"`
	Team        string  `json:"team"`
	Route       string  `json:"route"`
	OperationID string  `json:"operationId"`
	Action      string  `json:"action"`
	Status      int     `json:"status"`
	LatencyMs   int64   `json:"latencyMs"`
	Probability float64 `json:"probability"`
	Count       int     `json:"count"`
	Remaining   int     `json:"remaining"`
	Hits        int     `json:"hits"`
}

// adminCall sends an admin API request with token and decodes a JSON answer into out.
func adminCall(t *testing.T, s *apptest.Server, token, method, path string, in any, out any) int {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

func addFault(t *testing.T, s *apptest.Server, token string, rule map[string]any) faultRule {
	t.Helper()
	var out faultRule
	if st := adminCall(t, s, token, "POST", "/keyward/v1/faults", rule, &out); st != http.StatusCreated {
		t.Fatalf("create fault %v: %d", rule, st)
	}
	return out
}

func listFaults(t *testing.T, s *apptest.Server, token string) []faultRule {
	t.Helper()
	var out struct{ Faults []faultRule }
	if st := adminCall(t, s, token, "GET", "/keyward/v1/faults", nil, &out); st != http.StatusOK {
		t.Fatalf("list faults: %d", st)
	}
	return out.Faults
}

// TestFaultReachesTheSDK injects "fail the next 2 listAgentPools with 503": Okta's Go SDK gets
// them as API errors with Okta's error body, then succeeds again; another org is never affected.
func TestFaultReachesTheSDK(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, db.postgres)
			ctx := context.Background()
			api := unvalidatedSDK(t, s, apptest.AdminToken).AgentPoolsAPI
			_, otherToken := secondOrg(t, s)
			other := newSDK(t, s, sswsAuth(otherToken)...).AgentPoolsAPI

			rule := addFault(t, s, apptest.AdminToken, map[string]any{"operationId": "listAgentPools", "action": "error", "status": 503, "count": 2})
			if rule.Remaining != 2 || rule.Org == "" || rule.Probability != 1 {
				t.Fatalf("rule %+v", rule)
			}
			for i := range 2 {
				_, resp, err := api.ListAgentPools(ctx).Execute()
				e := sdkErrorBody(t, resp, err, http.StatusServiceUnavailable, "E0000009")
				if e.ErrorSummary == "" {
					t.Fatalf("call %d: empty errorSummary", i)
				}
				_, resp, err = other.ListAgentPools(ctx).Execute()
				sdkOK(t, "another org's list", resp, err, http.StatusOK)
			}
			_, resp, err := api.ListAgentPools(ctx).Execute()
			sdkOK(t, "list after the count ran out", resp, err, http.StatusOK)
			if got := listFaults(t, s, apptest.AdminToken); len(got) != 1 || got[0].Remaining != 0 || got[0].Hits != 2 {
				t.Fatalf("rules after use %+v", got)
			}
			if got := listFaults(t, s, otherToken); len(got) != 0 {
				t.Fatalf("another org lists %+v", got)
			}
			if st := adminCall(t, s, otherToken, "DELETE", "/keyward/v1/faults/"+rule.ID, nil, nil); st != http.StatusNotFound {
				t.Fatalf("another org deletes the rule: %d", st)
			}
			if st := adminCall(t, s, apptest.AdminToken, "DELETE", "/keyward/v1/faults/"+rule.ID, nil, nil); st != http.StatusNoContent {
				t.Fatalf("delete: %d", st)
			}
			if got := listFaults(t, s, apptest.AdminToken); len(got) != 0 {
				t.Fatalf("rules after delete %+v", got)
			}
		})
	}
}

// unvalidatedSDK is Okta's Go SDK on s with an API token, its answers not checked against the
// spec: an injected fault is outside it on purpose.
func unvalidatedSDK(t *testing.T, s *apptest.Server, token string) *okta.APIClient {
	t.Helper()
	cfg, err := okta.NewConfiguration(ignoreOktaConfig, okta.WithOrgUrl(s.URL),
		okta.WithHttpClientPtr(&http.Client{Timeout: 30 * time.Second, Transport: apptest.DialTransport(s.Addr)}),
		okta.WithCache(false), okta.WithRequestTimeout(30), okta.WithAuthorizationMode("SSWS"), okta.WithToken(token))
	if err != nil {
		t.Fatal(err)
	}
	return okta.NewAPIClient(cfg)
}

// TestFaultActions checks the rate-limit, latency and drop actions and the rules' validation.
func TestFaultActions(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, db.postgres)
			// Each request on a new connection: Go's transport sends a GET again when a reused
			// connection closes before answering, which would hide a drop.
			hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			get := func(path string) (*http.Response, error) {
				req, _ := http.NewRequest("GET", s.URL+path, nil)
				req.Header.Set("Authorization", "SSWS "+apptest.AdminToken)
				return hc.Do(req)
			}

			// A forced 429 carries the Okta rate-limit headers, with nothing remaining.
			addFault(t, s, apptest.AdminToken, map[string]any{"route": "GET /api/v1/agentPools", "action": "rateLimit", "count": 1})
			resp, err := get("/api/v1/agentPools")
			if err != nil {
				t.Fatal(err)
			}
			var body struct{ ErrorCode string }
			_ = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			reset, _ := strconv.ParseInt(resp.Header.Get("X-Rate-Limit-Reset"), 10, 64)
			if resp.StatusCode != http.StatusTooManyRequests || body.ErrorCode != "E0000047" ||
				resp.Header.Get("X-Rate-Limit-Remaining") != "0" || resp.Header.Get("X-Rate-Limit-Limit") == "" ||
				reset < time.Now().Unix() {
				t.Fatalf("injected 429: %d %s %v", resp.StatusCode, body.ErrorCode, resp.Header)
			}

			// A latency rule delays the answer by at least its latency, then answers normally.
			slow := addFault(t, s, apptest.AdminToken, map[string]any{"route": "/api/v1/agentPools", "action": "latency", "latencyMs": 300, "count": 1})
			began := time.Now()
			resp, err = get("/api/v1/agentPools")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Keyward-Fault") != slow.ID || time.Since(began) < 300*time.Millisecond {
				t.Fatalf("latency rule: %d after %v", resp.StatusCode, time.Since(began))
			}

			// A drop closes the connection without an answer.
			addFault(t, s, apptest.AdminToken, map[string]any{"operationId": "listAgentPools", "action": "drop", "count": 1})
			if resp, err = get("/api/v1/agentPools"); err == nil {
				resp.Body.Close()
				t.Fatalf("dropped request answered %d", resp.StatusCode)
			}
			if resp, err = get("/api/v1/agentPools"); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("after the drop: %v", errors.Join(err))
			}
			resp.Body.Close()

			for _, bad := range []map[string]any{
				{"action": "explode"},
				{"action": "error"},
				{"action": "error", "status": 200},
				{"action": "latency"},
				{"action": "drop", "probability": 0},
				{"action": "drop", "count": -1},
				{"action": "drop", "route": "GET /api/v1/nothing"},
				{"action": "drop", "operationId": "noSuchOperation"},
				{"action": "drop", "team": "no-such-team"},
				{"action": "latency", "latencyMs": 100, "latencyMaxMs": 50},
			} {
				if st := adminCall(t, s, apptest.AdminToken, "POST", "/keyward/v1/faults", bad, nil); st != http.StatusBadRequest {
					t.Errorf("rule %v: %d, want 400", bad, st)
				}
			}
		})
	}
}

// TestFaultOnOPATeam injects an error and a rate limit on an OPA team's route: OPA's own error
// body and X-RateLimit-Retry-At.
func TestFaultOnOPATeam(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			s, _, _, _ := opaServer(t, db.postgres)
			tokReq, _ := json.Marshal(map[string]string{"key_id": "key-1", "key_secret": opaKeySecret})
			resp, err := http.Post(s.URL+"/v1/teams/acme/service_token", "application/json", bytes.NewReader(tokReq))
			if err != nil {
				t.Fatal(err)
			}
			var tok struct {
				BearerToken string `json:"bearer_token"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&tok)
			resp.Body.Close()
			get := func() (*http.Response, map[string]any) {
				req, _ := http.NewRequest("GET", s.URL+"/v1/teams/acme/resource_groups", nil)
				req.Header.Set("Authorization", "Bearer "+tok.BearerToken)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var body map[string]any
				_ = json.NewDecoder(resp.Body).Decode(&body)
				return resp, body
			}
			rule := addFault(t, s, apptest.AdminToken, map[string]any{"team": "acme", "route": "GET /v1/teams/{team_name}/resource_groups",
				"action": "error", "status": 500, "count": 1})
			if rule.Team != "acme" || rule.Org != "" {
				t.Fatalf("team rule %+v", rule)
			}
			resp, body := get()
			if resp.StatusCode != 500 || body["code"] != float64(500) || body["type"] != "internal_error" || body["message"] == "" {
				t.Fatalf("injected OPA error: %d %v", resp.StatusCode, body)
			}
			addFault(t, s, apptest.AdminToken, map[string]any{"team": "acme", "action": "rateLimit", "count": 1})
			resp, body = get()
			retryAt, _ := strconv.ParseInt(resp.Header.Get("X-Ratelimit-Retry-At"), 10, 64)
			if resp.StatusCode != 429 || body["type"] != "rate_limit_exceeded" || retryAt < time.Now().Unix() {
				t.Fatalf("injected OPA 429: %d %v %v", resp.StatusCode, body, resp.Header)
			}
			if resp, _ = get(); resp.StatusCode != 200 {
				t.Fatalf("after the rules ran out: %d", resp.StatusCode)
			}
		})
	}
}
