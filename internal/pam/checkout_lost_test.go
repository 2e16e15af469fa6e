package pam

import (
	"errors"
	"testing"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/store"
)

// lostAccessWorld is a project whose servers labelled env=prod are granted (password checkout
// over SSH) to the groups g1 and g2 by one label policy each, with a password policy managing
// every account, and a way to lend any account to a user.
type lostAccessWorld struct {
	*fixture
	ref      ProjectRef
	token    string
	sec      Principal
	admin    Principal                      // a resource admin, who sets password policies and rotates
	accounts map[string]store.ServerAccount // by login, across servers
}

func newLostAccessWorld(f *fixture) *lostAccessWorld {
	box, err := secret.New(make([]byte, 32))
	f.must(err)
	f.svc.Box = box
	w := &lostAccessWorld{fixture: f, ref: f.newServerProject(), accounts: map[string]store.ServerAccount{}}
	team := w.ref.TeamID
	tok, err := f.svc.CreateEnrollmentToken(f.ctx, w.ref, "admin", "fleet")
	f.must(err)
	w.token = tok.Token
	w.sec = f.member("sec", RoleSecurityAdmin)
	for _, g := range []string{"g1", "g2"} {
		grp, err := f.svc.CreateGroup(f.ctx, team, g, nil)
		f.must(err)
		_, err = f.svc.CreateSecurityPolicy(f.ctx, w.sec, PolicyInput{Policy: labelPolicy("ssh-"+g, w.ref.ResourceGroupID, true), GroupIDs: []string{grp.ID}})
		f.must(err)
	}
	w.admin = f.member("res", RoleResourceAdmin)
	_, err = f.svc.SetPasswordPolicy(f.ctx, w.admin, w.ref.ResourceGroupID, w.ref.ProjectID, ServerAccounts, w.passwordPolicy())
	f.must(err)
	return w
}

func (w *lostAccessWorld) passwordPolicy(managed ...string) PasswordPolicyInput {
	return PasswordPolicyInput{MinLength: ptr(16), MaxLength: ptr(24), CharacterOptions: true, Upper: true, Lower: true, Digits: true,
		EnablePeriodicRotation: ptr(false), ManagedAccounts: managed}
}

// enroll (re-)enrolls a server with labels and logins and records its accounts.
func (w *lostAccessWorld) enroll(host string, labels map[string]string, logins ...string) Enrolled {
	w.t.Helper()
	en, err := w.svc.Enroll(w.ctx, w.token, Enrollment{Hostname: host, OSType: "linux", Labels: labels, Accounts: logins})
	w.must(err)
	as, err := w.svc.Store.ListServerAccounts(w.ctx, w.ref.TeamID, store.AccountFilter{ServerID: en.ServerID}, store.Page{})
	w.must(err)
	for _, a := range as {
		w.accounts[a.Login] = a
	}
	return en
}

// lend checks an account out to a user, as a reveal under checkout would.
func (w *lostAccessWorld) lend(login string, user Principal) {
	w.t.Helper()
	a := w.accounts[login]
	w.must(w.svc.ensureCheckout(w.ctx, a))
	c, err := w.svc.Store.GetCheckout(w.ctx, w.ref.TeamID, a.ID)
	w.must(err)
	c.Password = w.svc.seal("current")
	c, err = checkOut(c, user.UserID, t0, 3600e9)
	w.must(err)
	w.must(w.svc.Store.UpdateCheckout(w.ctx, c))
}

func (w *lostAccessWorld) state(login string) store.Checkout {
	w.t.Helper()
	c, err := w.svc.Store.GetCheckout(w.ctx, w.ref.TeamID, w.accounts[login].ID)
	w.must(err)
	return c
}

// wantLost fails unless the account's checkout ended as system_user_lost_access; rotated says
// whether a rotation must follow (an account that is gone has none: its state is retired).
func (w *lostAccessWorld) wantLost(login string, rotated bool) {
	w.t.Helper()
	c := w.state(login)
	switch {
	case c.CheckinType != CheckinUserLostAccess || c.State == store.CheckoutCheckedOut:
		w.t.Fatalf("%s: %s/%s, want the checkout ended as lost access", login, c.State, c.CheckinType)
	case rotated && (c.State != store.CheckoutPendingCheckin || c.InstructionID == ""):
		w.t.Fatalf("%s: %+v, want a rotation under way", login, c)
	case !rotated && (c.State != store.CheckoutAvailable || c.Password != "" || c.InstructionID != "" || c.UserID != ""):
		w.t.Fatalf("%s: %+v, want the state retired", login, c)
	}
}

func (w *lostAccessWorld) wantOut(login string, user Principal) {
	w.t.Helper()
	if c := w.state(login); c.State != store.CheckoutCheckedOut || c.UserID != user.UserID {
		w.t.Fatalf("%s: %s by %s, want it still out to %s", login, c.State, c.UserID, user.UserID)
	}
}

// TestCheckoutsEndWhereAccessGoes: a checkout ends at once, as system_user_lost_access, when the
// group granting it is deleted, when its server's labels change so that no policy selects it,
// when its account is no longer managed, and when its account or server goes; others stay out.
func TestCheckoutsEndWhereAccessGoes(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		w := newLostAccessWorld(f)
		team, prod := w.ref.TeamID, map[string]string{"env": "prod"}
		a, b := w.member("a"), w.member("b")
		w.must(w.svc.AddMember(w.ctx, team, "g1", "a"))
		w.must(w.svc.AddMember(w.ctx, team, "g2", "b"))
		h1 := w.enroll("h1", prod, "root", "app", "db", "web")
		h2 := w.enroll("h2", prod, "x")

		// The group granting a's checkout is deleted; b's, granted through g2, stays.
		w.lend("root", a)
		w.lend("db", b)
		w.must(w.svc.DeleteGroup(w.ctx, team, "g1"))
		w.wantLost("root", true)
		w.wantOut("db", b)

		// h1 re-enrolls labelled env=dev: no policy selects its accounts any more.
		w.enroll("h1", map[string]string{"env": "dev"}, "root", "app", "db", "web")
		w.wantLost("db", true)

		// Back to env=prod: an account h1 stops reporting goes, and its checkout with it.
		w.must(w.svc.AddMember(w.ctx, team, "g2", "a"))
		h1 = w.enroll("h1", prod, "root", "app", "db", "web")
		w.lend("app", a)
		w.lend("web", b)
		_, err := w.svc.Heartbeat(w.ctx, h1.Credential, Beat{Accounts: []string{"root", "db", "web"}})
		w.must(err)
		w.wantLost("app", false)
		w.wantOut("web", b)

		// A deleted server takes its accounts' checkouts.
		w.lend("x", a)
		w.must(w.svc.DeleteProjectServer(w.ctx, w.ref, h2.ServerID))
		w.wantLost("x", false)

		// The password policy now manages root alone: web's checkout ends, web shows unmanaged,
		// and nobody may reveal or rotate it.
		admin := w.admin
		_, err = w.svc.SetPasswordPolicy(w.ctx, admin, w.ref.ResourceGroupID, w.ref.ProjectID, ServerAccounts, w.passwordPolicy("root"))
		w.must(err)
		w.wantLost("web", true)
		views, err := w.svc.ListServerServerAccounts(w.ctx, w.ref, h1.ServerID, store.Page{})
		w.must(err)
		for _, v := range views {
			if v.Managed != (v.Login == "root") {
				t.Fatalf("%s shows managed %v", v.Login, v.Managed)
			}
		}
		if ms, err := w.svc.ServerAccountAccess(w.ctx, b, w.accounts["web"].ID); err != nil || len(ms) != 0 {
			t.Fatalf("access to an unmanaged account: %+v %v", ms, err)
		}
		if ms, err := w.svc.ServerAccountAccess(w.ctx, b, w.accounts["root"].ID); err != nil || len(ms) != 1 {
			t.Fatalf("access to a managed account: %+v %v", ms, err)
		}
		_, err = w.svc.RevealServerAccountPassword(w.ctx, b, w.accounts["web"].ID, "encrypted-ssh-password")
		f.wantFault(err, fault.Forbidden, "not granted")
		err = w.svc.RotateResource(w.ctx, admin, w.ref.ResourceGroupID, w.ref.ProjectID, ResourceServerAccountPassword, w.accounts["db"].ID)
		f.wantFault(err, fault.PreconditionFailed, "not managed")
		var fe *fault.Error
		if err := w.svc.RotateResource(w.ctx, admin, w.ref.ResourceGroupID, w.ref.ProjectID, ResourceServerAccountPassword,
			w.accounts["root"].ID); err != nil && (!errors.As(err, &fe) || fe.Kind != fault.PreconditionFailed) {
			t.Fatalf("rotating a managed account: %v", err)
		}
	})
}

// TestUnmanagedBeforeAPasswordPolicy: a project without a server password policy manages none
// of its accounts, so none can be revealed or rotated.
func TestUnmanagedBeforeAPasswordPolicy(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		ref := f.newServerProject()
		admin := f.member("res", RoleResourceAdmin)
		tok, err := f.svc.CreateEnrollmentToken(f.ctx, ref, "admin", "fleet")
		f.must(err)
		en, err := f.svc.Enroll(f.ctx, tok.Token, Enrollment{Hostname: "h1", OSType: "linux", Accounts: []string{"root"}})
		f.must(err)
		views, err := f.svc.ListServerServerAccounts(f.ctx, ref, en.ServerID, store.Page{})
		f.must(err)
		if len(views) != 1 || views[0].Managed {
			t.Fatalf("accounts %+v", views)
		}
		err = f.svc.RotateResource(f.ctx, admin, ref.ResourceGroupID, ref.ProjectID, ResourceServerAccountPassword, views[0].ID)
		f.wantFault(err, fault.PreconditionFailed, "managed_privileged_accounts_config")
	})
}
