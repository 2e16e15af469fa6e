package scenario

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/pam/password"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/vault"
)

// udsaasEnv is the scenario's team with a SaaS app "GitHub Prod" (a managed account "ci bot" and
// an unmanaged one "read only") and a managed Universal Directory account "deploy", all assigned
// to the project (the managed ones asking for their initial rotation); checkout required (1800 s
// for SaaS, 900 s for UD); passwords of 20 to 24 letters and digits; a policy granting group g
// (users a and b; c outside it) reveal, rotate and update on them.
type udsaasEnv struct {
	*serverEnv
	users           map[string]*client.OPA
	appID           string
	ci, reader, dep string // account ids
	key             *rsa.PrivateKey
	jwk             json.RawMessage
	policy          password.Policy
}

func newUDSaaSEnv(t *testing.T, postgres bool) *udsaasEnv {
	e := &udsaasEnv{serverEnv: newServerEnv(t, postgres)}
	app, err := e.s.Client.PutSaaSApp(e.ctx, "acme", client.SaaSAppFeed{ID: "0oaGitHub1", Name: "GitHub Prod", GlobalAppName: "GitHub"})
	e.must(err)
	e.appID = app.ID
	_, err = e.s.Client.FeedSaaSAppAccounts(e.ctx, "acme", app.ID, []client.ServiceAccountEntry{
		{ID: "app1", Name: "ci bot", Username: "ci-bot", LcmSyncPossible: true}, {ID: "app2", Name: "read only", Username: "reader"}})
	e.must(err)
	_, err = e.s.Client.FeedUDAccounts(e.ctx, "acme", []client.ServiceAccountEntry{
		{ID: "00uDeploy", Name: "deploy", Username: "deploy@acme.example", LcmSyncPossible: true}})
	e.must(err)

	pol := client.ServiceAccountPasswordPolicy{PasswordPolicy: client.PasswordPolicy{MinLengthInBytes: 20, MaxLengthInBytes: 24,
		CharacterOptions: client.PasswordCharacterOptions{UpperCase: true, LowerCase: true, Digits: true}}}
	e.policy = password.Policy{MinLength: 20, MaxLength: 24, Upper: true, Lower: true, Digits: true, RequireFromEachSet: true}
	for kind, seconds := range map[string]int{client.SaaSApps: 1800, client.UniversalDirectory: 900} {
		_, err = e.opa.UpdateServiceAccountPasswordPolicy(e.ctx, kind, e.rgID, e.prID, pol)
		e.must(err)
		e.must(e.opa.UpdateServiceAccountCheckoutSettings(e.ctx, kind, e.rgID, e.prID, client.ServiceAccountCheckoutSettings{
			CheckoutRequired: true, CheckoutDurationInSeconds: seconds, IncludeList: []client.ServiceAccountRef{}, ExcludeList: []client.ServiceAccountRef{}}))
	}

	staged, err := e.opa.ListStagedServiceAccounts(e.ctx, nil)
	e.must(err)
	ids := map[string]string{}
	for _, a := range staged {
		ids[a.Name] = a.ID
		e.must(e.opa.AssignStagedServiceAccount(e.ctx, a.ID, e.prID, false))
	}
	e.ci, e.reader, e.dep = ids["ci bot"], ids["read only"], ids["deploy"]

	var g client.OPAGroup
	g, e.users = e.groupAndUsers()
	rule := func(typ, selType, id string, privileges ...string) client.SecurityPolicyRule {
		sel, err := json.Marshal(map[string]any{"_type": typ, "selectors": []any{map[string]any{"selector_type": selType,
			"selector": map[string]any{"_type": selType, "service_account": map[string]any{"id": id}}}}})
		e.must(err)
		r := client.SecurityPolicyRule{Name: selType, ResourceType: typ, ResourceSelector: sel}
		for _, p := range privileges {
			r.Privileges = append(r.Privileges, client.Grant(p))
		}
		return r
	}
	_, err = e.opa.CreateSecurityPolicy(e.ctx, client.SecurityPolicy{Name: "service accounts", Active: true,
		Principals:    client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{{ID: g.ID}}},
		ResourceGroup: &client.NamedObject{ID: e.rgID},
		Rules: []client.SecurityPolicyRule{
			rule(pam.ManagedSaaSAppBasedResource, pam.SelectIndividualManagedSaaS, e.ci, "reveal_password", "rotate_password", "update_password"),
			rule(pam.UnmanagedSaaSAppBasedResource, pam.SelectIndividualUnmanagedSaaS, e.reader, "reveal_password", "update_password"),
			rule(pam.OktaAppBasedResource, pam.SelectIndividualOktaAccount, e.dep, "reveal_password", "rotate_password")}})
	e.must(err)

	e.key, err = rsa.GenerateKey(rand.Reader, 2048)
	e.must(err)
	e.jwk, err = jose.JSONWebKey{Key: &e.key.PublicKey, Algorithm: "RSA-OAEP-256", Use: "enc"}.MarshalJSON()
	e.must(err)
	return e
}

// reveal is a user's reveal of a SaaS account (appID given) or a UD account, decrypted.
func (e *udsaasEnv) reveal(user, appID, id string) (string, error) {
	jwe, err := e.users[user].RevealServiceAccountPassword(e.ctx, appID, id, e.jwk)
	if err != nil {
		return "", err
	}
	pw, err := vault.Decrypt(jwe, e.key)
	e.must(err)
	return string(pw), nil
}

func (e *udsaasEnv) inDirectory(id string) string {
	pw, _, err := e.s.Client.DirectoryPassword(e.ctx, "acme", id)
	e.must(err)
	return pw
}

func (e *udsaasEnv) state(id string) store.Checkout {
	c, err := e.s.App.Store().GetCheckout(e.ctx, e.teamID, id)
	e.must(err)
	return c
}

// checkPassword: pw satisfies the policy, is the directory's, and is none of the old ones.
func (e *udsaasEnv) checkPassword(id, pw string, old ...string) {
	e.t.Helper()
	if err := e.policy.Satisfies(pw); err != nil {
		e.t.Fatalf("password %d bytes: %v", len(pw), err)
	}
	if pw != e.inDirectory(id) {
		e.t.Fatal("the revealed password is not the directory's")
	}
	for _, o := range old {
		if pw == o {
			e.t.Fatal("the password did not change")
		}
	}
}

// sealToTeam encrypts a password to the team's vault key, as a client setting credentials does.
func (e *udsaasEnv) sealToTeam(pw string) string {
	keys, err := e.users["a"].VaultJWKS(e.ctx)
	e.must(err)
	var key jose.JSONWebKey
	e.must(key.UnmarshalJSON(keys[0]))
	jwe, err := vault.Encrypt(key, jose.ECDH_ES, []byte(pw))
	e.must(err)
	return jwe
}

// TestUDSaaSCheckoutRevealRotate is the life of UD and SaaS accounts over HTTP: the initial
// rotation an assignment asks for, a SaaS account revealed under a checkout and force-checked-in
// by an admin, rotated by a user, a UD checkout expiring on the virtual clock, a refused rotation
// retried, and an unmanaged account whose password the users keep.
func TestUDSaaSCheckoutRevealRotate(t *testing.T) {
	backends(t, func(t *testing.T, postgres bool) {
		e := newUDSaaSEnv(t, postgres)

		// The initial rotation is due work: it runs on the clock and marks the accounts SYNCED. The
		// runner may already have done it: then it is no longer pending but has succeeded.
		d, err := e.opa.GetProjectServiceAccount(e.ctx, client.SaaSApps, e.rgID, e.prID, e.ci)
		e.must(err)
		if d.NextRotationReason == "" && d.LastChangeSuccessAt == "" {
			t.Fatalf("the assignment asked for no initial rotation %+v", d)
		}
		_, err = e.s.Client.AdvanceClock(e.ctx, time.Second)
		e.must(err)
		for _, id := range []string{e.ci, e.dep} {
			waitUntil(t, "the initial rotation", func() (int, bool) {
				a, err := e.s.App.Store().GetServiceAccount(e.ctx, e.teamID, id)
				e.must(err)
				return 0, a.RotationDueAt.IsZero()
			})
		}
		listed, err := e.opa.ListProjectServiceAccounts(e.ctx, client.SaaSApps, e.rgID, e.prID, client.ListOptions{})
		e.must(err)
		for _, a := range listed {
			if want := map[bool]string{true: "SYNCED", false: ""}[a.LcmSyncPossible]; a.SyncStatus != want {
				t.Fatalf("%s sync status %q", a.Name, a.SyncStatus)
			}
		}
		d, err = e.opa.GetProjectServiceAccount(e.ctx, client.SaaSApps, e.rgID, e.prID, e.ci)
		e.must(err)
		if d.NextRotationReason != "" || d.LastChangeSuccessAt == "" || d.CheckoutStatus != "available" {
			t.Fatalf("details after the initial rotation %+v", d)
		}
		initial := e.inDirectory(e.ci)

		// a's access: reveal and update listed (the spec's privileges), checkout required.
		methods, err := e.users["a"].ListServiceAccountAccessMethods(e.ctx, e.appID, e.ci)
		e.must(err)
		if len(methods) != 1 || len(methods[0].Details.Privileges) != 2 || !methods[0].CheckoutRequirements.Required ||
			methods[0].CheckoutRequirements.MaxSeconds != 1800 || methods[0].Identity != "ci-bot" {
			t.Fatalf("a's access methods %+v", methods)
		}
		_, err = e.users["c"].ListServiceAccountAccessMethods(e.ctx, e.appID, e.ci)
		wantStatus(t, err, http.StatusNotFound)
		_, err = e.reveal("c", e.appID, e.ci)
		wantStatus(t, err, http.StatusForbidden)
		_, err = e.reveal("a", "0oaOther", e.ci) // not the account's app
		wantStatus(t, err, http.StatusNotFound)

		// a reveals the SaaS account: checked out, the directory's password; b is locked out.
		first, err := e.reveal("a", e.appID, e.ci)
		e.must(err)
		e.checkPassword(e.ci, first)
		if first != initial {
			t.Fatal("the reveal changed the initial password")
		}
		_, err = e.reveal("b", e.appID, e.ci)
		wantStatus(t, err, http.StatusPreconditionFailed)
		mine, err := e.users["a"].ListCheckedOutResources(e.ctx, client.CheckoutQuery{ResourceType: client.ResourceSaaSAccountPassword})
		e.must(err)
		if len(mine) != 1 || mine[0].ResourceID != e.ci || mine[0].ResourceName != "ci bot" || mine[0].ResourceDetails == nil ||
			mine[0].ResourceDetails.AppName != "GitHub Prod" || mine[0].ResourceDetails.AccountName != "ci bot" {
			t.Fatalf("a's SaaS checkouts %+v", mine)
		}
		if all, err := e.users["a"].ListCheckedOutResources(e.ctx, client.CheckoutQuery{}); err != nil || len(all) != 1 ||
			all[0].ResourceType != client.ResourceSaaSAccountPassword {
			t.Fatalf("a's checkouts %+v %v", all, err)
		}
		held, err := e.opa.ListProjectCheckedOutResources(e.ctx, e.rgID, e.prID, client.CheckoutQuery{ResourceType: client.ResourceSaaSAccountPassword})
		e.must(err)
		if len(held) != 1 || held[0].CheckoutByUsername != "a" || held[0].ResourceStatus != "checked_out" || held[0].ResourceDetails.AppName != "GitHub Prod" {
			t.Fatalf("the project's SaaS checkouts %+v", held)
		}

		// The admin forces the check-in: rotated at once into the directory.
		e.must(e.opa.AdminCheckinResourceOfType(e.ctx, e.rgID, e.prID, client.ResourceSaaSAccountPassword, e.ci))
		if c := e.state(e.ci); c.State != store.CheckoutAvailable || c.CheckinType != pam.CheckinAdmin {
			t.Fatalf("after the forced check-in %+v", c)
		}
		second := e.inDirectory(e.ci)
		e.checkPassword(e.ci, second, first)

		// b rotates it (a user's rotation needs no checkout), then reveals the new password.
		e.must(e.users["b"].RotateServiceAccountPassword(e.ctx, e.appID, e.ci))
		third, err := e.reveal("b", e.appID, e.ci)
		e.must(err)
		e.checkPassword(e.ci, third, first, second)
		e.must(e.users["b"].CheckinResourceOfType(e.ctx, client.ResourceSaaSAccountPassword, e.ci))

		// a sets the SaaS account's password: it becomes the directory's and a holds the checkout.
		e.must(e.users["a"].UpdateSaaSAccountPassword(e.ctx, e.appID, e.ci, e.sealToTeam("Chosen-by-a-0123456789")))
		if e.inDirectory(e.ci) != "Chosen-by-a-0123456789" {
			t.Fatal("the update did not reach the directory")
		}
		if c := e.state(e.ci); c.State != store.CheckoutCheckedOut || c.UserID == "" {
			t.Fatalf("after the update %+v", c)
		}
		err = e.users["b"].UpdateSaaSAccountPassword(e.ctx, e.appID, e.ci, e.sealToTeam("Chosen-by-b-0123456789"))
		wantStatus(t, err, http.StatusPreconditionFailed)
		e.must(e.users["a"].CheckinResourceOfType(e.ctx, client.ResourceSaaSAccountPassword, e.ci))
		e.checkPassword(e.ci, e.inDirectory(e.ci), "Chosen-by-a-0123456789")

		// a checks the UD account out; the checkout expires on the virtual clock and rotates.
		ud, err := e.reveal("a", "", e.dep)
		e.must(err)
		e.checkPassword(e.dep, ud)
		_, err = e.s.Client.AdvanceClock(e.ctx, 901*time.Second)
		e.must(err)
		waitUntil(t, "the expiry", func() (int, bool) {
			c := e.state(e.dep)
			return c.Version, c.State == store.CheckoutAvailable && c.CheckinType == pam.CheckinExpired
		})
		expired := e.inDirectory(e.dep)
		e.checkPassword(e.dep, expired, ud)

		// A directory refusing changes: b's rotation fails, the account is unavailable, retried.
		e.must(e.s.Client.SetDirectoryFailure(e.ctx, "acme", "okta unreachable"))
		e.must(e.users["b"].RotateServiceAccountPassword(e.ctx, "", e.dep))
		if c := e.state(e.dep); c.State != store.CheckoutPendingCheckin || c.RotationFails != 1 || c.ErrorType != pam.ErrorDirectoryRejected {
			t.Fatalf("after a refused rotation %+v", c)
		}
		_, err = e.reveal("a", "", e.dep)
		wantStatus(t, err, http.StatusPreconditionFailed)
		d, err = e.opa.GetProjectServiceAccount(e.ctx, client.UniversalDirectory, e.rgID, e.prID, e.dep)
		e.must(err)
		if d.CheckoutStatus != "unavailable" || d.LastChangeErrorType != pam.ErrorDirectoryRejected {
			t.Fatalf("details after a failure %+v", d)
		}
		e.must(e.s.Client.SetDirectoryFailure(e.ctx, "acme", ""))
		_, err = e.s.Client.AdvanceClock(e.ctx, 61*time.Second)
		e.must(err)
		waitUntil(t, "the retried rotation", func() (int, bool) {
			c := e.state(e.dep)
			return c.Version, c.State == store.CheckoutAvailable
		})
		retried, err := e.reveal("a", "", e.dep)
		e.must(err)
		e.checkPassword(e.dep, retried, expired)

		// The unmanaged account: nothing to reveal until a user stores its password; never rotated.
		_, err = e.reveal("a", e.appID, e.reader)
		wantStatus(t, err, http.StatusPreconditionFailed)
		err = e.users["a"].RotateServiceAccountPassword(e.ctx, e.appID, e.reader)
		wantStatus(t, err, http.StatusForbidden)
		e.must(e.users["b"].UpdateSaaSAccountPassword(e.ctx, e.appID, e.reader, e.sealToTeam("known-to-the-team")))
		if pw, err := e.reveal("a", e.appID, e.reader); err != nil || pw != "known-to-the-team" {
			t.Fatalf("the unmanaged account's reveal %q %v", pw, err)
		}
		if c := e.state(e.reader); c.State != store.CheckoutAvailable {
			t.Fatalf("an unmanaged account was checked out %+v", c)
		}
		err = e.opa.RotateResourceOfType(e.ctx, e.rgID, e.prID, client.ResourceSaaSAccountPassword, e.reader)
		wantStatus(t, err, http.StatusPreconditionFailed)

		// a leaves the group while holding the UD account: lost access, rotated.
		if l, err := e.users["a"].ListCheckedOutResources(e.ctx, client.CheckoutQuery{}); err != nil || len(l) != 1 || l[0].ResourceID != e.dep {
			t.Fatalf("a's checkouts %+v %v", l, err)
		}
		e.must(e.opa.RemoveUserFromGroup(e.ctx, "g", "a"))
		if c := e.state(e.dep); c.State != store.CheckoutAvailable || c.CheckinType != pam.CheckinUserLostAccess {
			t.Fatalf("after the lost access %+v", c)
		}
		if e.inDirectory(e.dep) == retried {
			t.Fatal("losing access did not rotate the password")
		}
	})
}
