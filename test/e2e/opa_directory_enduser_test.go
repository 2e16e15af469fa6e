package e2e

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/vault"
)

// TestOPAActiveDirectoryEndUser is an end user's view of AD accounts a policy grants, its reveal
// without checkout, and the security admins' lists, every answer checked against the specs.
func TestOPAActiveDirectoryEndUser(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, sec *client.OPA) {
		ctx := context.Background()
		f, alice := newADRevealFixture(t, o, sec)

		domains, err := alice.ListADDomains(ctx)
		noErr(t, err)
		accounts, err := alice.ListADAccountsEndUser(ctx, f.conn.ID)
		noErr(t, err)
		if len(domains) != 1 || len(accounts) != 1 || accounts[0].Account.Username != "alice" || accounts[0].CheckoutDetails.CheckoutRequired {
			t.Fatalf("alice's domains %+v, accounts %+v", domains, accounts)
		}
		id := accounts[0].Account.ID
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		noErr(t, err)
		jwk, err := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: "RSA-OAEP-256", Use: "enc"}.MarshalJSON()
		noErr(t, err)
		jwe, err := alice.RevealADAccountPassword(ctx, f.conn.ID, id, "password", jwk)
		noErr(t, err)
		pw, err := vault.Decrypt(jwe, key)
		noErr(t, err)
		current, _, err := o.s.Client.DirectoryPassword(ctx, "acme", id)
		noErr(t, err)
		if string(pw) != current {
			t.Fatal("the revealed password is not the directory's")
		}
		detail, err := alice.GetADAccountEndUser(ctx, f.conn.ID, id)
		noErr(t, err)
		if detail.Account.AvailabilityStatus != pam.ADAvailable || detail.Rotation == nil || detail.Rotation.Successes != 1 {
			t.Fatalf("alice's account %+v", detail)
		}
		err = alice.RotateADAccountPassword(ctx, f.conn.ID, id) // reveal_password only
		if client.StatusCode(err) != http.StatusForbidden {
			t.Fatalf("rotate without rotate_password: %v", err)
		}
		_, err = alice.RevealADAccountPassword(ctx, f.conn.ID, id, "password", nil)
		if client.StatusCode(err) != http.StatusBadRequest {
			t.Fatalf("reveal without a public key: %v", err)
		}

		all, err := sec.ListAllADAccounts(ctx, nil)
		noErr(t, err)
		shared, err := sec.ListAllADAccounts(ctx, url.Values{"ad_account_type": {pam.ADShared}, "ad_connection_id": {f.conn.ID}})
		noErr(t, err)
		if len(all) != 6 || len(shared) != 1 || shared[0].AccountName != "svc-backup" {
			t.Fatalf("all %d, shared %+v", len(all), shared)
		}
		_, err = sec.ListAllADAccounts(ctx, url.Values{"ad_account_type": {"BOTH"}})
		if client.StatusCode(err) != http.StatusBadRequest {
			t.Fatalf("a bad account type: %v", err)
		}
	})
}

// newADRevealFixture is the AD fixture synced, with a policy granting the group "people" (alice)
// reveal_password on their own individual accounts of corp.example, and alice's OPA client.
func newADRevealFixture(t *testing.T, o *opaTeam, sec *client.OPA) (adFixture, *client.OPA) {
	t.Helper()
	ctx := context.Background()
	f := newADFixture(t, o)
	noErr(t, f.res.ForceSyncAD(ctx, f.conn.ID))
	_, err := o.svc.CreateGroup(ctx, o.team.Team.ID, "people", nil)
	noErr(t, err)
	noErr(t, o.svc.AddMember(ctx, o.team.Team.ID, "people", "alice"))
	g, err := o.svc.Group(ctx, o.team.Team.ID, "people")
	noErr(t, err)
	selector, err := json.Marshal(map[string]any{"_type": "active_directory_based_resource", "selectors": []any{map[string]any{
		"selector_type": "active_directory", "selector": map[string]any{"_type": "active_directory",
			"individual_accounts": map[string]any{"by_domain": []string{"corp.example"}}}}}})
	noErr(t, err)
	_, err = sec.CreateSecurityPolicy(ctx, client.SecurityPolicy{Name: "own accounts", Active: true,
		Principals:    client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{{ID: g.ID}}},
		ResourceGroup: &client.NamedObject{ID: o.rg.ID},
		Rules: []client.SecurityPolicyRule{{Name: "individual", ResourceType: pam.ActiveDirectoryBasedResource, ResourceSelector: selector,
			Privileges: []client.SecurityPolicyPrivilege{client.Grant("reveal_password")}}}})
	noErr(t, err)
	tok, err := o.s.Client.MintUserToken(ctx, "acme", "alice")
	noErr(t, err)
	alice := client.NewOPAWithToken(o.s.URL, "acme", tok.BearerToken, client.WithHTTPClient(o.s.HTTP))
	return f, alice
}
