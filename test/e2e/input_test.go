package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
)

// TestBadInputAnswers checks the exact answer to each kind of input no store can hold or that is
// over its limit, on each store: 404 for a path value that can name nothing (401 on the token
// exchange, whose path names the team), 400 naming the query parameter or body field, and the
// registration-token body decoded as every other body is.
func TestBadInputAnswers(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, db.postgres)
			publishReleases(t, s)
			poolID, agents := createPool(t, s, "corp.example.com", "AD", 1)
			tok, err := s.Client.CreateRegistrationToken(context.Background(), poolID)
			if err != nil {
				t.Fatal(err)
			}
			reg, err := s.Client.Register(context.Background(), tok.Token, client.RegisterRequest{Name: "agent-x", Version: agentVersion})
			if err != nil {
				t.Fatal(err)
			}
			admin, agent := "SSWS "+apptest.AdminToken, "Bearer "+reg.Credential
			job := func(name, reason string) string {
				b, _ := json.Marshal(map[string]any{"name": name, "reason": reason, "agentType": "AD", "agents": []map[string]string{{"id": agents[0]}}})
				return string(b)
			}
			updates := "/api/v1/agentPools/" + poolID + "/updates"
			name255, name256 := strings.Repeat("é", 255), strings.Repeat("é", 256)
			cases := []struct {
				name, method, path, auth, contentType, body string
				status                                      int
				code, cause                                 string // Okta errorCode and part of the first cause; OPA: the type
			}{
				{"pool id %ff%fe", "GET", "/api/v1/agentPools/%ff%fe/updates", admin, "", "", 404, "E0000007", ""},
				{"update id %ff%fe", "GET", updates + "/%ff%fe", admin, "", "", 404, "E0000007", ""},
				{"update id too long", "GET", updates + "/" + strings.Repeat("a", 300), admin, "", "", 404, "E0000007", ""},
				{"pool id %00 on the admin API", "POST", "/keyward/v1/agentPools/0oa%00/agents", admin, "application/json", `{"name":"a","version":"3.20.0"}`, 404, "E0000007", ""},
				{"instruction id %ff", "POST", "/agent/v1/instructions/%ff/progress", agent, "application/json", `{"state":"started"}`, 404, "E0000007", ""},
				{"team %ff%fe", "POST", "/v1/teams/%ff%fe/service_token", "", "application/json", `{"key_id":"k","key_secret":"s"}`, 401, "authorization_error", ""},
				{"no credential before the path check", "GET", "/api/v1/agentPools/%ff%fe/updates", "", "", "", 401, "E0000011", ""},
				{"cursor %ff", "GET", "/api/v1/agentPools?after=%ff", admin, "", "", 400, "E0000001", "after: must be valid UTF-8"},
				{"poolType %00", "GET", "/api/v1/agentPools?poolType=%00", admin, "", "", 400, "E0000001", "poolType: must not contain NUL"},
				{"cursor too long", "GET", "/api/v1/agentPools?after=" + strings.Repeat("a", 2049), admin, "", "", 400, "E0000001", "after: must be at most 2048"},
				{"pool name 256", "POST", "/keyward/v1/agentPools", admin, "application/json", `{"name":"` + name256 + `","type":"AD"}`, 400, "E0000001", "name: must be at most 255 characters"},
				{"pool name 255", "POST", "/keyward/v1/agentPools", admin, "application/json", `{"name":"` + name255 + `","type":"AD"}`, 201, "", ""},
				{"agent name 256", "POST", "/keyward/v1/agentPools/" + poolID + "/agents", admin, "application/json", `{"name":"` + name256 + `","version":"3.20.0"}`, 400, "E0000001", "name: must be at most 255"},
				{"agent version too long", "POST", "/keyward/v1/agentPools/" + poolID + "/agents", admin, "application/json", `{"name":"v","version":"3.20.` + strings.Repeat("1", 10) + `"}`, 400, "E0000001", "version:"},
				{"registered agent name 256", "POST", "/agent/v1/register", "Bearer " + tok.Token, "application/json", `{"name":"` + name256 + `","version":"3.20.0"}`, 400, "E0000001", "name: must be at most 255"},
				{"job name 256", "POST", updates, admin, "application/json", job(name256, ""), 400, "E0000001", "name: must be at most 255"},
				{"job reason 1025", "POST", updates, admin, "application/json", job("j", strings.Repeat("r", 1025)), 400, "E0000001", "reason: must be at most 1024"},
				{"API token name 256", "POST", "/keyward/v1/apiTokens", admin, "application/json", `{"name":"` + name256 + `"}`, 400, "E0000001", "name: must be at most 255"},
				{"invalid UTF-8 in a body", "POST", "/keyward/v1/agentPools", admin, "application/json", "{\"name\":\"a\xff\",\"type\":\"AD\"}", 400, "E0000001", "name: must be valid UTF-8"},
				{"duplicate keys", "POST", "/keyward/v1/agentPools", admin, "application/json", `{"name":"dup-1","name":"dup-2","type":"AD"}`, 400, "E0000003", "name: duplicate key"},
				{"registration token without a body", "POST", "/keyward/v1/agentPools/" + poolID + "/registrationTokens", admin, "", "", 201, "", ""},
				{"registration token with {}", "POST", "/keyward/v1/agentPools/" + poolID + "/registrationTokens", admin, "application/json", `{}`, 201, "", ""},
				{"registration token as text", "POST", "/keyward/v1/agentPools/" + poolID + "/registrationTokens", admin, "text/plain", `hello`, 415, "E0000021", ""},
				{"registration token with an array", "POST", "/keyward/v1/agentPools/" + poolID + "/registrationTokens", admin, "application/json", `[1]`, 400, "E0000003", ""},
			}
			for _, c := range cases {
				req, err := http.NewRequest(c.method, s.URL+c.path, bytes.NewReader([]byte(c.body)))
				if err != nil {
					t.Fatal(err)
				}
				if c.auth != "" {
					req.Header.Set("Authorization", c.auth)
				}
				if c.contentType != "" {
					req.Header.Set("Content-Type", c.contentType)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				data, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != c.status {
					t.Errorf("%s: %d %.300s, want %d", c.name, resp.StatusCode, data, c.status)
					continue
				}
				if c.code == "" {
					continue
				}
				var body struct {
					ErrorCode   string
					ErrorCauses []struct{ ErrorSummary string }
					Type        string
				}
				_ = json.Unmarshal(data, &body)
				if body.ErrorCode != c.code && body.Type != c.code {
					t.Errorf("%s: %s, want %s", c.name, data, c.code)
				}
				if c.cause != "" && (len(body.ErrorCauses) == 0 || !strings.Contains(body.ErrorCauses[0].ErrorSummary, c.cause)) {
					t.Errorf("%s: %s, want a cause containing %q", c.name, data, c.cause)
				}
			}
			pools, err := s.Client.ListAgentPools(context.Background(), "AD")
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pools {
				if strings.HasPrefix(p.Name, "dup-") {
					t.Errorf("a body with duplicate keys created pool %q", p.Name)
				}
			}
		})
	}
}
