package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// TestServerResetNeedsOptIn: a server reset is refused unless the server allows it; allowed,
// it deletes the other orgs and teams and empties the caller's org and the default team,
// whose credentials go on working.
func TestServerResetNeedsOptIn(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			off := start(t, db.postgres)
			if err := off.Client.ResetServer(ctx); client.StatusCode(err) != http.StatusForbidden {
				t.Fatalf("server reset without --allow-server-reset: %v, want 403", err)
			}

			s := apptest.Start(t, apptest.Options{Postgres: db.postgres, Configure: func(c *config.Config) {
				c.AllowServerReset = true
				c.OPATeam, c.OPAKeyID, c.OPAKeySecret = "alpha", "alpha-key", exampleKeySecret
			}})
			_, _, other := otherOrg(t, s)
			populateOrg(t, s, s.Client, apptest.AdminToken)
			populateTeam(t, s, "beta")
			if _, err := s.Client.LoadSeed(ctx, exampleSeed(t, "alpha")); err != nil {
				t.Fatal(err)
			}
			if err := s.Client.ResetServer(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := other.ListAgentPools(ctx, ""); client.StatusCode(err) != http.StatusUnauthorized {
				t.Errorf("the other org's token after a server reset: %v, want 401", err)
			}
			teams, err := s.Client.ListTeams(ctx)
			if err != nil || len(teams) != 1 || teams[0].Name != "alpha" {
				t.Errorf("teams after a server reset %+v %v, want alpha only", teams, err)
			}
			if got := poolListing(t, s.Client); len(got) != 0 {
				t.Errorf("pools after a server reset %v", got)
			}
			if got := projectListing(t, seededTeam(s, "alpha")); len(got) != 0 {
				t.Errorf("alpha after a server reset lists %v", got)
			}
			rs, err := s.Client.ListReleases(ctx, "AD")
			if err != nil || len(rs) == 0 {
				t.Errorf("the built-in releases after a server reset: %+v %v", rs, err)
			}
		})
	}
}

// TestOrgResetWithoutAdminToken: keepAdminToken=false replaces the org's tokens with one new
// admin token, answered once.
func TestOrgResetWithoutAdminToken(t *testing.T) {
	ctx := context.Background()
	s := start(t, false)
	res, err := s.Client.ResetOrg(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.KeptAdminToken || len(res.AdminToken) < 40 {
		t.Fatalf("reset answered %+v", res)
	}
	if _, err := s.Client.ListAgentPools(ctx, ""); client.StatusCode(err) != http.StatusUnauthorized {
		t.Errorf("the old admin token: %v, want 401", err)
	}
	fresh := client.New(s.URL, client.WithToken(res.AdminToken), client.WithHTTPClient(s.HTTP))
	if _, err := fresh.ListAgentPools(ctx, ""); err != nil {
		t.Errorf("the new admin token: %v", err)
	}
	if status, body := call(t, s, "POST", "/keyward/v1/reset?keepAdminToken=maybe", nil); status != http.StatusUnauthorized {
		t.Errorf("with the old token: %d %s", status, body)
	}
	if status, body := callAs(t, s, res.AdminToken, "POST", "/keyward/v1/reset?keepAdminToken=maybe", nil); status != http.StatusBadRequest || !strings.Contains(string(body), "keepAdminToken") {
		t.Errorf("keepAdminToken=maybe: %d %s, want 400 naming it", status, body)
	}
}

// TestDeletePoolAndAgent deletes an agent (its job goes on without it) and a pool (its jobs go),
// and refuses another org's.
func TestDeletePoolAndAgent(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := start(t, db.postgres)
			poolID, agents := createPool(t, s, "corp", "AD", 2)
			if status, body := call(t, s, "POST", "/api/v1/agentPools/"+poolID+"/updates", jobBody("upd", false, nil, agents...)); status != http.StatusCreated {
				t.Fatalf("create job: %d %s", status, body)
			}
			_, _, other := otherOrg(t, s)
			if err := other.DeleteAgent(ctx, poolID, agents[0]); client.StatusCode(err) != http.StatusNotFound {
				t.Errorf("another org deletes the agent: %v, want 404", err)
			}
			if err := other.DeletePool(ctx, poolID); client.StatusCode(err) != http.StatusNotFound {
				t.Errorf("another org deletes the pool: %v, want 404", err)
			}
			if err := s.Client.DeleteAgent(ctx, poolID, "nope"); client.StatusCode(err) != http.StatusNotFound {
				t.Errorf("an unknown agent: %v, want 404", err)
			}
			// A registered agent's credential stops working with it.
			rt, err := s.Client.CreateRegistrationToken(ctx, poolID)
			if err != nil {
				t.Fatal(err)
			}
			reg, err := s.Client.Register(ctx, rt.Token, client.RegisterRequest{Name: "corp-agent-1", Version: agentVersion})
			if err != nil || reg.AgentID != agents[0] {
				t.Fatalf("register as corp-agent-1: %+v %v", reg, err)
			}
			if err := s.Client.DeleteAgent(ctx, poolID, agents[0]); err != nil {
				t.Fatal(err)
			}
			hb := client.HeartbeatRequest{Version: agentVersion, Healthy: true}
			if _, err := s.Client.Agent(reg.Credential).Heartbeat(ctx, hb); client.StatusCode(err) != http.StatusUnauthorized {
				t.Errorf("the deleted agent's heartbeat: %v, want 401", err)
			}
			jobs, err := s.Client.ListUpdates(ctx, poolID)
			if err != nil || len(jobs) != 1 || len(jobs[0].Agents) != 1 || jobs[0].Agents[0].ID != agents[1] {
				t.Errorf("the job after deleting an agent: %+v %v", jobs, err)
			}
			if got := poolListing(t, s.Client); len(got) != 1 || !strings.HasSuffix(got[0], ":corp-agent-2@"+agentVersion) {
				t.Errorf("pools after deleting an agent %v", got)
			}
			if err := s.Client.DeletePool(ctx, poolID); err != nil {
				t.Fatal(err)
			}
			if err := s.Client.DeletePool(ctx, poolID); client.StatusCode(err) != http.StatusNotFound {
				t.Errorf("deleting it twice: %v, want 404", err)
			}
			if got := poolListing(t, s.Client); len(got) != 0 {
				t.Errorf("pools after deleting the pool %v", got)
			}
			// Each delete is in the event log.
			for _, typ := range []string{"agent.deleted", "pool.deleted"} {
				status, body := call(t, s, "GET", "/keyward/v1/events?type="+typ, nil)
				page := decode[struct {
					Events []struct{ Type, Resource string } `json:"events"`
				}](t, body)
				if status != http.StatusOK || len(page.Events) != 1 {
					t.Errorf("events of type %s: %d %s", typ, status, body)
				}
			}
		})
	}
}

// TestSeedFlagAndBadDocuments: serve --seed loads the file on start (and again on restart,
// creating nothing twice); a bad document is refused with 400 naming the field, nothing stored.
func TestSeedFlagAndBadDocuments(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "seed.yaml")
	example, err := os.ReadFile("../../examples/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, example, 0o600); err != nil {
		t.Fatal(err)
	}
	db := "sqlite:" + filepath.Join(dir, "keyward.db")
	configure := func(c *config.Config) { c.Seed, c.DatabaseURL = path, db }
	s := apptest.Start(t, apptest.Options{Configure: configure})
	want := poolListing(t, s.Client)
	if len(want) != 2 {
		t.Fatalf("pools after --seed %v", want)
	}
	again := apptest.Start(t, apptest.Options{Configure: configure}) // the same database, loaded again
	if got := poolListing(t, again.Client); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("pools after a second start %v, want %v", got, want)
	}

	for _, c := range []struct{ doc, field string }{
		{`{"version": 1, "okta": {"pools": [{"name": "x", "type": "NOPE"}]}}`, "type"},
		{`{"version": 1, "okta": {"gadgets": []}}`, "okta.gadgets"},
		{`{"version": 1, "opa": {"teams": [{"name": "t", "groups": [{"name": "g", "members": ["ghost"]}]}]}}`, "ghost"},
		{`{"version": 3}`, "version"},
	} {
		status, body := call(t, s, "POST", "/keyward/v1/seed", rawJSON(c.doc))
		if status != http.StatusBadRequest || !strings.Contains(string(body), c.field) {
			t.Errorf("seed %s: %d %s, want 400 naming %s", c.doc, status, body, c.field)
		}
		if teams, _ := s.Client.ListTeams(ctx); len(teams) != 2 { // keyward and demo
			t.Errorf("after refusing %s the server has teams %+v", c.doc, teams)
		}
	}
	if got := poolListing(t, s.Client); len(got) != 2 {
		t.Errorf("pools after refused documents %v", got)
	}
	if status, body := loadYAML(t, s, []byte("version: 1\nokta: [")); status != http.StatusBadRequest {
		t.Errorf("broken YAML: %d %s", status, body)
	}
}

// rawJSON is a request body sent as it is.
type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }

// TestTeamResetWithoutAdminKeys: keepAdminToken=false on a team replaces the admin group's keys
// with one new key, answered once; the old key stops working.
func TestTeamResetWithoutAdminKeys(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := start(t, db.postgres)
			if _, err := s.Client.LoadSeed(ctx, exampleSeed(t, "demo")); err != nil {
				t.Fatal(err)
			}
			old := seededTeam(s, "demo")
			if got := projectListing(t, old); len(got) == 0 {
				t.Fatal("demo lists no project")
			}
			res, err := s.Client.ResetTeam(ctx, "demo", false)
			if err != nil {
				t.Fatal(err)
			}
			if res.KeptAdminToken || res.ServiceUser != "demo-admin" || res.KeyID == "" || len(res.KeySecret) < 40 {
				t.Fatalf("reset answered %+v", res)
			}
			if _, err := seededTeam(s, "demo").ListResourceGroups(ctx, client.ListOptions{}); client.StatusCode(err) != http.StatusUnauthorized {
				t.Errorf("the old key after the reset: %v, want 401", err)
			}
			fresh := keyClient(s, "demo", res.KeyID, res.KeySecret)
			if got := projectListing(t, fresh); len(got) != 0 {
				t.Errorf("the new key lists %v", got)
			}
			if _, err := s.Client.ResetTeam(ctx, "nope", true); client.StatusCode(err) != http.StatusNotFound {
				t.Errorf("an unknown team: %v, want 404", err)
			}
		})
	}
}
