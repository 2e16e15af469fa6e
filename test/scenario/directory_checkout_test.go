package scenario

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/pam/password"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/vault"
)

const serviceOU = "OU=Service,DC=corp,DC=example"

// adEnv is the scenario's team with a fed and synced AD domain corp.example: shared accounts
// svc-backup (placed in the project by a rule) and svc-print (in an OU no rule covers); a policy
// grants group g (users a and b; c outside it) reveal_password and rotate_password on the shared
// account named svc-backup; checkout required for 900 s; passwords of 20 to 24 letters and digits.
type adEnv struct {
	*serverEnv
	users     map[string]*client.OPA
	connID    string
	accountID string
	key       *rsa.PrivateKey
	jwk       json.RawMessage
	policy    password.Policy
}

func newADEnv(t *testing.T, postgres bool) *adEnv {
	e := &adEnv{serverEnv: newServerEnv(t, postgres)}
	conn, err := e.s.Client.CreateADConnection(e.ctx, "acme", client.ADConnection{Domain: "corp.example", AppInstanceID: "0oaAD1"})
	e.must(err)
	e.connID = conn.ID
	e.must(e.s.Client.FeedADAccounts(e.ctx, "acme", conn.ID, []client.ADEntry{
		{SID: "S-1-5-21-5", SAMAccountName: "svc-backup", UPN: "svc-backup@corp.example", DistinguishedName: "CN=svc-backup," + serviceOU,
			AccountType: pam.ADShared},
		{SID: "S-1-5-21-7", SAMAccountName: "svc-print", UPN: "svc-print@corp.example", DistinguishedName: "CN=svc-print,OU=Other,DC=corp,DC=example",
			AccountType: pam.ADShared},
	}))
	_, err = e.opa.CreateADRule(e.ctx, conn.ID, client.ADRule{Name: "service", RuleType: pam.ADShared, OrganizationalUnits: []string{serviceOU},
		Project: client.NamedObject{ID: e.prID}, ResourceGroup: client.NamedObject{ID: e.rgID}})
	e.must(err)
	e.must(e.opa.ForceSyncAD(e.ctx, conn.ID))
	placed, err := e.opa.ListProjectADAccounts(e.ctx, e.rgID, e.prID, client.ListOptions{})
	e.must(err)
	if len(placed) != 1 || placed[0].AccountName != "svc-backup" {
		t.Fatalf("placed accounts %+v", placed)
	}
	e.accountID = placed[0].ID

	e.must(e.opa.UpdateADCheckoutSettings(e.ctx, e.rgID, e.prID, client.ADCheckoutSettings{CheckoutRequired: true,
		CheckoutDurationInSeconds: 900, IncludeList: []client.ADAccountRef{}, ExcludeList: []client.ADAccountRef{}}))
	_, err = e.opa.UpdateADPasswordPolicy(e.ctx, e.rgID, e.prID, client.ADPasswordPolicy{MinLengthInBytes: 20, MaxLengthInBytes: 24,
		CharacterOptions: client.PasswordCharacterOptions{UpperCase: true, LowerCase: true, Digits: true}})
	e.must(err)
	e.policy = password.Policy{MinLength: 20, MaxLength: 24, Upper: true, Lower: true, Digits: true, RequireFromEachSet: true}

	var g client.OPAGroup
	g, e.users = e.groupAndUsers()
	selector, err := json.Marshal(map[string]any{"_type": "active_directory_based_resource", "selectors": []any{map[string]any{
		"selector_type": "active_directory", "selector": map[string]any{"_type": "active_directory",
			"shared_accounts": map[string]any{"by_matching_names": []string{"svc-backup"}, "by_domain": []string{"corp.example"}}}}}})
	e.must(err)
	_, err = e.opa.CreateSecurityPolicy(e.ctx, client.SecurityPolicy{Name: "ad access", Active: true,
		Principals:    client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{{ID: g.ID}}},
		ResourceGroup: &client.NamedObject{ID: e.rgID},
		Rules: []client.SecurityPolicyRule{{Name: "backup account", ResourceType: pam.ActiveDirectoryBasedResource, ResourceSelector: selector,
			Privileges: []client.SecurityPolicyPrivilege{client.Grant("reveal_password"), client.Grant("rotate_password")}}}})
	e.must(err)

	e.key, err = rsa.GenerateKey(rand.Reader, 2048)
	e.must(err)
	e.jwk, err = jose.JSONWebKey{Key: &e.key.PublicKey, Algorithm: "RSA-OAEP-256", Use: "enc"}.MarshalJSON()
	e.must(err)
	return e
}

func (e *adEnv) reveal(user string) (string, error) {
	jwe, err := e.users[user].RevealADAccountPassword(e.ctx, e.connID, e.accountID, "password", e.jwk)
	if err != nil {
		return "", err
	}
	pw, err := vault.Decrypt(jwe, e.key)
	e.must(err)
	return string(pw), nil
}

// inDirectory is the account's current password in keyward's directory.
func (e *adEnv) inDirectory() string {
	pw, _, err := e.s.Client.DirectoryPassword(e.ctx, "acme", e.accountID)
	e.must(err)
	return pw
}

func (e *adEnv) state() store.Checkout {
	c, err := e.s.App.Store().GetCheckout(e.ctx, e.teamID, e.accountID)
	e.must(err)
	return c
}

func (e *adEnv) checkPassword(pw string, not ...string) {
	e.t.Helper()
	if err := e.policy.Satisfies(pw); err != nil {
		e.t.Fatalf("password %d bytes: %v", len(pw), err)
	}
	if pw != e.inDirectory() {
		e.t.Fatal("the revealed password is not the directory's")
	}
	for _, old := range not {
		if pw == old {
			e.t.Fatal("the password did not change")
		}
	}
}

// details is the account as its project's admins see it.
func (e *adEnv) details() client.ADAccount {
	a, err := e.opa.GetProjectADAccount(e.ctx, e.rgID, e.prID, e.accountID)
	e.must(err)
	return a
}

// TestADCheckoutRevealCheckinRotate is an AD account's life over HTTP: visible to the users a
// policy grants, revealed under a checkout that locks out others, checked in by its holder and by
// an admin, expired on the virtual clock, rotated inside keyward into its password directory,
// and a directory refusing password changes retried with back-off and reported.
func TestADCheckoutRevealCheckinRotate(t *testing.T) {
	backends(t, func(t *testing.T, postgres bool) {
		e := newADEnv(t, postgres)

		// Visibility follows the policy: a sees the domain and the one account, c nothing.
		domains, err := e.users["a"].ListADDomains(e.ctx)
		e.must(err)
		if len(domains) != 1 || domains[0].Domain != "corp.example" || domains[0].ID != e.connID {
			t.Fatalf("a's domains %+v", domains)
		}
		accounts, err := e.users["a"].ListADAccountsEndUser(e.ctx, e.connID)
		e.must(err)
		if len(accounts) != 1 || accounts[0].Account.Username != "svc-backup" || !accounts[0].CheckoutDetails.CheckoutRequired ||
			accounts[0].Account.AvailabilityStatus != pam.ADAvailable {
			t.Fatalf("a's accounts %+v", accounts)
		}
		methods, err := e.users["a"].ListADAccountAccessMethods(e.ctx, e.connID, e.accountID)
		e.must(err)
		if len(methods) != 1 || len(methods[0].Details.Privileges) != 2 || !methods[0].CheckoutRequirements.Required ||
			methods[0].CheckoutRequirements.MaxSeconds != 900 {
			t.Fatalf("a's access methods %+v", methods)
		}
		if ds, err := e.users["c"].ListADDomains(e.ctx); err != nil || len(ds) != 0 {
			t.Fatalf("c's domains %+v %v", ds, err)
		}
		_, err = e.users["c"].GetADAccountEndUser(e.ctx, e.connID, e.accountID)
		wantStatus(t, err, http.StatusNotFound)
		_, err = e.reveal("c")
		wantStatus(t, err, http.StatusForbidden)

		// a's reveal sets the first password, checks the account out and shows the directory's.
		first, err := e.reveal("a")
		e.must(err)
		e.checkPassword(first)
		mine, err := e.users["a"].GetADAccountEndUser(e.ctx, e.connID, e.accountID)
		e.must(err)
		if mine.Account.AvailabilityStatus != pam.ADCheckedOut || mine.CheckoutDetails.CurrentUserCheckoutExpiresAt == "" {
			t.Fatalf("a's account %+v", mine)
		}
		if again, err := e.reveal("a"); err != nil || again != first {
			t.Fatalf("a's second reveal %v, same password %v", err, again == first)
		}
		_, err = e.reveal("b")
		wantStatus(t, err, http.StatusPreconditionFailed)
		err = e.users["b"].RotateADAccountPassword(e.ctx, e.connID, e.accountID)
		wantStatus(t, err, http.StatusPreconditionFailed)
		d := e.details()
		if d.CheckoutStatus != "checked_out" || d.CheckoutExpiryAt == "" || d.LastCheckoutUser != "a" ||
			d.NextScheduledPasswordRotationReason != pam.NextRotationCheckoutExpiry || d.NextScheduledPasswordRotationAt != d.CheckoutExpiryAt {
			t.Fatalf("details while out %+v", d)
		}

		// The spec's checkout lists leave AD checkouts out; asked for by type, they are listed.
		if l, err := e.users["a"].ListCheckedOutResources(e.ctx, client.CheckoutQuery{}); err != nil || len(l) != 0 {
			t.Fatalf("a's spec checkouts %+v %v", l, err)
		}
		// The AD resource type is keyward's own, so the response is read without the spec's checks.
		plain := client.NewOPAWithToken(e.s.URL, "acme", mustToken(e, "a"), client.WithHTTPClient(http.DefaultClient))
		l, err := plain.ListCheckedOutResources(e.ctx, client.CheckoutQuery{ResourceType: client.ResourceADAccountPassword})
		e.must(err)
		if len(l) != 1 || l[0].ResourceID != e.accountID || l[0].ResourceName != "svc-backup" {
			t.Fatalf("a's AD checkouts %+v", l)
		}

		// a checks it in: the rotation completes at once with a new password in the directory.
		e.must(e.users["a"].CheckinResourceOfType(e.ctx, client.ResourceADAccountPassword, e.accountID))
		if c := e.state(); c.State != store.CheckoutAvailable || c.CheckinType != pam.CheckinSelf {
			t.Fatalf("after check-in %+v", c)
		}
		second, err := e.reveal("b")
		e.must(err)
		e.checkPassword(second, first)

		// An admin forces b's check-in.
		e.must(e.opa.AdminCheckinResourceOfType(e.ctx, e.rgID, e.prID, client.ResourceADAccountPassword, e.accountID))
		third, err := e.reveal("a")
		e.must(err)
		e.checkPassword(third, second)
		if c := e.state(); c.State != store.CheckoutCheckedOut || c.UserID != e.userID("a") {
			t.Fatalf("a's checkout after the admin's check-in %+v", c)
		}

		// a's checkout expires on the virtual clock: checked in as expired and rotated.
		_, err = e.s.Client.AdvanceClock(e.ctx, 901*time.Second)
		e.must(err)
		waitUntil(t, "the expiry", func() (int, bool) {
			c := e.state()
			return c.Version, c.State == store.CheckoutAvailable && c.CheckinType == pam.CheckinExpired
		})
		fourth := e.inDirectory()
		if fourth == third {
			t.Fatal("the expiry did not rotate the password")
		}

		// A directory refusing changes: b's rotation fails, is reported and retried with back-off.
		e.must(e.s.Client.SetDirectoryFailure(e.ctx, "acme", "domain controller unreachable"))
		e.must(e.users["b"].RotateADAccountPassword(e.ctx, e.connID, e.accountID))
		c := e.state()
		if c.State != store.CheckoutPendingCheckin || c.RotationFails != 1 || c.ErrorType != pam.ErrorDirectoryRejected {
			t.Fatalf("after a refused rotation %+v", c)
		}
		if e.inDirectory() != fourth {
			t.Fatal("a refused rotation changed the directory")
		}
		_, err = e.reveal("a")
		wantStatus(t, err, http.StatusPreconditionFailed)
		d = e.details()
		if d.CheckoutStatus != "unavailable" || d.LastPasswordChangeErrorType != pam.ErrorDirectoryRejected ||
			d.PasswordChangeErrorCount != 1 || d.PasswordChangeErrorCountSinceLastGood != 1 ||
			d.NextScheduledPasswordRotationReason != pam.NextRotationRetry {
			t.Fatalf("details after a failure %+v", d)
		}
		_, err = e.s.Client.AdvanceClock(e.ctx, 61*time.Second) // the first retry, still refused
		e.must(err)
		waitUntil(t, "the first retry", func() (int, bool) {
			c := e.state()
			return c.RotationFails, c.RotationFails == 2
		})
		e.must(e.s.Client.SetDirectoryFailure(e.ctx, "acme", ""))
		_, err = e.s.Client.AdvanceClock(e.ctx, 121*time.Second) // the second retry, after twice the wait
		e.must(err)
		waitUntil(t, "the rotation after the directory recovered", func() (int, bool) {
			c := e.state()
			return c.Version, c.State == store.CheckoutAvailable
		})
		fifth, err := e.reveal("a")
		e.must(err)
		e.checkPassword(fifth, fourth)
		d = e.details()
		if d.PasswordChangeErrorCount != 2 || d.PasswordChangeErrorCountSinceLastGood != 0 || d.PasswordChangeSuccessCount != 5 {
			t.Fatalf("details after recovery %+v", d)
		}

		// The project's admins see a's AD checkout when they ask for the type.
		admin := client.NewOPA(e.s.URL, "acme", "key-1", opaSecret, client.WithHTTPClient(http.DefaultClient))
		held, err := admin.ListProjectCheckedOutResources(e.ctx, e.rgID, e.prID, client.CheckoutQuery{ResourceType: client.ResourceADAccountPassword})
		e.must(err)
		if len(held) != 1 || held[0].CheckoutByUsername != "a" || held[0].ResourceStatus != "checked_out" {
			t.Fatalf("the project's AD checkouts %+v", held)
		}
		if l, err := e.opa.ListProjectCheckedOutResources(e.ctx, e.rgID, e.prID, client.CheckoutQuery{}); err != nil || len(l) != 0 {
			t.Fatalf("the project's spec checkouts %+v %v", l, err)
		}

		// a, holding the account, leaves the group: the checkout ends as lost access and rotates.
		e.must(e.opa.RemoveUserFromGroup(e.ctx, "g", "a"))
		if c := e.state(); c.State != store.CheckoutAvailable || c.CheckinType != pam.CheckinUserLostAccess {
			t.Fatalf("after a lost access %+v", c)
		}
		if e.inDirectory() == fifth {
			t.Fatal("losing access did not rotate the password")
		}
		_, err = e.reveal("a")
		wantStatus(t, err, http.StatusForbidden)

		// The security admin sees every account of the team, filtered.
		all, err := e.opa.ListAllADAccounts(e.ctx, nil)
		e.must(err)
		shared, err := e.opa.ListAllADAccounts(e.ctx, url.Values{"contains": {"PRINT"}, "ad_account_type": {pam.ADShared}})
		e.must(err)
		if len(all) != 2 || len(shared) != 1 || shared[0].AccountName != "svc-print" {
			t.Fatalf("all %+v, filtered %+v", all, shared)
		}
	})
}

func mustToken(e *adEnv, user string) string {
	ut, err := e.s.Client.MintUserToken(e.ctx, "acme", user)
	e.must(err)
	return ut.BearerToken
}

func (e *adEnv) userID(name string) string {
	u, err := e.s.App.Store().GetOPAUserByName(e.ctx, e.teamID, name)
	e.must(err)
	return u.ID
}
