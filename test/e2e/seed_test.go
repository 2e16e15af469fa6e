package e2e

import (
	"context"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/sqlstore"
)

// scopeCounts counts, for every table the catalog shows with an org_id or team_id column, the
// rows of one org (org_id tables) or team (team_id tables).
func scopeCounts(t *testing.T, s *apptest.Server, column, id string) map[string]int {
	t.Helper()
	ctx := context.Background()
	cat := s.App.Store().(store.Catalog)
	tables, err := cat.ScopedTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, tb := range tables {
		if tb.Column != column {
			continue
		}
		n, err := cat.CountScoped(ctx, tb, id)
		if err != nil {
			t.Fatal(err)
		}
		out[tb.Table] = n
	}
	return out
}

// populateOrg gives an org pools with agents, a registration token, an update job and an API
// token, over HTTP.
func populateOrg(t *testing.T, s *apptest.Server, c *client.Client, token string) {
	t.Helper()
	ctx := context.Background()
	p, err := c.CreatePool(ctx, "corp", "AD")
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.CreateAgent(ctx, p.ID, "dc1", agentVersion)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRegistrationToken(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if status, body := callAs(t, s, token, "POST", "/api/v1/agentPools/"+p.ID+"/updates", jobBody("upd", false, nil, a.ID)); status != http.StatusCreated {
		t.Fatalf("create job: %d %s", status, body)
	}
	if _, err := c.CreateAPIToken(ctx, "ci"); err != nil {
		t.Fatal(err)
	}
}

// populateTeam loads the example into a team and adds what only the OPA API makes: a synced
// AD account, a minted user token, a service user key, a project's password policy.
func populateTeam(t *testing.T, s *apptest.Server, team string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Client.LoadSeed(ctx, exampleSeed(t, team)); err != nil {
		t.Fatalf("seed %s: %v", team, err)
	}
	c := seededTeam(s, team)
	conns, err := c.ListADConnections(ctx)
	if err != nil || len(conns) != 1 {
		t.Fatalf("AD connections %+v %v", conns, err)
	}
	mustOPA(t, "force sync", c.ForceSyncAD(ctx, conns[0].ID))
	if _, err := s.Client.MintUserToken(ctx, team, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateServiceUserKey(ctx, "ci-bot"); err != nil {
		t.Fatal(err)
	}
	rgs, err := c.ListResourceGroups(ctx, client.ListOptions{})
	mustOPA(t, "list resource groups", err)
	for _, rg := range rgs {
		ps, err := c.ListProjects(ctx, rg.ID, client.ListOptions{})
		mustOPA(t, "list projects", err)
		for _, p := range ps {
			pol, err := c.GetServerPasswordPolicy(ctx, rg.ID, p.ID)
			mustOPA(t, "password policy", err)
			_, err = c.UpdateServerPasswordPolicy(ctx, rg.ID, p.ID, pol)
			mustOPA(t, "update password policy", err)
			_, err = c.CreateSecretFolder(ctx, rg.ID, p.ID, client.SecretFolderInput{Name: "vault"})
			mustOPA(t, "secret folder", err)
		}
	}
}

// TestResetGuard resets one org and one team of a server holding two of each, over HTTP, and
// checks every table of the schema that has an org_id or team_id column: the reset org and
// team are back to their rows when new, the others kept every row. A table added later is
// caught here: it must be listed in sqlstore/reset.go, and its rows must go with a reset.
func TestResetGuard(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := apptest.Start(t, apptest.Options{Postgres: db.postgres, Configure: func(c *config.Config) {
				c.OPATeam, c.OPAKeyID, c.OPAKeySecret = "alpha", "alpha-key", exampleKeySecret
				c.TickInterval = time.Hour // no background change (nor its event) between the counts
			}})
			st := s.App.Store()
			orgA, err := st.FirstOrg(ctx)
			if err != nil {
				t.Fatal(err)
			}
			orgB, tokenB, clientB := otherOrg(t, s)
			teamA, err := st.GetTeamByName(ctx, "alpha")
			if err != nil {
				t.Fatal(err)
			}
			newA := map[string]map[string]int{"org": scopeCounts(t, s, "org_id", orgA.ID), "team": scopeCounts(t, s, "team_id", teamA.ID)}

			// Every scoped table is one a reset covers.
			tables, err := st.(store.Catalog).ScopedTables(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, tb := range tables {
				covered := sqlstore.TeamTables()
				if tb.Column == "org_id" {
					covered = sqlstore.OrgTables()
				}
				if !slices.Contains(covered, tb.Table) {
					t.Errorf("table %s has %s but no reset covers it: list it in internal/store/sqlstore/reset.go", tb.Table, tb.Column)
				}
			}

			populateOrg(t, s, s.Client, apptest.AdminToken)
			populateOrg(t, s, clientB, tokenB)
			populateTeam(t, s, "alpha")
			populateTeam(t, s, "beta")
			teamB, err := st.GetTeamByName(ctx, "beta")
			if err != nil {
				t.Fatal(err)
			}
			beforeB := map[string]map[string]int{"org": scopeCounts(t, s, "org_id", orgB), "team": scopeCounts(t, s, "team_id", teamB.ID)}
			for _, must := range []string{"pools", "agents", "jobs", "registration_tokens", "api_tokens",
				"opa_users", "opa_groups", "service_user_keys", "opa_user_tokens", "opa_resource_groups", "opa_projects",
				"opa_project_settings", "opa_ad_connections", "opa_ad_accounts", "opa_saas_apps", "opa_service_accounts", "opa_security_policies", "opa_secret_items"} {
				if beforeB["org"][must]+beforeB["team"][must] == 0 {
					t.Errorf("the fixture made no row in %s", must)
				}
			}
			aProjects := projectListing(t, seededTeam(s, "alpha"))
			if len(aProjects) == 0 {
				t.Fatal("alpha has no projects before the reset")
			}

			if _, err := s.Client.ResetOrg(ctx, true); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Client.ResetTeam(ctx, "alpha", true); err != nil {
				t.Fatal(err)
			}

			afterA := map[string]map[string]int{"org": scopeCounts(t, s, "org_id", orgA.ID), "team": scopeCounts(t, s, "team_id", teamA.ID)}
			afterB := map[string]map[string]int{"org": scopeCounts(t, s, "org_id", orgB), "team": scopeCounts(t, s, "team_id", teamB.ID)}
			for _, scope := range []string{"org", "team"} {
				for table, n := range afterA[scope] {
					// The team's kept key goes on working: the bearer tokens minted from it stay.
					if scope == "team" && table == "opa_service_tokens" {
						continue
					}
					want := newA[scope][table]
					if table == "events" {
						want++ // the reset's own event
					}
					if n != want {
						t.Errorf("%s reset: %s holds %d rows of it, want %d (as when it was new)", scope, table, n, want)
					}
				}
				for table, n := range afterB[scope] {
					if n != beforeB[scope][table] {
						t.Errorf("the other %s: %s holds %d rows of it, %d before the reset", scope, table, n, beforeB[scope][table])
					}
					if n == 0 {
						t.Logf("the fixture puts no row of the other %s in %s", scope, table)
					}
				}
			}

			// Over HTTP: the reset org lists no pool, the other its own; the reset team lists no
			// project and its credentials still work; the other team is as it was.
			if got := poolListing(t, s.Client); len(got) != 0 {
				t.Errorf("reset org lists pools %v", got)
			}
			if got := poolListing(t, clientB); len(got) != 1 {
				t.Errorf("other org lists pools %v", got)
			}
			if got := projectListing(t, seededTeam(s, "alpha")); len(got) != 0 {
				t.Errorf("reset team lists %v", got)
			}
			if got := projectListing(t, seededTeam(s, "beta")); !slices.Equal(got, aProjects) {
				t.Errorf("other team lists %v, want %v", got, aProjects)
			}
		})
	}
}

// TestSeedSnapshotRoundTrip loads the example twice (the second load creates nothing), exports
// a snapshot, resets the org and the team, loads the snapshot back and finds the same listings
// on both APIs.
func TestSeedSnapshotRoundTrip(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := start(t, db.postgres)
			example, err := os.ReadFile("../../examples/seed.yaml")
			if err != nil {
				t.Fatal(err)
			}
			status, body := loadYAML(t, s, example)
			if status != http.StatusOK {
				t.Fatalf("load examples/seed.yaml: %d %s", status, body)
			}
			first := decode[client.SeedResult](t, body)
			if first.Created["pools"] != 2 || first.Created["agents"] != 2 || first.Created["projects"] != 2 || first.Created["teams"] != 1 ||
				len(first.ServiceApps) != 1 || first.ServiceApps[0].Name != "ci" || first.ServiceApps[0].ClientID == "" {
				t.Errorf("first load created %v", first.Created)
			}
			again, err := s.Client.LoadSeed(ctx, exampleSeed(t, "demo"))
			if err != nil {
				t.Fatal(err)
			}
			if n := created(again); n != 0 {
				t.Errorf("loading the same document again created %v", again.Created)
			}

			demo := seededTeam(s, "demo")
			pools, projects, principals := poolListing(t, s.Client), projectListing(t, demo), principalListing(t, demo)
			snap, err := s.Client.Snapshot(ctx, "", "")
			if err != nil {
				t.Fatal(err)
			}
			validateSeed(t, snap)
			if strings.Contains(string(snap), exampleKeySecret) || strings.Contains(string(snap), "secret") {
				t.Errorf("the snapshot holds the key secret: %s", snap)
			}

			if _, err := s.Client.ResetOrg(ctx, true); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Client.ResetTeam(ctx, "demo", true); err != nil {
				t.Fatal(err)
			}
			if got := projectListing(t, demo); len(got) != 0 {
				t.Fatalf("after the reset demo lists %v", got)
			}
			res, err := s.Client.LoadSeed(ctx, snap)
			if err != nil {
				t.Fatal(err)
			}
			if created(res) == 0 {
				t.Error("loading the snapshot created nothing")
			}
			if got := poolListing(t, s.Client); !slices.Equal(got, pools) {
				t.Errorf("pools after reload %v, want %v", got, pools)
			}
			if got := projectListing(t, demo); !slices.Equal(got, projects) {
				t.Errorf("projects after reload %v, want %v", got, projects)
			}
			if got := principalListing(t, demo); !slices.Equal(got, principals) {
				t.Errorf("users and groups after reload %v, want %v", got, principals)
			}
			// The state exports as it did: the snapshot is the same document.
			after, err := s.Client.Snapshot(ctx, "", "")
			if err != nil {
				t.Fatal(err)
			}
			if string(after) != string(snap) {
				t.Errorf("snapshot after reset and reload:\n%s\nwant\n%s", after, snap)
			}
			// The YAML form of a snapshot loads too, creating nothing more.
			req, _ := http.NewRequest(http.MethodGet, s.URL+"/keyward/v1/snapshot", nil)
			req.Header.Set("Authorization", "SSWS "+apptest.AdminToken)
			req.Header.Set("Accept", "application/yaml")
			resp, err := s.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			y, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.Header.Get("Content-Type") != "application/yaml" || !strings.HasPrefix(string(y), "version: 1\n") {
				t.Fatalf("YAML snapshot: %s\n%s", resp.Header.Get("Content-Type"), y)
			}
			if status, body := loadYAML(t, s, y); status != http.StatusOK || strings.TrimSpace(string(body)) != `{"created":{}}` {
				t.Errorf("loading the YAML snapshot: %d %s", status, body)
			}
			again2, err := s.Client.Snapshot(ctx, "team", "demo")
			if err != nil {
				t.Fatal(err)
			}
			validateSeed(t, again2)
		})
	}
}
