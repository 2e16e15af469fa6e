package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/sim"
	"github.com/keyward/keyward/internal/store"
)

// staleAfter is the scenario's server silence threshold.
const staleAfter = 10 * time.Minute

// serverEnv is a server with a virtual clock, its OPA team "acme" and one project with account
// discovery on.
type serverEnv struct {
	*env
	opa        *client.OPA
	teamID     string
	rgID, prID string
}

// opaSecret is the bootstrap team's key secret, as strong as a generated one.
const opaSecret = "scenario-key-secret-0123456789-abcdefghijklmnopqrstuvwxyz"

func newServerEnv(t *testing.T, postgres bool) *serverEnv {
	t.Helper()
	s := apptest.Start(t, apptest.Options{Postgres: postgres, VirtualClock: true, Configure: func(c *config.Config) {
		c.TickInterval, c.ServerStaleAfter = time.Hour, staleAfter
		c.OPATeam, c.OPAKeyID, c.OPAKeySecret = "acme", "key-1", opaSecret
	}})
	e := &serverEnv{env: &env{t: t, ctx: t.Context(), s: s},
		opa: client.NewOPA(s.URL, "acme", "key-1", opaSecret, client.WithHTTPClient(s.HTTP))}
	// Resource groups and projects are made through the domain: their own endpoints are
	// exercised by their own tests.
	team, err := s.App.Store().GetTeamByName(e.ctx, "acme")
	e.must(err)
	svc := e.domain()
	rg, err := svc.CreateResourceGroup(e.ctx, team.ID, pam.ResourceGroupInput{Name: ptr("prod")})
	e.must(err)
	p, err := svc.CreateProject(e.ctx, team.ID, rg.ID, pam.ProjectInput{Name: ptr("web"), ServerAccountManagement: ptr(true)})
	e.must(err)
	e.teamID, e.rgID, e.prID = team.ID, rg.ID, p.ID
	return e
}

func ptr[T any](v T) *T { return &v }

func (e *serverEnv) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// domain is the OPA domain over the server's database at the server's virtual time now.
func (e *serverEnv) domain() *pam.Service {
	st, err := e.s.Client.GetClock(e.ctx)
	e.must(err)
	return &pam.Service{Store: e.s.App.Store(), Clock: clock.NewVirtual(st.Now), ServerStaleAfter: staleAfter}
}

// counts are the project's active and stale resource counts at the server's time.
func (e *serverEnv) counts() (int, int) {
	e.t.Helper()
	p, err := e.domain().Project(e.ctx, e.teamID, e.rgID, e.prID)
	e.must(err)
	return p.ActiveResourceCount, p.StaleResourceCount
}

func hostnames(ss []client.Server) string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Hostname)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

func logins(as []client.ServerAccount) string {
	var out []string
	for _, a := range as {
		out = append(out, a.Hostname+":"+a.Login)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	if client.StatusCode(err) != status {
		t.Fatalf("got %v, want status %d", err, status)
	}
}

// TestServersEnrollAndReportAccounts is the life of a project's servers over HTTP: tokens,
// enrollment, lists and filters, discovered accounts, staleness on the virtual clock, and what
// deleting a token or a server does.
func TestServersEnrollAndReportAccounts(t *testing.T) {
	backends(t, func(t *testing.T, postgres bool) {
		e := newServerEnv(t, postgres)
		tok, err := e.opa.CreateServerEnrollmentToken(e.ctx, e.rgID, e.prID, "web fleet")
		e.must(err)
		spare, err := e.opa.CreateServerEnrollmentToken(e.ctx, e.rgID, e.prID, "spare")
		e.must(err)
		if tok.CreatedByUser != "key-1" && tok.CreatedByUser == "" {
			t.Fatalf("created_by_user %q", tok.CreatedByUser)
		}
		again, err := e.opa.GetServerEnrollmentToken(e.ctx, e.rgID, e.prID, tok.ID)
		e.must(err)
		if again.Token != tok.Token || again.Description != "web fleet" {
			t.Fatalf("read back %+v, created %+v", again, tok)
		}
		if ts, err := e.opa.ListServerEnrollmentTokens(e.ctx, e.rgID, e.prID); err != nil || len(ts) != 2 {
			t.Fatalf("tokens %+v %v", ts, err)
		}

		// Three servers enroll with one token, each reporting its local accounts.
		hosts := []struct{ name, os string }{{"web-01.example", "linux"}, {"web-02.example", "linux"}, {"win-01.example", "windows"}}
		agents := map[string]*client.ServerAgent{}
		ids := map[string]string{}
		for _, h := range hosts {
			en, err := e.s.Client.EnrollServer(e.ctx, tok.Token, client.Enrollment{Hostname: h.name, OSType: h.os,
				AgentVersion: "1.80.1", Labels: map[string]string{"role": "web"}, Accounts: []string{"root", "app"}})
			e.must(err)
			agents[h.name], ids[h.name] = e.s.Client.ServerAgent(en.Credential), en.ServerID
		}

		servers, err := e.opa.ListProjectServers(e.ctx, e.rgID, e.prID, client.ServerFilter{})
		e.must(err)
		if hostnames(servers) != "web-01.example,web-02.example,win-01.example" || servers[0].ProjectName != "web" ||
			servers[0].State != pam.ServerActive || servers[0].TeamName != "acme" {
			t.Fatalf("project servers %+v", servers)
		}
		for name, f := range map[string]client.ServerFilter{
			"web-01.example":                {Hostname: "web-01.example"},
			"web-01.example,web-02.example": {HostnameContains: "WEB-"},
			"win-01.example":                {OSType: "windows"},
			"web-02.example":                {IDs: []string{ids["web-02.example"]}},
		} {
			got, err := e.opa.ListProjectServers(e.ctx, e.rgID, e.prID, f)
			e.must(err)
			if hostnames(got) != name {
				t.Errorf("filter %+v: %s, want %s", f, hostnames(got), name)
			}
		}
		rgServers, err := e.opa.ListResourceGroupServers(e.ctx, e.rgID, client.ServerFilter{ProjectID: e.prID, OSType: "linux"})
		e.must(err)
		all, err := e.opa.ListAllServers(e.ctx, client.ServerFilter{})
		e.must(err)
		mine, err := e.opa.ListServers(e.ctx)
		e.must(err)
		if hostnames(rgServers) != "web-01.example,web-02.example" || len(all) != 3 || len(mine) != 3 {
			t.Fatalf("resource group %s, team %d, end user %d", hostnames(rgServers), len(all), len(mine))
		}
		one, err := e.opa.GetProjectServer(e.ctx, e.rgID, e.prID, ids["win-01.example"])
		e.must(err)
		if one.OSType != "windows" || one.Labels["role"] != "web" {
			t.Fatalf("server %+v", one)
		}

		// Accounts appear in every list; one removed on its server goes at the next heartbeat.
		const six = "web-01.example:app,web-01.example:root,web-02.example:app,web-02.example:root,win-01.example:app,win-01.example:root"
		accounts, err := e.opa.ListProjectServerAccounts(e.ctx, e.rgID, e.prID)
		e.must(err)
		rgAccounts, err := e.opa.ListResourceGroupServerAccounts(e.ctx, e.rgID)
		e.must(err)
		allAccounts, err := e.opa.ListAllServerAccounts(e.ctx)
		e.must(err)
		if logins(accounts) != six || logins(rgAccounts) != six || logins(allAccounts) != six || accounts[0].Managed {
			t.Fatalf("accounts %s / %s / %s", logins(accounts), logins(rgAccounts), logins(allAccounts))
		}
		acct, err := e.opa.GetServerAccount(e.ctx, e.rgID, e.prID, accounts[0].ID)
		e.must(err)
		if acct != accounts[0] {
			t.Fatalf("account %+v, listed %+v", acct, accounts[0])
		}
		_, err = agents["web-01.example"].Heartbeat(e.ctx, []string{"root"})
		e.must(err)
		onServer, err := e.opa.ListServerAccountsForServer(e.ctx, e.rgID, e.prID, ids["web-01.example"])
		e.must(err)
		if logins(onServer) != "web-01.example:root" {
			t.Fatalf("after removal %s", logins(onServer))
		}

		// Silence past the threshold makes servers stale; heartbeats make them active again.
		if a, s := e.counts(); a != 3 || s != 0 {
			t.Fatalf("counts %d active %d stale", a, s)
		}
		_, err = e.s.Client.AdvanceClock(e.ctx, staleAfter+time.Minute)
		e.must(err)
		if a, s := e.counts(); a != 0 || s != 3 {
			t.Fatalf("after silence %d active %d stale", a, s)
		}
		if got, err := e.opa.GetProjectServer(e.ctx, e.rgID, e.prID, ids["web-02.example"]); err != nil || got.State != pam.ServerInactive {
			t.Fatalf("stale server %+v %v", got, err)
		}
		for _, name := range []string{"web-01.example", "web-02.example"} {
			_, err := agents[name].Heartbeat(e.ctx, nil)
			e.must(err)
		}
		if a, s := e.counts(); a != 2 || s != 1 {
			t.Fatalf("after heartbeats %d active %d stale", a, s)
		}

		// A deleted token leaves its servers enrolled and enrolls nothing more.
		e.must(e.opa.DeleteServerEnrollmentToken(e.ctx, e.rgID, e.prID, tok.ID))
		_, err = agents["web-01.example"].Heartbeat(e.ctx, nil)
		e.must(err)
		_, err = e.s.Client.EnrollServer(e.ctx, tok.Token, client.Enrollment{Hostname: "web-03.example", OSType: "linux"})
		wantStatus(t, err, http.StatusUnauthorized)
		if client.ErrorCode(err) == "" {
			t.Fatalf("a refused enrollment is not in Okta's error format: %v", err)
		}
		_, err = e.opa.GetServerEnrollmentToken(e.ctx, e.rgID, e.prID, tok.ID)
		wantStatus(t, err, http.StatusNotFound)

		// Re-enrolling a hostname keeps the server and replaces its credential.
		en, err := e.s.Client.EnrollServer(e.ctx, spare.Token, client.Enrollment{Hostname: "web-02.example", OSType: "linux",
			Accounts: []string{"root"}})
		e.must(err)
		if en.ServerID != ids["web-02.example"] {
			t.Fatalf("re-enrolled as %s, was %s", en.ServerID, ids["web-02.example"])
		}
		_, err = agents["web-02.example"].Heartbeat(e.ctx, nil)
		wantStatus(t, err, http.StatusUnauthorized)

		// Deleting a server ends its credential and removes its accounts.
		e.must(e.opa.DeleteProjectServer(e.ctx, e.rgID, e.prID, ids["web-01.example"]))
		_, err = agents["web-01.example"].Heartbeat(e.ctx, nil)
		wantStatus(t, err, http.StatusUnauthorized)
		_, err = e.opa.GetProjectServer(e.ctx, e.rgID, e.prID, ids["web-01.example"])
		wantStatus(t, err, http.StatusNotFound)
		accounts, err = e.opa.ListProjectServerAccounts(e.ctx, e.rgID, e.prID)
		e.must(err)
		if logins(accounts) != "web-02.example:root,win-01.example:app,win-01.example:root" {
			t.Fatalf("accounts after deletions %s", logins(accounts))
		}
	})
}

// TestServerOperationsRefuseBadInput checks the documented 400s and 404s, and that nothing is stored.
func TestServerOperationsRefuseBadInput(t *testing.T) {
	backends(t, func(t *testing.T, postgres bool) {
		e := newServerEnv(t, postgres)
		_, err := e.opa.CreateServerEnrollmentToken(e.ctx, e.rgID, e.prID, strings.Repeat("x", 513))
		wantStatus(t, err, http.StatusBadRequest)
		_, err = e.opa.CreateServerEnrollmentToken(e.ctx, e.rgID, e.prID, "")
		wantStatus(t, err, http.StatusBadRequest)
		_, err = e.opa.CreateServerEnrollmentToken(e.ctx, e.rgID, "1b2c3d4e-0000-4000-8000-000000000000", "x")
		wantStatus(t, err, http.StatusNotFound)
		if ts, err := e.opa.ListServerEnrollmentTokens(e.ctx, e.rgID, e.prID); err != nil || len(ts) != 0 {
			t.Fatalf("stored %+v %v", ts, err)
		}
		_, err = e.opa.ListProjectServers(e.ctx, e.rgID, "1b2c3d4e-0000-4000-8000-000000000000", client.ServerFilter{})
		wantStatus(t, err, http.StatusNotFound)
		_, err = e.opa.GetProjectServer(e.ctx, e.rgID, e.prID, "1b2c3d4e-0000-4000-8000-000000000000")
		wantStatus(t, err, http.StatusNotFound)
		_, err = e.opa.ListServerAccountsForServer(e.ctx, e.rgID, e.prID, "no-such-server")
		wantStatus(t, err, http.StatusNotFound)
		_, err = e.opa.ListProjectServers(e.ctx, e.rgID, e.prID, client.ServerFilter{OSType: "plan9"})
		wantStatus(t, err, http.StatusBadRequest)

		tok, err := e.opa.CreateServerEnrollmentToken(e.ctx, e.rgID, e.prID, "fleet")
		e.must(err)
		for name, en := range map[string]client.Enrollment{
			"no hostname": {OSType: "linux"},
			"bad os type": {Hostname: "h", OSType: "plan9"},
			"NUL account": {Hostname: "h", OSType: "linux", Accounts: []string{"ro\x00ot"}},
			"long label":  {Hostname: "h", OSType: "linux", Labels: map[string]string{"k": strings.Repeat("v", 300)}},
		} {
			_, err := e.s.Client.EnrollServer(e.ctx, tok.Token, en)
			if client.StatusCode(err) != http.StatusBadRequest {
				t.Errorf("%s: %v", name, err)
			}
		}
		_, err = e.s.Client.EnrollServer(e.ctx, "not-a-token", client.Enrollment{Hostname: "h", OSType: "linux"})
		wantStatus(t, err, http.StatusUnauthorized)
		if ss, err := e.opa.ListProjectServers(e.ctx, e.rgID, e.prID, client.ServerFilter{}); err != nil || len(ss) != 0 {
			t.Fatalf("stored %+v %v", ss, err)
		}
	})
}

// TestSimulatedServers runs `keyward sim --enrollment-token` against a server: the simulated
// servers enroll with their accounts, heartbeat, and carry out every instruction queued for
// them, failing some at the configured rate; each instruction is reported once.
func TestSimulatedServers(t *testing.T) {
	backends(t, func(t *testing.T, postgres bool) {
		e := newServerEnv(t, postgres)
		tok, err := e.opa.CreateServerEnrollmentToken(e.ctx, e.rgID, e.prID, "sim")
		e.must(err)
		ctx, cancel := context.WithCancel(e.ctx)
		var out bytes.Buffer
		done := make(chan error, 1)
		go func() {
			done <- sim.Run(ctx, sim.Config{URL: e.s.URL, EnrollmentToken: tok.Token, Servers: 3, AccountsPerServer: 4,
				ServerPrefix: "sim", Heartbeat: 50 * time.Millisecond, FailureRate: 0.5, Seed: 7}, &out, io.Discard)
		}()
		var simErr error
		stop := sync.OnceFunc(func() { cancel(); simErr = <-done })
		defer stop()

		var servers []client.Server
		waitUntil(t, "three simulated servers with four accounts each", func() (int, bool) {
			servers, err = e.opa.ListProjectServers(e.ctx, e.rgID, e.prID, client.ServerFilter{})
			e.must(err)
			accounts, err := e.opa.ListProjectServerAccounts(e.ctx, e.rgID, e.prID)
			e.must(err)
			return len(servers) + len(accounts), len(servers) == 3 && len(accounts) == 12
		})
		svc := e.domain()
		var queued []store.ServerInstruction
		for _, s := range servers {
			for range 4 {
				in, err := svc.QueueServerInstruction(e.ctx, s.ID, "noop", json.RawMessage(`{}`))
				e.must(err)
				queued = append(queued, in)
			}
		}
		var ok, failed int
		waitUntil(t, "every instruction reported", func() (int, bool) {
			ok, failed = 0, 0
			for _, in := range queued {
				got, err := e.s.App.Store().GetServerInstruction(e.ctx, in.ServerID, in.ID)
				e.must(err)
				switch got.Status {
				case store.InstructionSucceeded:
					ok++
				case store.InstructionFailed:
					failed++
				}
			}
			return ok + failed, ok+failed == len(queued)
		})
		if ok == 0 || failed == 0 {
			t.Errorf("%d succeeded and %d failed at a failure rate of 0.5", ok, failed)
		}
		stop()
		e.must(simErr)
		summary := fmt.Sprintf("instructions  %d succeeded, %d failed, 0 not reported", ok, failed)
		if !strings.Contains(out.String(), "3 servers: heartbeats") || !strings.Contains(out.String(), summary) {
			t.Errorf("progress and summary: %q, want %q", out.String(), summary)
		}
	})
}

// waitUntil polls cond until it is done, failing only when its progress count has not moved
// for a long while.
func waitUntil(t *testing.T, what string, cond func() (progress int, done bool)) {
	t.Helper()
	const patience = 2 * time.Minute
	last, since := -1, time.Now()
	for {
		n, done := cond()
		if done {
			return
		}
		if n != last {
			last, since = n, time.Now()
		} else if time.Since(since) > patience {
			t.Fatalf("nothing moved for %v waiting for %s (at %d)", patience, what, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
