package scenario

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/pam/password"
	"github.com/keyward/keyward/internal/sim"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/vault"
)

// checkoutEnv is a project with one simulated server (vault-1, account root), a group g whose
// policy grants password_checkout_ssh on the servers labelled sim=true, users a and b in g and
// c outside it, checkout required for 900 s.
type checkoutEnv struct {
	*serverEnv
	fleet     *sim.ServerFleet
	users     map[string]*client.OPA
	accountID string
	key       *rsa.PrivateKey
	jwk       json.RawMessage
	policy    password.Policy
}

func newCheckoutEnv(t *testing.T, postgres bool) *checkoutEnv {
	e := &checkoutEnv{serverEnv: newServerEnv(t, postgres), users: map[string]*client.OPA{}}
	tok, err := e.opa.CreateServerEnrollmentToken(e.ctx, e.rgID, e.prID, "vault")
	e.must(err)
	e.fleet, err = sim.NewServerFleet(e.ctx, sim.Config{URL: e.s.URL, EnrollmentToken: tok.Token, Servers: 1, AccountsPerServer: 1,
		ServerPrefix: "vault", Heartbeat: 20 * time.Millisecond, Seed: 1, HTTPClient: e.s.HTTP}, io.Discard)
	e.must(err)
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan struct{})
	go func() { defer close(done); e.fleet.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	_, err = e.opa.UpdateServerPasswordPolicy(e.ctx, e.rgID, e.prID, client.PasswordPolicy{MinLengthInBytes: 20, MaxLengthInBytes: 24,
		CharacterOptions: client.PasswordCharacterOptions{UpperCase: true, LowerCase: true, Digits: true}})
	e.must(err)
	e.policy = password.Policy{MinLength: 20, MaxLength: 24, Upper: true, Lower: true, Digits: true, RequireFromEachSet: true}
	e.must(e.opa.UpdateServerCheckoutSettings(e.ctx, e.rgID, e.prID, client.CheckoutSettings{CheckoutRequired: true,
		CheckoutDurationInSeconds: 900, IncludeList: []string{}, ExcludeList: []string{}}))

	g, err := e.opa.CreateGroup(e.ctx, "g", []string{})
	e.must(err)
	for _, name := range []string{"a", "b", "c"} {
		_, err := e.s.Client.CreateTeamUser(e.ctx, "acme", client.TeamUser{Name: name, Email: name + "@example.com", FirstName: "F", LastName: "L"})
		e.must(err)
		ut, err := e.s.Client.MintUserToken(e.ctx, "acme", name)
		e.must(err)
		e.users[name] = client.NewOPAWithToken(e.s.URL, "acme", ut.BearerToken, client.WithHTTPClient(e.s.HTTP))
	}
	e.must(e.opa.AddUserToGroup(e.ctx, "g", "a"))
	e.must(e.opa.AddUserToGroup(e.ctx, "g", "b"))
	_, err = e.opa.CreateSecurityPolicy(e.ctx, client.SecurityPolicy{Name: "vault access", Active: true,
		Principals:    client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{{ID: g.ID}}},
		ResourceGroup: &client.NamedObject{ID: e.rgID},
		Rules: []client.SecurityPolicyRule{{Name: "sim servers", ResourceType: "server_based_resource",
			ResourceSelector: client.ServerSelector(client.ServerLabels(map[string]string{"sim": "true"})),
			Privileges:       []client.SecurityPolicyPrivilege{client.Grant("password_checkout_ssh")}}}})
	e.must(err)

	accounts, err := e.opa.ListProjectServerAccounts(e.ctx, e.rgID, e.prID)
	e.must(err)
	if len(accounts) != 1 || accounts[0].Login != "root" || !accounts[0].Managed { // the password policy manages every account
		t.Fatalf("accounts %+v", accounts)
	}
	e.accountID = accounts[0].ID
	e.key, err = rsa.GenerateKey(rand.Reader, 2048)
	e.must(err)
	e.jwk, err = jose.JSONWebKey{Key: &e.key.PublicKey, Algorithm: "RSA-OAEP-256", Use: "enc"}.MarshalJSON()
	e.must(err)
	return e
}

// reveal is a user's reveal of root's password, decrypted.
func (e *checkoutEnv) reveal(user string) (string, error) {
	jwe, err := e.users[user].RevealServerAccountPassword(e.ctx, e.accountID, "encrypted-ssh-password", e.jwk)
	if err != nil {
		return "", err
	}
	pw, err := vault.Decrypt(jwe, e.key)
	e.must(err)
	return string(pw), nil
}

// revealOnceRotated waits while the account is being rotated (412) and returns the password the
// user then reveals; any other answer fails the test.
func (e *checkoutEnv) revealOnceRotated(user string) string {
	e.t.Helper()
	var pw string
	waitUntil(e.t, user+"'s reveal after the rotation", func() (int, bool) {
		var err error
		pw, err = e.reveal(user)
		if err != nil && client.StatusCode(err) != http.StatusPreconditionFailed {
			e.t.Fatalf("reveal by %s: %v", user, err)
		}
		return 0, err == nil
	})
	return pw
}

// onServer is root's password on the simulated server.
func (e *checkoutEnv) onServer() string {
	pw, _ := e.fleet.Password("vault-1", "root")
	return pw
}

// state is the stored lending state of the account.
func (e *checkoutEnv) state() store.Checkout {
	c, err := e.s.App.Store().GetCheckout(e.ctx, e.teamID, e.accountID)
	e.must(err)
	return c
}

// waitAvailable waits until the rotation under way is confirmed.
func (e *checkoutEnv) waitAvailable() store.Checkout {
	e.t.Helper()
	var c store.Checkout
	waitUntil(e.t, "the rotation confirmed", func() (int, bool) {
		c = e.state()
		return c.Version, c.State == store.CheckoutAvailable
	})
	return c
}

func (e *checkoutEnv) checkPassword(pw string, not ...string) {
	e.t.Helper()
	if err := e.policy.Satisfies(pw); err != nil {
		e.t.Fatalf("password %d bytes: %v", len(pw), err)
	}
	if pw != e.onServer() {
		e.t.Fatal("the revealed password is not the server's")
	}
	for _, old := range not {
		if pw == old {
			e.t.Fatal("the password did not change")
		}
	}
}

// TestCheckoutRevealCheckinRotate is issue's whole checkout life over HTTP with a simulated
// server: reveal = checkout, 412 to others, 403 without a grant, the lists, self and forced
// check-in, expiry under the virtual clock, lost access, a failed rotation retried, periodic
// rotation, and lost access again when the group is deleted.
func TestCheckoutRevealCheckinRotate(t *testing.T) {
	backends(t, func(t *testing.T, postgres bool) {
		e := newCheckoutEnv(t, postgres)

		// The admin API shows what each user's reveal is granted.
		for user, want := range map[string]int{"a": 1, "c": 0} {
			ms, err := e.s.Client.UserAccessMethods(e.ctx, "acme", user, e.accountID)
			e.must(err)
			if len(ms) != want || (want == 1 && (ms[0].AccessCredential != "encrypted-ssh-password" || !ms[0].CheckoutRequired ||
				ms[0].CheckoutDurationInSeconds != 900)) {
				t.Fatalf("%s's access methods %+v", user, ms)
			}
		}

		// keyward sets a password before the first reveal: 412 until the server confirms it.
		pwA := e.revealOnceRotated("a")
		e.checkPassword(pwA)
		if again, err := e.reveal("a"); err != nil || again != pwA {
			t.Fatalf("a's second reveal: %v", err)
		}
		mine, err := e.users["a"].ListCheckedOutResources(e.ctx, client.CheckoutQuery{ResourceType: client.ResourceServerAccountPassword})
		e.must(err)
		if len(mine) != 1 || mine[0].ResourceID != e.accountID || mine[0].ResourceName != "root" || mine[0].ResourceDetails.Hostname != "vault-1" {
			t.Fatalf("a's checkouts %+v", mine)
		}
		out, _ := time.Parse(time.RFC3339, mine[0].CheckoutAt)
		exp, _ := time.Parse(time.RFC3339, mine[0].CheckoutExpiryAt)
		if exp.Sub(out) != 900*time.Second {
			t.Fatalf("checked out %s until %s", mine[0].CheckoutAt, mine[0].CheckoutExpiryAt)
		}
		_, err = e.reveal("b")
		wantStatus(t, err, http.StatusPreconditionFailed)
		_, err = e.reveal("c")
		wantStatus(t, err, http.StatusForbidden)
		admin, err := e.opa.ListProjectCheckedOutResources(e.ctx, e.rgID, e.prID, client.CheckoutQuery{})
		e.must(err)
		if len(admin) != 1 || admin[0].CheckoutByUsername != "a" || admin[0].ResourceStatus != "checked_out" {
			t.Fatalf("admin list %+v", admin)
		}

		// a checks in: the password rotates, and only then can b reveal.
		e.must(e.users["a"].CheckinResource(e.ctx, e.accountID))
		if c := e.state(); c.State == store.CheckoutCheckedOut || c.CheckinType != "self" {
			t.Fatalf("after check-in %s/%s", c.State, c.CheckinType)
		}
		pwB := e.revealOnceRotated("b")
		e.checkPassword(pwB, pwA)

		// The admin forces b's check-in.
		e.must(e.opa.AdminCheckinResource(e.ctx, e.rgID, e.prID, e.accountID))
		if c := e.state(); c.CheckinType != "admin" {
			t.Fatalf("forced check-in %s", c.CheckinType)
		}
		pwA2 := e.revealOnceRotated("a")
		e.checkPassword(pwA2, pwB)

		// The clock passes a's expiry: checked in as expired, rotated.
		e.advance(901 * time.Second)
		if c := e.state(); c.CheckinType != "system_checkout_expired" || c.State == store.CheckoutCheckedOut {
			t.Fatalf("after expiry %s/%s", c.State, c.CheckinType)
		}
		e.waitAvailable()
		e.checkPassword(e.revealOnceRotated("a"), pwA2)

		// a leaves g: the checkout ends at once, and a can reveal no more.
		e.must(e.opa.RemoveUserFromGroup(e.ctx, "g", "a"))
		if c := e.state(); c.CheckinType != "system_user_lost_access" || c.State == store.CheckoutCheckedOut {
			t.Fatalf("after leaving g %s/%s", c.State, c.CheckinType)
		}
		_, err = e.reveal("a")
		wantStatus(t, err, http.StatusForbidden)

		// A failed rotation is reported and tried again after its back-off.
		e.waitAvailable()
		pwB2 := e.revealOnceRotated("b")
		e.fleet.FailNext(1)
		e.must(e.users["b"].CheckinResource(e.ctx, e.accountID))
		waitUntil(t, "the failure reported", func() (int, bool) {
			c := e.state()
			return c.Version, !c.ErrorAt.IsZero()
		})
		if c := e.state(); c.State != store.CheckoutPendingCheckin || c.RotationFails != 1 || e.onServer() != pwB2 {
			t.Fatalf("after a failed rotation %+v", c)
		}
		failed, err := e.opa.GetServerAccount(e.ctx, e.rgID, e.prID, e.accountID)
		e.must(err)
		if failed.LastPasswordChangeErrorType == "" || failed.LastPasswordChangeErrorReportTimestamp == "" {
			t.Fatalf("failure not reported: %+v", failed)
		}
		_, err = e.reveal("b")
		wantStatus(t, err, http.StatusPreconditionFailed)
		e.advance(61 * time.Second)
		if c := e.waitAvailable(); c.RotationFails != 0 || !c.SuccessAt.After(c.ErrorAt) {
			t.Fatalf("after the retry %+v", c)
		}
		retried, err := e.opa.GetServerAccount(e.ctx, e.rgID, e.prID, e.accountID)
		e.must(err)
		if retried.LastPasswordChangeSuccessReportTimestamp <= failed.LastPasswordChangeErrorReportTimestamp {
			t.Fatalf("success not reported after the failure: %+v", retried)
		}
		e.checkPassword(e.revealOnceRotated("b"), pwB2)
		e.must(e.users["b"].CheckinResource(e.ctx, e.accountID))
		e.waitAvailable()

		// Periodic rotation: on schedule after the last change, under the virtual clock.
		_, err = e.opa.UpdateServerPasswordPolicy(e.ctx, e.rgID, e.prID, client.PasswordPolicy{MinLengthInBytes: 20, MaxLengthInBytes: 24,
			CharacterOptions:       client.PasswordCharacterOptions{UpperCase: true, LowerCase: true, Digits: true},
			EnablePeriodicRotation: true, PeriodicRotationDurationInSeconds: 3600})
		e.must(err)
		e.must(e.opa.RotateResource(e.ctx, e.rgID, e.prID, e.accountID))
		before := e.waitAvailable()
		e.advance(3599 * time.Second)
		if c := e.state(); c.Version != before.Version {
			t.Fatalf("rotated before its period: %+v", c)
		}
		e.advance(2 * time.Second)
		if c := e.state(); c.Version == before.Version {
			t.Fatalf("no periodic rotation: %+v", c)
		}
		waitUntil(t, "the periodic rotation confirmed", func() (int, bool) {
			c := e.state()
			return c.Version, c.State == store.CheckoutAvailable && c.SuccessAt.After(before.SuccessAt)
		})

		// The group granting b's checkout is deleted: the checkout ends at once as lost access,
		// the password rotates, and b can reveal no more.
		pwB3 := e.revealOnceRotated("b")
		e.must(e.opa.DeleteGroup(e.ctx, "g"))
		if c := e.state(); c.CheckinType != "system_user_lost_access" || c.State == store.CheckoutCheckedOut {
			t.Fatalf("after deleting g %s/%s", c.State, c.CheckinType)
		}
		e.waitAvailable()
		if e.onServer() == pwB3 {
			t.Fatal("the password did not rotate after the group was deleted")
		}
		_, err = e.reveal("b")
		wantStatus(t, err, http.StatusForbidden)
	})
}

// wantRefused fails unless err is an answer of status whose text mentions want.
func wantRefused(t *testing.T, err error, status int, want string) {
	t.Helper()
	wantStatus(t, err, status)
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("%v does not mention %q", err, want)
	}
}

// TestCheckoutRefusals: bad input is a 400 naming the field, a resource nobody holds cannot be
// checked in, and a checked-out account cannot be rotated.
func TestCheckoutRefusals(t *testing.T) {
	backends(t, func(t *testing.T, postgres bool) {
		e := newCheckoutEnv(t, postgres)
		a := e.users["a"]
		_, err := a.RevealServerAccountPassword(e.ctx, e.accountID, "encrypted-ssh-password", json.RawMessage(`{"kty":"oct","k":"AAAA"}`))
		wantRefused(t, err, http.StatusBadRequest, "public_key")
		_, err = a.RevealServerAccountPassword(e.ctx, e.accountID, "encrypted-ssh-password", nil)
		wantRefused(t, err, http.StatusBadRequest, "public_key")
		_, err = a.RevealServerAccountPassword(e.ctx, "no-such-account", "encrypted-ssh-password", e.jwk)
		wantStatus(t, err, http.StatusNotFound)
		_, err = a.RevealServerAccountPassword(e.ctx, e.accountID, "password", e.jwk) // reveal_password is not granted
		wantStatus(t, err, http.StatusForbidden)

		_, err = a.ListCheckedOutResources(e.ctx, client.CheckoutQuery{ResourceType: "saas_app"})
		wantRefused(t, err, http.StatusBadRequest, "resource_type")
		_, err = e.opa.Page(e.ctx, "resource_groups/"+e.rgID+"/projects/"+e.prID+"/checked_out_resources?include_pending_checkin=maybe", &[]client.CheckedOutResource{})
		wantRefused(t, err, http.StatusBadRequest, "include_pending_checkin")
		wantStatus(t, a.CheckinResource(e.ctx, e.accountID), http.StatusNotFound) // a holds nothing
		wantStatus(t, e.opa.AdminCheckinResource(e.ctx, e.rgID, e.prID, e.accountID), http.StatusNotFound)

		pw := e.revealOnceRotated("a")
		wantStatus(t, e.opa.RotateResource(e.ctx, e.rgID, e.prID, e.accountID), http.StatusPreconditionFailed)
		wantStatus(t, e.users["b"].CheckinResource(e.ctx, e.accountID), http.StatusNotFound) // not b's
		if c := e.state(); c.State != store.CheckoutCheckedOut || c.UserID == "" {
			t.Fatalf("refusals changed the checkout: %+v", c)
		}
		if again, err := e.reveal("a"); err != nil || again != pw {
			t.Fatalf("a's reveal after the refusals: %v", err)
		}

		// The password policy now manages admin alone: root's checkout ends (and rotates), root
		// shows unmanaged, and it can be neither revealed nor rotated.
		_, err = e.opa.UpdateServerPasswordPolicy(e.ctx, e.rgID, e.prID, client.PasswordPolicy{MinLengthInBytes: 20, MaxLengthInBytes: 24,
			CharacterOptions: client.PasswordCharacterOptions{UpperCase: true, LowerCase: true, Digits: true}, ManagedPrivilegedAccountsConfig: []string{"admin"}})
		e.must(err)
		if c := e.state(); c.CheckinType != "system_user_lost_access" || c.State == store.CheckoutCheckedOut {
			t.Fatalf("after root left management %s/%s", c.State, c.CheckinType)
		}
		e.waitAvailable()
		root, err := e.opa.GetServerAccount(e.ctx, e.rgID, e.prID, e.accountID)
		e.must(err)
		if root.Managed {
			t.Fatalf("root shows managed: %+v", root)
		}
		_, err = e.reveal("a")
		wantStatus(t, err, http.StatusForbidden)
		wantRefused(t, e.opa.RotateResource(e.ctx, e.rgID, e.prID, e.accountID), http.StatusPreconditionFailed, "managed_privileged_accounts_config")
	})
}
