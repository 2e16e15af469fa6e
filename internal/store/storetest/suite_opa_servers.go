package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func seedServer(t *testing.T, s store.Store, p store.Project, id, hostname string) store.Server {
	t.Helper()
	srv := store.Server{ID: id, TeamID: p.TeamID, ResourceGroupID: p.ResourceGroupID, ProjectID: p.ID, Hostname: hostname,
		OSType: "linux", OS: "Debian 12", AgentVersion: "1.0.0", Labels: map[string]string{"env": "prod"},
		CredentialHash: "cred-" + id, RegisteredAt: t0, LastSeen: t0}
	must(t, s.CreateServer(context.Background(), srv))
	return srv
}

func testEnrollmentTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	p := seedProject(t, s, seedResourceGroup(t, s, "tm1", "r1", "prod"), "p1", "web")
	tok := store.EnrollmentToken{ID: "e1", TeamID: "tm1", ResourceGroupID: "r1", ProjectID: "p1", SecretHash: "h1", Description: "for web",
		CreatedByUser: "alice", IssuedAt: t0}
	must(t, s.CreateEnrollmentToken(ctx, tok))
	must(t, s.CreateEnrollmentToken(ctx, store.EnrollmentToken{ID: "e2", TeamID: "tm1", ProjectID: p.ID, SecretHash: "h2",
		Description: "second", CreatedByUser: "bob", IssuedAt: t0}))
	wantErr(t, s.CreateEnrollmentToken(ctx, store.EnrollmentToken{ID: "e3", TeamID: "tm1", ProjectID: p.ID, SecretHash: "h1"}),
		store.ErrConflict)

	got, err := s.GetEnrollmentToken(ctx, "tm1", "p1", "e1")
	must(t, err)
	if got != tok {
		t.Fatalf("got %+v, want %+v", got, tok)
	}
	if got, err := s.GetEnrollmentTokenBySecret(ctx, "h2"); err != nil || got.ID != "e2" {
		t.Fatalf("by secret: %+v %v", got, err)
	}
	page, err := s.ListEnrollmentTokens(ctx, "tm1", "p1", store.Page{After: "e1", Limit: 5})
	must(t, err)
	if len(page) != 1 || page[0].ID != "e2" {
		t.Fatalf("page after e1: %+v", page)
	}

	t.Run("another team cannot read it", func(t *testing.T) {
		_, err := s.GetEnrollmentToken(ctx, "tm2", "p1", "e1")
		wantErr(t, err, store.ErrNotFound)
		wantErr(t, s.DeleteEnrollmentToken(ctx, "tm2", "p1", "e1"), store.ErrNotFound)
		if l, err := s.ListEnrollmentTokens(ctx, "tm2", "p1", store.Page{}); err != nil || len(l) != 0 {
			t.Fatalf("tm2 lists %+v %v", l, err)
		}
	})

	must(t, s.DeleteEnrollmentToken(ctx, "tm1", "p1", "e1"))
	_, err = s.GetEnrollmentTokenBySecret(ctx, "h1")
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.DeleteEnrollmentToken(ctx, "tm1", "p1", "e1"), store.ErrNotFound)
}

func testServers(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	rg := seedResourceGroup(t, s, "tm1", "r1", "prod")
	p1, p2 := seedProject(t, s, rg, "p1", "web"), seedProject(t, s, rg, "p2", "db")
	a := seedServer(t, s, p1, "s1", "Web-01.example")
	seedServer(t, s, p1, "s2", "web-02.example")
	seedServer(t, s, p2, "s3", "web-01.example")
	wantErr(t, s.CreateServer(ctx, store.Server{ID: "s4", TeamID: "tm1", ResourceGroupID: "r1", ProjectID: "p1",
		Hostname: "web-02.example", CredentialHash: "other"}), store.ErrConflict)

	got, err := s.GetServer(ctx, "tm1", "p1", "s1")
	must(t, err)
	if got.Hostname != a.Hostname || got.Labels["env"] != "prod" || !got.LastSeen.Equal(t0) || got.OS != "Debian 12" {
		t.Fatalf("got %+v", got)
	}
	if got, err := s.GetServerByCredential(ctx, "cred-s2"); err != nil || got.ID != "s2" {
		t.Fatalf("by credential: %+v %v", got, err)
	}
	if got, err := s.GetServerByHostname(ctx, "p2", "web-01.example"); err != nil || got.ID != "s3" {
		t.Fatalf("by hostname: %+v %v", got, err)
	}

	ids := func(f store.ServerFilter, p store.Page) []string {
		l, err := s.ListServers(ctx, "tm1", f, p)
		must(t, err)
		var out []string
		for _, srv := range l {
			out = append(out, srv.ID)
		}
		return out
	}
	for name, tc := range map[string]struct {
		f    store.ServerFilter
		p    store.Page
		want []string
	}{
		"team":              {want: []string{"s1", "s2", "s3"}},
		"project":           {f: store.ServerFilter{ProjectID: "p1"}, want: []string{"s1", "s2"}},
		"hostname":          {f: store.ServerFilter{Hostname: "web-01.example"}, want: []string{"s3"}},
		"hostname contains": {f: store.ServerFilter{HostnameContains: "WEB-01"}, want: []string{"s1", "s3"}},
		"os type":           {f: store.ServerFilter{OSType: "windows"}},
		"resource group":    {f: store.ServerFilter{ResourceGroupID: "r1"}, p: store.Page{After: "s1", Limit: 1}, want: []string{"s2"}},
		"ids":               {p: store.Page{IDs: []string{"s3"}}, want: []string{"s3"}},
	} {
		if got := ids(tc.f, tc.p); len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}

	must(t, s.SeeServer(ctx, "s2", t0.Add(time.Hour)))
	if active, stale, err := s.CountServers(ctx, "tm1", "p1", t0.Add(time.Minute)); err != nil || active != 1 || stale != 1 {
		t.Fatalf("counts %d active %d stale %v", active, stale, err)
	}
	// s3 is p2's; "p9" has no server; another team's project counts nothing here.
	counts, err := s.CountServersByProject(ctx, "tm1", []string{"p1", "p2", "p9"}, t0.Add(time.Minute))
	must(t, err)
	if len(counts) != 2 || counts["p1"] != [2]int{1, 1} || counts["p2"] != [2]int{0, 1} {
		t.Fatalf("counts by project %v", counts)
	}
	if counts, err := s.CountServersByProject(ctx, "tm2", []string{"p1"}, t0); err != nil || len(counts) != 0 {
		t.Fatalf("another team's counts %v %v", counts, err)
	}
	a.CredentialHash, a.OSType, a.LastSeen = "cred-new", "windows", t0.Add(2*time.Hour)
	must(t, s.ReenrollServer(ctx, a))
	_, err = s.GetServerByCredential(ctx, "cred-s1")
	wantErr(t, err, store.ErrNotFound)

	acct := store.ServerAccount{ID: "a1", TeamID: "tm1", ResourceGroupID: "r1", ProjectID: "p1", ServerID: "s1", Login: "root", CreatedAt: t0}
	must(t, s.CreateServerAccount(ctx, acct))
	must(t, s.CreateServerAccount(ctx, store.ServerAccount{ID: "a2", TeamID: "tm1", ResourceGroupID: "r1", ProjectID: "p2",
		ServerID: "s3", Login: "root", CreatedAt: t0}))
	wantErr(t, s.CreateServerAccount(ctx, store.ServerAccount{ID: "a3", TeamID: "tm1", ServerID: "s1", Login: "root"}), store.ErrConflict)
	if got, err := s.GetServerAccount(ctx, "tm1", "p1", "a1"); err != nil || got.Hostname != "Web-01.example" || got.Login != "root" {
		t.Fatalf("account %+v %v", got, err)
	}
	if l, err := s.ListServerAccounts(ctx, "tm1", store.AccountFilter{ProjectID: "p2"}, store.Page{}); err != nil || len(l) != 1 || l[0].ID != "a2" {
		t.Fatalf("project accounts %+v %v", l, err)
	}
	t.Run("accounts with their rotations", func(t *testing.T) {
		must(t, s.CreateCheckout(ctx, store.Checkout{AccountID: "a2", ResourceType: "server_account_password_login", TeamID: "tm1",
			ResourceGroupID: "r1", ProjectID: "p2", State: store.CheckoutAvailable, Password: "sealed", SuccessAt: t0,
			ErrorAt: t0.Add(time.Minute), ErrorType: "agent_error"}))
		as, rs, err := s.ListServerAccountsRotated(ctx, "tm1", store.AccountFilter{ResourceGroupID: "r1"}, store.Page{Limit: 5})
		must(t, err)
		plain, err := s.ListServerAccounts(ctx, "tm1", store.AccountFilter{ResourceGroupID: "r1"}, store.Page{Limit: 5})
		must(t, err)
		want := []store.CheckoutRotation{{AccountID: "a1"}, {AccountID: "a2", SuccessAt: t0, ErrorAt: t0.Add(time.Minute), ErrorType: "agent_error"}}
		if len(as) != 2 || len(rs) != 2 || as[0] != plain[0] || as[1] != plain[1] || rs[0] != want[0] || rs[1] != want[1] {
			t.Fatalf("rotated %+v %+v, want %+v %+v", as, rs, plain, want)
		}
		as, rs, err = s.ListServerAccountsRotated(ctx, "tm1", store.AccountFilter{ProjectID: "p1"}, store.Page{After: "a0", Limit: 1})
		must(t, err)
		if len(as) != 1 || as[0].ID != "a1" || len(rs) != 1 || rs[0] != want[0] {
			t.Fatalf("page of p1 %+v %+v", as, rs)
		}
		if as, rs, err := s.ListServerAccountsRotated(ctx, "tm2", store.AccountFilter{}, store.Page{}); err != nil || len(as)+len(rs) != 0 {
			t.Fatalf("tm2 lists %+v %+v %v", as, rs, err)
		}
	})

	t.Run("another team cannot read it", func(t *testing.T) {
		_, err := s.GetServer(ctx, "tm2", "p1", "s1")
		wantErr(t, err, store.ErrNotFound)
		_, err = s.GetServerAccount(ctx, "tm2", "p1", "a1")
		wantErr(t, err, store.ErrNotFound)
		wantErr(t, s.DeleteServer(ctx, "tm2", "p1", "s1"), store.ErrNotFound)
		if l, err := s.ListServers(ctx, "tm2", store.ServerFilter{}, store.Page{}); err != nil || len(l) != 0 {
			t.Fatalf("tm2 lists servers %+v %v", l, err)
		}
		if l, err := s.ListServerAccounts(ctx, "tm2", store.AccountFilter{}, store.Page{}); err != nil || len(l) != 0 {
			t.Fatalf("tm2 lists accounts %+v %v", l, err)
		}
	})

	must(t, s.DeleteServerAccount(ctx, "s3", "a2"))
	must(t, s.DeleteServer(ctx, "tm1", "p1", "s1"))
	_, err = s.GetServerAccount(ctx, "tm1", "p1", "a1")
	wantErr(t, err, store.ErrNotFound) // a server's accounts go with it
	_, err = s.GetServerByCredential(ctx, "cred-new")
	wantErr(t, err, store.ErrNotFound)
}

func testServerInstructions(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1")
	p := seedProject(t, s, seedResourceGroup(t, s, "tm1", "r1", "prod"), "p1", "web")
	seedServer(t, s, p, "s1", "web-01")
	must(t, s.CreateServerInstruction(ctx, store.ServerInstruction{ID: "i1", ServerID: "s1", Kind: "rotate_password",
		Payload: `{"login":"root"}`, Attempt: 1, Status: store.InstructionPending, Result: "{}", CreatedAt: t0, UpdatedAt: t0}))
	got, err := s.DeliverServerInstructions(ctx, "s1", t0.Add(time.Second))
	must(t, err)
	if len(got) != 1 || got[0].ID != "i1" || got[0].DeliveredAttempt != 1 || got[0].Status != store.InstructionDelivered {
		t.Fatalf("delivered %+v", got)
	}
	if again, err := s.DeliverServerInstructions(ctx, "s1", t0.Add(2*time.Second)); err != nil || len(again) != 0 {
		t.Fatalf("handed out twice: %+v %v", again, err)
	}
	wantErr(t, s.FinishServerInstruction(ctx, "other", "i1", store.InstructionSucceeded, "{}", t0), store.ErrNotFound)
	must(t, s.FinishServerInstruction(ctx, "s1", "i1", store.InstructionFailed, `{"error":"denied"}`, t0.Add(3*time.Second)))
	wantErr(t, s.FinishServerInstruction(ctx, "s1", "i1", store.InstructionSucceeded, "{}", t0), store.ErrNotFound)
	if in, err := s.GetServerInstruction(ctx, "s1", "i1"); err != nil || in.Status != store.InstructionFailed || in.Result != `{"error":"denied"}` {
		t.Fatalf("finished %+v %v", in, err)
	}
}
