package agentproto_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// post sends body (raw JSON) with an Authorization header and returns the status and body.
func post(t *testing.T, s *apptest.Server, path, auth, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", auth)
	resp, err := s.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("%s: %v: %s", path, err, data)
		}
	}
	return resp.StatusCode, out
}

func TestAgentProtocol(t *testing.T) {
	s := apptest.Start(t, apptest.Options{})
	ctx := context.Background()
	pool, err := s.Client.CreatePool(ctx, "corp", "LDAP")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.Client.CreateRegistrationToken(ctx, pool.ID)
	if err != nil {
		t.Fatal(err)
	}
	regAuth := "Bearer " + tok.Token
	status, reg := post(t, s, "/agent/v1/register", regAuth, `{"name":" ldap-01 ","version":"5.20.0","extra":1}`)
	if status != 201 || reg["poolId"] != pool.ID || reg["agentType"] != "LDAP" || reg["credential"] == "" ||
		reg["heartbeatIntervalSeconds"] != float64(30) || !strings.HasPrefix(reg["agentId"].(string), "a53") {
		t.Fatalf("register: %d %v", status, reg)
	}
	agentAuth := "Bearer " + reg["credential"].(string)
	status, hb := post(t, s, "/agent/v1/heartbeat", agentAuth, `{"version":"5.20.0","healthy":false,"message":"disk"}`)
	if _, has := hb["instruction"]; status != 200 || hb["now"] == nil || has {
		t.Fatalf("heartbeat: %d %v", status, hb)
	}
	pools, err := s.Client.ListAgentPools(ctx, "LDAP")
	if err != nil || len(pools) != 1 || len(pools[0].Agents) != 1 || pools[0].Agents[0].OperationalStatus != "DEGRADED" ||
		pools[0].Agents[0].Name != "ldap-01" {
		t.Fatalf("pools after an unhealthy heartbeat: %+v, %v", pools, err)
	}

	tests := []struct {
		name, path, auth, body string
		status                 int
		code                   string
		cause                  string // part of the first errorCause
	}{
		{"register without a token", "/agent/v1/register", "", `{"name":"x","version":"1.0"}`, 401, "E0000011", ""},
		{"register with an agent credential", "/agent/v1/register", agentAuth, `{"name":"x","version":"1.0"}`, 401, "E0000011", ""},
		{"register without a name", "/agent/v1/register", regAuth, `{"version":"5.20.0"}`, 400, "E0000001", "name: is required"},
		{"register with a bad version", "/agent/v1/register", regAuth, `{"name":"x","version":"5.x"}`, 400, "E0000001", "version:"},
		{"malformed JSON", "/agent/v1/register", regAuth, `{"name":`, 400, "E0000003", ""},
		{"heartbeat with a registration token", "/agent/v1/heartbeat", regAuth, `{"version":"5.20.0","healthy":true}`, 401, "E0000011", ""},
		{"heartbeat without health", "/agent/v1/heartbeat", agentAuth, `{"version":"5.20.0"}`, 400, "E0000001", "healthy: is required"},
		{"heartbeat without version", "/agent/v1/heartbeat", agentAuth, `{"healthy":true}`, 400, "E0000001", "version: is required"},
		{"heartbeat with a huge message", "/agent/v1/heartbeat", agentAuth,
			`{"version":"5.20.0","healthy":true,"message":"` + strings.Repeat("x", 1025) + `"}`, 400, "E0000001", "message:"},
		{"progress with a bad state", "/agent/v1/instructions/ins1/progress", agentAuth, `{"state":"done"}`, 400, "E0000001", "state:"},
		{"progress without a state", "/agent/v1/instructions/ins1/progress", agentAuth, `{}`, 400, "E0000001", "state: is required"},
		{"progress on an unknown instruction", "/agent/v1/instructions/ins1/progress", agentAuth, `{"state":"started"}`, 409, "E0000001", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, s, tc.path, tc.auth, tc.body)
			if status != tc.status || body["errorCode"] != tc.code || body["errorLink"] != tc.code {
				t.Fatalf("got %d %v, want %d %s", status, body, tc.status, tc.code)
			}
			causes, _ := body["errorCauses"].([]any)
			if tc.cause != "" && (len(causes) == 0 || !strings.Contains(causes[0].(map[string]any)["errorSummary"].(string), tc.cause)) {
				t.Fatalf("causes %v, want one mentioning %q", causes, tc.cause)
			}
		})
	}

	// Registering again under the same name keeps the agent and replaces its credential.
	status, again := post(t, s, "/agent/v1/register", regAuth, `{"name":"ldap-01","version":"5.21.0"}`)
	if status != 201 || again["agentId"] != reg["agentId"] || again["credential"] == reg["credential"] {
		t.Fatalf("register again: %d %v", status, again)
	}
	if status, _ := post(t, s, "/agent/v1/heartbeat", agentAuth, `{"version":"5.21.0","healthy":true}`); status != 401 {
		t.Fatalf("the old credential still works: %d", status)
	}
}
