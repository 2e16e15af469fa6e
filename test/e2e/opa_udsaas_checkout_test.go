package e2e

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/vault"
)

// TestOPAUDSaaSCredentials calls every credential operation of UD and SaaS accounts as an end
// user, every answer checked against the spec: user access methods, reveal (checking out),
// rotation, the update of a SaaS account's password, and the checkout lists showing both kinds.
func TestOPAUDSaaSCredentials(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, sec *client.OPA) {
		ctx := context.Background()
		f := newUDSaaSFixture(t, o)
		rg, proj := o.rg.ID, o.project.ID
		staged := f.staged(t, nil)
		for _, name := range []string{"deploy", "ci bot", "read only"} {
			noErr(t, f.res.AssignStagedServiceAccount(ctx, staged[name].ID, proj, true))
		}
		dep, ci, reader := staged["deploy"].ID, staged["ci bot"].ID, staged["read only"].ID
		noErr(t, sec.UpdateServiceAccountCheckoutSettings(ctx, client.SaaSApps, rg, proj, client.ServiceAccountCheckoutSettings{
			CheckoutRequired: true, CheckoutDurationInSeconds: 3600, IncludeList: []client.ServiceAccountRef{}, ExcludeList: []client.ServiceAccountRef{}}))

		ops, err := o.svc.CreateGroup(ctx, o.team.Team.ID, "ops", nil)
		noErr(t, err)
		eve := o.client("eve", map[string][]string{"ops": nil})
		rule := func(typ, selType, id string, privileges ...string) client.SecurityPolicyRule {
			raw, _ := json.Marshal(map[string]any{"_type": typ, "selectors": []any{map[string]any{"selector_type": selType,
				"selector": map[string]any{"_type": selType, "service_account": map[string]any{"id": id}}}}})
			r := client.SecurityPolicyRule{Name: selType, ResourceType: typ, ResourceSelector: raw}
			for _, p := range privileges {
				r.Privileges = append(r.Privileges, client.Grant(p))
			}
			return r
		}
		_, err = sec.CreateSecurityPolicy(ctx, client.SecurityPolicy{Name: "service accounts", Active: true,
			Principals:    client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{{ID: ops.ID, Type: "user_group"}}},
			ResourceGroup: &client.NamedObject{ID: rg},
			Rules: []client.SecurityPolicyRule{
				rule(pam.OktaAppBasedResource, pam.SelectIndividualOktaAccount, dep, "reveal_password", "rotate_password"),
				rule(pam.ManagedSaaSAppBasedResource, pam.SelectIndividualManagedSaaS, ci, "reveal_password", "rotate_password", "update_password"),
				rule(pam.UnmanagedSaaSAppBasedResource, pam.SelectIndividualUnmanagedSaaS, reader, "reveal_password", "update_password")}})
		noErr(t, err)

		key, err := rsa.GenerateKey(rand.Reader, 2048)
		noErr(t, err)
		jwk, err := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: "RSA-OAEP-256", Use: "enc"}.MarshalJSON()
		noErr(t, err)
		reveal := func(appID, id string) string {
			t.Helper()
			jwe, err := eve.RevealServiceAccountPassword(ctx, appID, id, jwk)
			noErr(t, err)
			pw, err := vault.Decrypt(jwe, key)
			noErr(t, err)
			return string(pw)
		}

		// User access methods: the spec's privileges (rotate_password is not among them).
		for _, c := range []struct {
			appID, id string
			want      int
			checkout  bool
		}{{"", dep, 1, false}, {f.appID, ci, 2, true}, {f.appID, reader, 2, false}} {
			m, err := eve.ListServiceAccountAccessMethods(ctx, c.appID, c.id)
			noErr(t, err)
			if len(m) != 1 || len(m[0].Details.Privileges) != c.want || m[0].CheckoutRequirements.Required != c.checkout || m[0].Details.AccountID != c.id {
				t.Fatalf("access methods of %s: %+v", c.id, m)
			}
		}

		// UD: revealed without a checkout (none required), rotated.
		first := reveal("", dep)
		noErr(t, eve.RotateServiceAccountPassword(ctx, "", dep))
		if again := reveal("", dep); again == first {
			t.Fatal("the UD rotation kept the password")
		}

		// SaaS: the reveal checks ci bot out; the lists show it with its app, both kinds of list.
		reveal(f.appID, ci)
		for _, q := range []client.CheckoutQuery{{}, {ResourceType: client.ResourceSaaSAccountPassword}} {
			l, err := eve.ListCheckedOutResources(ctx, q)
			noErr(t, err)
			if len(l) != 1 || l[0].ResourceID != ci || (q.ResourceType != "" && l[0].ResourceDetails.AppName != "GitHub Prod") {
				t.Fatalf("eve's checkouts (%+v) %+v", q, l)
			}
			l, err = f.res.ListProjectCheckedOutResources(ctx, rg, proj, q)
			noErr(t, err)
			if len(l) != 1 || l[0].CheckoutByUsername != "eve" {
				t.Fatalf("the project's checkouts (%+v) %+v", q, l)
			}
		}
		if l, err := eve.ListCheckedOutResources(ctx, client.CheckoutQuery{ResourceType: client.ResourceUDAccountPassword}); err != nil || len(l) != 0 {
			t.Fatalf("eve's UD checkouts %+v %v", l, err)
		}
		keys, err := eve.VaultJWKS(ctx)
		noErr(t, err)
		var teamKey jose.JSONWebKey
		noErr(t, teamKey.UnmarshalJSON(keys[0]))
		sealed := func(pw string) string {
			jwe, err := vault.Encrypt(teamKey, jose.ECDH_ES, []byte(pw))
			noErr(t, err)
			return jwe
		}
		noErr(t, eve.UpdateSaaSAccountPassword(ctx, f.appID, ci, sealed("set-by-eve-0123456789")))
		if got := reveal(f.appID, ci); got != "set-by-eve-0123456789" {
			t.Fatalf("after the update %q", got)
		}
		noErr(t, eve.RotateServiceAccountPassword(ctx, f.appID, ci)) // her own checkout: checked in and rotated
		if l, err := eve.ListCheckedOutResources(ctx, client.CheckoutQuery{}); err != nil || len(l) != 0 {
			t.Fatalf("eve's checkouts after the rotation %+v %v", l, err)
		}

		// The unmanaged account keeps what a user stores; it is never rotated.
		noErr(t, eve.UpdateSaaSAccountPassword(ctx, f.appID, reader, sealed("the-readers-password")))
		if got := reveal(f.appID, reader); got != "the-readers-password" {
			t.Fatalf("the unmanaged account's password %q", got)
		}
		err = f.res.RotateResourceOfType(ctx, rg, proj, client.ResourceSaaSAccountPassword, reader)
		wantStatus(t, err, http.StatusPreconditionFailed, "")

		// A SaaS account through another app, or the other kind's path, is 404.
		_, err = eve.ListServiceAccountAccessMethods(ctx, f.appID, dep)
		wantStatus(t, err, http.StatusNotFound, "")
		_, err = eve.ListServiceAccountAccessMethods(ctx, "", ci)
		wantStatus(t, err, http.StatusNotFound, "")
		carol := o.client("carol", nil)
		_, err = carol.RevealServiceAccountPassword(ctx, "", dep, jwk)
		wantStatus(t, err, http.StatusForbidden, "")
		err = carol.UpdateSaaSAccountPassword(ctx, f.appID, ci, sealed("x"))
		wantStatus(t, err, http.StatusForbidden, "")
	})
}

// TestOPAUDSaaSCredentialsRefuseBadInput: a bad body is a 400 naming the field.
func TestOPAUDSaaSCredentialsRefuseBadInput(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, _ *client.OPA) {
		ctx := context.Background()
		f := newUDSaaSFixture(t, o)
		staged := f.staged(t, nil)
		noErr(t, f.res.AssignStagedServiceAccount(ctx, staged["ci bot"].ID, o.project.ID, true))
		noErr(t, f.res.AssignStagedServiceAccount(ctx, staged["deploy"].ID, o.project.ID, true))
		_, err := o.svc.CreateGroup(ctx, o.team.Team.ID, "ops", nil)
		noErr(t, err)
		token := o.bearerIn(t, "frank", "ops")
		ud := "/okta_universal_directory_accounts/" + staged["deploy"].ID
		saas := "/saas_apps/" + f.appID + "/accounts/" + staged["ci bot"].ID
		method := `{"access_credential":"password","identity":"","brokered":false,"user_access_type":"service_account",` +
			`"resource_status":"available","server_host_name":"","sudo_display_name":"","rule_ids":[]}`
		for _, c := range []struct{ method, path, body, field string }{
			{"POST", ud + "/reveal_credentials", `{"user_access_method":` + method + `}`, "public_key"},
			{"POST", ud + "/reveal_credentials", `{"public_key":{"kty":"oct"},"user_access_method":` + method + `}`, "public_key"},
			{"POST", saas + "/reveal_credentials", `{"public_key":{}}`, "user_access_method"},
			{"POST", ud + "/rotate_password", `{"user_access_method":` + method + `}`, "password_jwe"},
			{"POST", saas + "/rotate_password", `{"password_jwe":""}`, "user_access_method"},
			{"PUT", saas + "/credentials", `{"password_jwe":"","user_access_method":` + method + `}`, "password_jwe"},
			{"PUT", saas + "/credentials", `{"password_jwe":"not.a.jwe.at.all","user_access_method":` + method + `}`, "password_jwe"},
			{"PUT", saas + "/credentials", `{"password_jwe":7}`, "password_jwe"},
		} {
			status, body := sendOPABody(t, o, token, c.method, c.path, c.body)
			if status != http.StatusBadRequest || !strings.Contains(string(body), c.field) {
				t.Errorf("%s %s %s: %d %s, want 400 naming %s", c.method, c.path, c.body, status, body, c.field)
			}
		}
	})
}

// sendOPABody is sendOPA with a JSON body.
func sendOPABody(t *testing.T, o *opaTeam, token, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, o.s.URL+"/v1/teams/"+o.team.Team.Name+path, strings.NewReader(body))
	noErr(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := o.s.HTTP.Do(req)
	noErr(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	noErr(t, err)
	return resp.StatusCode, out
}
