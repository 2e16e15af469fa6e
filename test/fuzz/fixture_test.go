package fuzz

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/httpapi/wire"
)

const (
	opaKeyID     = "fuzzkey1"
	opaKeySecret = "fuzz-key-secret-0123456789abcdefghijklmnopqrstuvwxyz"
	agentVersion = "3.20.0"
)

// fixture is a server with one of everything a route can name, and a credential of each kind.
type fixture struct {
	s      *apptest.Server
	http   *http.Client // no spec validation: the fuzz asserts on status codes only
	poolID string
	agents []string
	jobID  string
	team   string
	creds  map[string]string // credential kind → Authorization header
	sent   int               // requests sent by the attacks
	dumps  int               // state dumps taken
}

func newFixture(t *testing.T, postgres bool) *fixture {
	s := apptest.Start(t, apptest.Options{Postgres: postgres, Configure: func(c *config.Config) {
		c.TickInterval = time.Hour // nothing moves by itself between two state dumps
		c.OPAKeyID, c.OPAKeySecret = opaKeyID, opaKeySecret
	}})
	f := &fixture{s: s, http: &http.Client{Timeout: time.Minute}, team: s.Config.OPATeam}
	ctx := context.Background()
	pool, err := s.Client.CreatePool(ctx, "fuzz.example.com", "AD")
	if err != nil {
		t.Fatal(err)
	}
	f.poolID = pool.ID
	for _, name := range []string{"agent-1", "agent-2"} {
		a, err := s.Client.CreateAgent(ctx, pool.ID, name, agentVersion)
		if err != nil {
			t.Fatal(err)
		}
		f.agents = append(f.agents, a.ID)
	}
	tok, err := s.Client.CreateRegistrationToken(ctx, pool.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.creds = map[string]string{"admin": "SSWS " + apptest.AdminToken, "registration": "Bearer " + tok.Token}
	reg := f.mustCall(t, "POST", "/agent/v1/register", f.creds["registration"], `{"name":"agent-3","version":"`+agentVersion+`"}`)
	f.creds["agent"] = "Bearer " + reg["credential"].(string)
	f.agents = append(f.agents, reg["agentId"].(string))
	opa := f.mustCall(t, "POST", "/v1/teams/"+f.team+"/service_token", "", `{"key_id":"`+opaKeyID+`","key_secret":"`+opaKeySecret+`"}`)
	f.creds["opa"] = "Bearer " + opa["bearer_token"].(string)
	job := f.mustCall(t, "POST", "/api/v1/agentPools/"+pool.ID+"/updates", f.creds["admin"],
		`{"name":"fuzz","agentType":"AD","agents":[{"id":"`+f.agents[0]+`"}],"schedule":{"cron":"0 0 1 1 *","timezone":"UTC","duration":60}}`)
	f.jobID = job["id"].(string)
	return f
}

// credentials are the Authorization headers to try on a route: one of its access kind and none.
// A kind the test does not know (a new API's) gets every credential.
func (f *fixture) credentials(access wire.Access) []string {
	kinds := map[wire.Access]string{wire.OktaRead: "admin", wire.OktaManage: "admin", wire.Admin: "admin",
		wire.AgentCred: "agent", wire.Registration: "registration"}
	if access == wire.Public {
		return []string{""}
	}
	if kind, ok := kinds[access]; ok {
		return []string{f.creds[kind], ""}
	}
	return []string{f.creds["admin"], f.creds["agent"], f.creds["registration"], f.creds["opa"], ""}
}

// pathValue is a value a route's wildcard can name that exists, so that only the attacked part
// of a request is wrong.
func (f *fixture) pathValue(name string) string {
	switch {
	case name == "poolId":
		return f.poolID
	case name == "updateId":
		return f.jobID
	case strings.HasPrefix(name, "team"):
		return f.team
	}
	return "x1"
}

// do sends one request and returns its status and body.
func (f *fixture) do(t *testing.T, method, target, auth, contentType string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.s.URL+target, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s %q: %v", method, target, err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := f.http.Do(req)
	if err != nil {
		t.Fatalf("%s %q: %v", method, target, err)
	}
	defer resp.Body.Close()
	if streaming(resp) {
		return resp.StatusCode, nil
	}
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// streaming reports an answer that is an event stream: it never ends, so only its start is read.
func streaming(resp *http.Response) bool {
	return resp.StatusCode == http.StatusOK && resp.Header.Get("Content-Type") == "text/event-stream"
}

func (f *fixture) mustCall(t *testing.T, method, path, auth, body string) map[string]any {
	t.Helper()
	st, data := f.do(t, method, path, auth, "application/json", []byte(body))
	var out map[string]any
	if st >= 300 || json.Unmarshal(data, &out) != nil {
		t.Fatalf("%s %s: %d %s", method, path, st, data)
	}
	return out
}
