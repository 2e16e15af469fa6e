package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// udsaasFixture is a team with a SaaS app instance and Universal Directory accounts fed through
// the admin API, and a resource admin's client.
type udsaasFixture struct {
	o     *opaTeam
	res   *client.OPA
	appID string
}

func newUDSaaSFixture(t *testing.T, o *opaTeam) udsaasFixture {
	ctx := context.Background()
	f := udsaasFixture{o: o, res: o.client("res", map[string][]string{"resources": {pam.RoleResourceAdmin}})}
	app, err := o.s.Client.PutSaaSApp(ctx, "acme", client.SaaSAppFeed{ID: "0oaGitHub1", Name: "GitHub Prod", GlobalAppName: "GitHub",
		LoginURL: "https://github.example/login", LogoURL: "https://logos.example/github.png"})
	noErr(t, err)
	f.appID = app.ID
	sum, err := o.s.Client.FeedSaaSAppAccounts(ctx, "acme", app.ID, []client.ServiceAccountEntry{
		{ID: "app1", Name: "ci bot", Username: "ci-bot", Description: "pushes releases", LcmSyncPossible: true},
		{ID: "app2", Name: "read only", Username: "reader"}})
	noErr(t, err)
	if sum.Added != 2 {
		t.Fatalf("saas feed %+v", sum)
	}
	_, err = o.s.Client.FeedUDAccounts(ctx, "acme", []client.ServiceAccountEntry{
		{ID: "00uDeploy", Name: "deploy", Username: "deploy@acme.example", LcmSyncPossible: true},
		{ID: "00uAudit", Name: "audit", Username: "audit@acme.example"}})
	noErr(t, err)
	return f
}

// staged lists the staged accounts by name.
func (f udsaasFixture) staged(t *testing.T, managed *bool, apps ...string) map[string]client.ServiceAccount {
	t.Helper()
	l, err := f.res.ListStagedServiceAccounts(context.Background(), managed, apps...)
	noErr(t, err)
	out := map[string]client.ServiceAccount{}
	for _, a := range l {
		out[a.Name] = a
	}
	return out
}

func sortedBy[T any](items []T, name func(T) string) []string {
	out := make([]string, len(items))
	for i, x := range items {
		out[i] = name(x)
	}
	slices.Sort(out)
	return out
}

// TestOPAUniversalDirectoryAndSaaSAccounts feeds an app instance and UD accounts, stages and
// assigns them, lists them per project with their settings, and shows them to end users as
// their security policies allow.
func TestOPAUniversalDirectoryAndSaaSAccounts(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, sec *client.OPA) {
		ctx := context.Background()
		f := newUDSaaSFixture(t, o)
		res, rg, proj := f.res, o.rg.ID, o.project.ID

		apps, err := res.ListSaaSAppInstances(ctx, client.ListOptions{Contains: "github"})
		noErr(t, err)
		if len(apps) != 1 || apps[0].AppInstanceID != "0oaGitHub1" || apps[0].PasswordRotationStrategy != "USING_ADMIN" ||
			apps[0].AppInstanceORN != "orn:okta:idp:acme:apps:github:0oaGitHub1" || apps[0].TeamID != o.team.Team.ID {
			t.Fatalf("app instances %+v", apps)
		}
		patched, err := res.PatchSaaSAppInstance(ctx, f.appID, "USING_EXISTING_PASSWORD")
		noErr(t, err)
		if patched.PasswordRotationStrategy != "USING_EXISTING_PASSWORD" {
			t.Fatalf("patched %+v", patched)
		}
		_, err = res.PatchSaaSAppInstance(ctx, f.appID, "NEVER")
		wantStatus(t, err, http.StatusBadRequest, "password_rotation_strategy")
		if got, err := res.GetSaaSAppInstance(ctx, f.appID); err != nil || got.PasswordRotationStrategy != "USING_EXISTING_PASSWORD" {
			t.Fatalf("after a refused patch %+v %v", got, err)
		}
		_, err = res.GetSaaSAppInstance(ctx, "0oaNone")
		wantStatus(t, err, http.StatusNotFound, "")

		staged := f.staged(t, nil)
		if len(staged) != 4 || staged["ci bot"].ApplicationInstanceName != "GitHub Prod" || staged["deploy"].ApplicationInstanceName != pam.UDAppName ||
			!staged["deploy"].LcmSyncPossible || staged["read only"].LcmSyncPossible {
			t.Fatalf("staged %+v", staged)
		}
		if got := f.staged(t, ptrTo(true)); len(got) != 2 || got["ci bot"].ID == "" || got["deploy"].ID == "" {
			t.Fatalf("staged managed %+v", got)
		}
		if got := f.staged(t, nil, f.appID); len(got) != 2 || got["read only"].ID == "" {
			t.Fatalf("staged of the app %+v", got)
		}

		// Bad input is refused naming the field, and assigns nothing.
		resToken := o.bearerIn(t, "res-raw", "resources")
		err = res.AssignStagedServiceAccount(ctx, staged["deploy"].ID, "no-such-project", false)
		wantStatus(t, err, http.StatusNotFound, "")
		status, body := sendOPA(t, o, resToken, http.MethodPut, "/resource_assignment/universal_directory/accounts/"+staged["deploy"].ID+
			"/assign/"+proj+"?skipRotation=maybe")
		if status != http.StatusBadRequest || !json.Valid(body) || !strings.Contains(string(body), "skipRotation") {
			t.Fatalf("skipRotation=maybe: %d %s", status, body)
		}
		if len(f.staged(t, nil)) != 4 {
			t.Fatal("a refused assignment staged fewer accounts")
		}

		noErr(t, res.AssignStagedServiceAccount(ctx, staged["deploy"].ID, proj, false))
		noErr(t, res.AssignStagedServiceAccount(ctx, staged["deploy"].ID, proj, false)) // again: nothing changes
		noErr(t, res.AssignStagedServiceAccount(ctx, staged["audit"].ID, proj, false))
		noErr(t, res.AssignStagedServiceAccount(ctx, staged["ci bot"].ID, proj, true))
		noErr(t, res.AssignStagedServiceAccount(ctx, staged["read only"].ID, proj, false))
		if got := f.staged(t, nil); len(got) != 0 {
			t.Fatalf("still staged %+v", got)
		}
		other, err := o.svc.CreateProject(ctx, o.team.Team.ID, rg, pam.ProjectInput{Name: ptrTo("other")})
		noErr(t, err)
		err = res.AssignStagedServiceAccount(ctx, staged["deploy"].ID, other.ID, false)
		wantStatus(t, err, http.StatusConflict, "")

		// The initial rotation is requested unless skipped, and only for a managed account.
		for name, want := range map[string]bool{"deploy": true, "audit": false} {
			d, err := res.GetProjectServiceAccount(ctx, client.UniversalDirectory, rg, proj, staged[name].ID)
			noErr(t, err)
			if (d.NextRotationAt != "") != want || d.CheckoutStatus != "available" || d.ProjectID != proj || d.AccountName != name ||
				d.TeamID != o.team.Team.ID || d.CheckoutExpiryAt != "" || d.LastCheckoutUser != "" {
				t.Fatalf("%s details %+v", name, d)
			}
		}
		ci, err := res.GetProjectServiceAccount(ctx, client.SaaSApps, rg, proj, staged["ci bot"].ID)
		noErr(t, err)
		if ci.NextRotationAt != "" || ci.Username != "ci-bot" {
			t.Fatalf("ci bot (skipRotation) %+v", ci)
		}
		_, err = res.GetProjectServiceAccount(ctx, client.SaaSApps, rg, proj, staged["deploy"].ID) // a UD account is no SaaS one
		wantStatus(t, err, http.StatusNotFound, "")

		// Project lists, with contains and managed.
		udList, err := res.ListProjectServiceAccounts(ctx, client.UniversalDirectory, rg, proj, client.ListOptions{})
		noErr(t, err)
		if got := sortedBy(udList, func(a client.ServiceAccount) string { return a.Name }); !slices.Equal(got, []string{"audit", "deploy"}) {
			t.Fatalf("project UD accounts %v", got)
		}
		saasList, err := res.ListProjectServiceAccounts(ctx, client.SaaSApps, rg, proj, client.ListOptions{Contains: "BOT"})
		noErr(t, err)
		if len(saasList) != 1 || saasList[0].ApplicationInstanceID != f.appID || saasList[0].ApplicationInstanceName != "GitHub Prod" ||
			saasList[0].Description != "pushes releases" || len(saasList[0].AccountSettingsEnabled) != 0 {
			t.Fatalf("project SaaS accounts containing bot %+v", saasList)
		}
		status, body = sendOPA(t, o, resToken, http.MethodGet, "/resource_groups/"+rg+"/projects/"+proj+"/saas_app_accounts?managed=false")
		if status != http.StatusOK || !strings.Contains(string(body), `"read only"`) || strings.Contains(string(body), `"ci bot"`) {
			t.Fatalf("managed=false: %d %s", status, body)
		}

		// Checkout and password settings name accounts by id and resolve them.
		noErr(t, sec.UpdateServiceAccountCheckoutSettings(ctx, client.SaaSApps, rg, proj, client.ServiceAccountCheckoutSettings{
			CheckoutRequired: true, CheckoutDurationInSeconds: 3600,
			IncludeList: []client.ServiceAccountRef{{ID: staged["ci bot"].ID}, {ID: "8a4c2f61-0b5e-4d7a-9c3b-2e1f0a9b8c7d"}}}))
		cs, err := res.GetServiceAccountCheckoutSettings(ctx, client.SaaSApps, rg, proj)
		noErr(t, err)
		if !cs.CheckoutRequired || cs.CheckoutDurationInSeconds != 3600 || len(cs.IncludeList) != 2 || *cs.IncludeList[0].Missing ||
			cs.IncludeList[0].SaasAppInstanceName != "GitHub Prod" || cs.IncludeList[0].ServiceAccountUser != "ci-bot" || !*cs.IncludeList[1].Missing {
			t.Fatalf("saas checkout settings %+v", cs)
		}
		err = sec.UpdateServiceAccountCheckoutSettings(ctx, client.UniversalDirectory, rg, proj, client.ServiceAccountCheckoutSettings{
			CheckoutRequired: true, CheckoutDurationInSeconds: 60})
		wantStatus(t, err, http.StatusBadRequest, "checkout_duration_in_seconds")
		if got, err := res.GetServiceAccountCheckoutSettings(ctx, client.UniversalDirectory, rg, proj); err != nil || got.CheckoutRequired {
			t.Fatalf("UD settings after a refused PUT %+v %v", got, err)
		}
		err = res.UpdateServiceAccountCheckoutSettings(ctx, client.UniversalDirectory, rg, proj, client.ServiceAccountCheckoutSettings{CheckoutDurationInSeconds: 900})
		wantStatus(t, err, http.StatusUnauthorized, "") // a resource admin reads checkout settings, a security admin writes them

		pol := client.ServiceAccountPasswordPolicy{PasswordPolicy: client.PasswordPolicy{MinLengthInBytes: 20, MaxLengthInBytes: 30,
			EnablePeriodicRotation: true, PeriodicRotationDurationInSeconds: 86400,
			CharacterOptions: client.PasswordCharacterOptions{UpperCase: true, LowerCase: true, Digits: true}},
			PeriodicRotationAccountSelectorMode: "INCLUDE", PeriodicRotationAccountIncludeList: []client.ServiceAccountRef{{ID: staged["deploy"].ID}}}
		got, err := res.UpdateServiceAccountPasswordPolicy(ctx, client.UniversalDirectory, rg, proj, pol)
		noErr(t, err)
		if got.ModifiedAt == nil || got.PeriodicRotationAccountSelectorMode != "INCLUDE" || len(got.PeriodicRotationAccountIncludeList) != 1 ||
			got.PeriodicRotationAccountIncludeList[0].ServiceAccountUser != "deploy@acme.example" || got.PeriodicRotationAccountIncludeList[0].SaasAppInstanceName != "" {
			t.Fatalf("UD password policy %+v", got)
		}
		pol.PeriodicRotationAccountSelectorMode = "SOME"
		_, err = res.UpdateServiceAccountPasswordPolicy(ctx, client.UniversalDirectory, rg, proj, pol)
		wantStatus(t, err, http.StatusBadRequest, "periodic_rotation_account_selector_mode")
		if again, err := res.GetServiceAccountPasswordPolicy(ctx, client.UniversalDirectory, rg, proj); err != nil || again.PeriodicRotationAccountSelectorMode != "INCLUDE" {
			t.Fatalf("UD policy after a refused PUT %+v %v", again, err)
		}
		if saasPol, err := res.GetServiceAccountPasswordPolicy(ctx, client.SaaSApps, rg, proj); err != nil || saasPol.EnablePeriodicRotation ||
			saasPol.PeriodicRotationAccountSelectorMode != "ALL" {
			t.Fatalf("SaaS policy default %+v %v", saasPol, err)
		}
		udList, err = res.ListProjectServiceAccounts(ctx, client.UniversalDirectory, rg, proj, client.ListOptions{Contains: "deploy"})
		noErr(t, err)
		if len(udList) != 1 || !slices.Equal(udList[0].AccountSettingsEnabled, []string{pam.SettingRotationSchedule}) {
			t.Fatalf("deploy with settings %+v", udList)
		}
		saasList, err = res.ListProjectServiceAccounts(ctx, client.SaaSApps, rg, proj, client.ListOptions{Contains: "ci"})
		noErr(t, err)
		if len(saasList) != 1 || !slices.Equal(saasList[0].AccountSettingsEnabled, []string{pam.SettingCheckout}) {
			t.Fatalf("ci bot with settings %+v", saasList)
		}

		// Security admins list every assigned account, of the team or of a resource group.
		allSaaS, err := sec.ListAllServiceAccounts(ctx, client.SaaSApps, "", ptrTo(true), client.ListOptions{})
		noErr(t, err)
		if got := sortedBy(allSaaS, func(a client.ServiceAccount) string { return a.Name }); !slices.Equal(got, []string{"ci bot"}) {
			t.Fatalf("all managed SaaS accounts %v", got)
		}
		allUD, err := sec.ListAllServiceAccounts(ctx, client.UniversalDirectory, rg, nil, client.ListOptions{Count: 1})
		noErr(t, err)
		if got := sortedBy(allUD, func(a client.ServiceAccount) string { return a.Name }); !slices.Equal(got, []string{"audit", "deploy"}) {
			t.Fatalf("all UD accounts of the resource group, a page at a time %v", got)
		}

		// End users see the accounts their policies name, and the apps of those.
		ops, err := o.svc.CreateGroup(ctx, o.team.Team.ID, "ops", nil)
		noErr(t, err)
		eve := o.client("eve", map[string][]string{"ops": nil})
		if l, err := eve.ListMyUDAccounts(ctx, client.ListOptions{}); err != nil || len(l) != 0 {
			t.Fatalf("eve before a policy %+v %v", l, err)
		}
		selector := func(typ, selType, id string) json.RawMessage {
			raw, _ := json.Marshal(map[string]any{"_type": typ, "selectors": []any{map[string]any{"selector_type": selType,
				"selector": map[string]any{"_type": selType, "service_account": map[string]any{"id": id}}}}})
			return raw
		}
		_, err = sec.CreateSecurityPolicy(ctx, client.SecurityPolicy{Name: "bad selector", Active: true,
			Principals:    client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{{ID: ops.ID, Type: "user_group"}}},
			ResourceGroup: &client.NamedObject{ID: rg},
			Rules: []client.SecurityPolicyRule{{Name: "deploy", ResourceType: pam.OktaAppBasedResource,
				ResourceSelector: selector(pam.OktaAppBasedResource, pam.SelectIndividualOktaAccount, ""),
				Privileges:       []client.SecurityPolicyPrivilege{client.Grant("reveal_password")}}}})
		wantStatus(t, err, http.StatusBadRequest, "rules[0].resource_selector.selectors[0].selector.service_account.id")
		_, err = sec.CreateSecurityPolicy(ctx, client.SecurityPolicy{Name: "service accounts", Active: true,
			Principals:    client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{{ID: ops.ID, Type: "user_group"}}},
			ResourceGroup: &client.NamedObject{ID: rg},
			Rules: []client.SecurityPolicyRule{
				{Name: "deploy", ResourceType: pam.OktaAppBasedResource, ResourceSelector: selector(pam.OktaAppBasedResource, pam.SelectIndividualOktaAccount, staged["deploy"].ID),
					Privileges: []client.SecurityPolicyPrivilege{client.Grant("reveal_password")}},
				{Name: "ci", ResourceType: pam.ManagedSaaSAppBasedResource, ResourceSelector: selector(pam.ManagedSaaSAppBasedResource, pam.SelectIndividualManagedSaaS, staged["ci bot"].ID),
					Privileges: []client.SecurityPolicyPrivilege{client.Grant("reveal_password")}},
				// An unmanaged account named by a managed selector is not picked.
				{Name: "reader", ResourceType: pam.ManagedSaaSAppBasedResource, ResourceSelector: selector(pam.ManagedSaaSAppBasedResource, pam.SelectIndividualManagedSaaS, staged["read only"].ID),
					Privileges: []client.SecurityPolicyPrivilege{client.Grant("reveal_password")}},
			}})
		noErr(t, err)
		mine, err := eve.ListMyUDAccounts(ctx, client.ListOptions{})
		noErr(t, err)
		if len(mine) != 1 || mine[0].Account.Name != "deploy" || mine[0].Account.AvailabilityStatus != "available" ||
			mine[0].CheckoutDetails == nil || mine[0].CheckoutDetails.CheckoutRequired {
			t.Fatalf("eve's UD accounts %+v", mine)
		}
		if _, err := eve.GetMyUDAccount(ctx, staged["deploy"].ID); err != nil {
			t.Fatal(err)
		}
		_, err = eve.GetMyUDAccount(ctx, staged["audit"].ID)
		wantStatus(t, err, http.StatusNotFound, "")
		myApps, err := eve.ListMySaaSApps(ctx, client.ListOptions{})
		noErr(t, err)
		if len(myApps) != 1 || myApps[0].AppInstanceID != f.appID {
			t.Fatalf("eve's apps %+v", myApps)
		}
		if _, err := eve.GetMySaaSApp(ctx, f.appID); err != nil {
			t.Fatal(err)
		}
		myAccounts, err := eve.ListMySaaSAppAccounts(ctx, f.appID, client.ListOptions{})
		noErr(t, err)
		if len(myAccounts) != 1 || myAccounts[0].Account.Name != "ci bot" || !myAccounts[0].CheckoutDetails.CheckoutRequired {
			t.Fatalf("eve's SaaS accounts %+v", myAccounts)
		}
		_, err = eve.GetMySaaSAppAccount(ctx, f.appID, staged["read only"].ID)
		wantStatus(t, err, http.StatusNotFound, "")
		carol := o.client("carol", nil)
		_, err = carol.GetMySaaSApp(ctx, f.appID)
		wantStatus(t, err, http.StatusNotFound, "")

		// The checkout fields come from the account's checkout record: someone else holds ci bot.
		carolUser, err := o.svc.ServiceUser(ctx, o.team.Team.ID, "carol")
		noErr(t, err)
		expires := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		noErr(t, o.s.App.Store().CreateCheckout(ctx, store.Checkout{AccountID: staged["ci bot"].ID, ResourceType: "managed_saas_app_account_password_login",
			TeamID: o.team.Team.ID, ResourceGroupID: rg, ProjectID: proj, State: store.CheckoutCheckedOut, UserID: carolUser.ID,
			CheckoutAt: time.Now(), ExpiresAt: expires}))
		d, err := res.GetProjectServiceAccount(ctx, client.SaaSApps, rg, proj, staged["ci bot"].ID)
		noErr(t, err)
		if d.CheckoutStatus != "checked_out" || d.LastCheckoutUser != "carol" || d.CheckoutExpiryAt != expires.Format(time.RFC3339) || !d.CheckoutEnabled {
			t.Fatalf("ci bot checked out by carol: %+v", d)
		}
		held, err := eve.GetMySaaSAppAccount(ctx, f.appID, staged["ci bot"].ID)
		noErr(t, err)
		if held.Account.AvailabilityStatus != "checked_out_by_other_user" || held.CheckoutDetails.ExpiresAt != "" {
			t.Fatalf("ci bot as eve sees it: %+v", held)
		}

		// A feed that no longer holds an account removes it, wherever it was assigned.
		sum, err := o.s.Client.FeedUDAccounts(ctx, "acme", []client.ServiceAccountEntry{
			{ID: "00uDeploy", Name: "deploy", Username: "deploy@acme.example", Description: "renamed?", LcmSyncPossible: true}})
		noErr(t, err)
		if sum.Updated != 1 || sum.Removed != 1 || sum.Added != 0 {
			t.Fatalf("second UD feed %+v", sum)
		}
		udList, err = res.ListProjectServiceAccounts(ctx, client.UniversalDirectory, rg, proj, client.ListOptions{})
		noErr(t, err)
		if len(udList) != 1 || udList[0].ID != staged["deploy"].ID || udList[0].Description != "renamed?" {
			t.Fatalf("UD accounts after the feed %+v", udList)
		}
	})
}

// TestOPAUDSaaSFeedRefusesBadInput checks that the admin feed names each bad field and stores nothing.
func TestOPAUDSaaSFeedRefusesBadInput(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, _ *client.OPA) {
		ctx := context.Background()
		f := newUDSaaSFixture(t, o)
		for _, c := range []struct {
			entries []client.ServiceAccountEntry
			field   string
		}{
			{[]client.ServiceAccountEntry{{ID: "", Name: "x", Username: "x"}}, "accounts[0].id"},
			{[]client.ServiceAccountEntry{{ID: "a", Name: "bad/name", Username: "x"}}, "accounts[0].name"},
			{[]client.ServiceAccountEntry{{ID: "a", Name: "ok", Username: ""}}, "accounts[0].username"},
			{[]client.ServiceAccountEntry{{ID: "a", Name: "ok", Username: "x"}, {ID: "a", Name: "ok", Username: "y"}}, "accounts[1].id"},
		} {
			_, err := o.s.Client.FeedSaaSAppAccounts(ctx, "acme", f.appID, c.entries)
			if client.StatusCode(err) != http.StatusBadRequest || !strings.Contains(err.Error(), c.field) {
				t.Fatalf("%+v: %v, want 400 naming %s", c.entries, err, c.field)
			}
		}
		_, err := o.s.Client.PutSaaSApp(ctx, "acme", client.SaaSAppFeed{Name: "x", GlobalAppName: "y", PasswordRotationStrategy: "NEVER"})
		if client.StatusCode(err) != http.StatusBadRequest || !strings.Contains(err.Error(), "passwordRotationStrategy") {
			t.Fatalf("bad strategy: %v", err)
		}
		_, err = o.s.Client.FeedSaaSAppAccounts(ctx, "acme", "0oaMissing", nil)
		if client.StatusCode(err) != http.StatusNotFound {
			t.Fatalf("feed of an unknown app: %v", err)
		}
		if got := f.staged(t, nil); len(got) != 4 {
			t.Fatalf("staged after refused feeds %+v", got)
		}
		apps, err := f.res.ListSaaSAppInstances(ctx, client.ListOptions{})
		noErr(t, err)
		if len(apps) != 1 {
			t.Fatalf("apps after a refused put %+v", apps)
		}
	})
}

// bearerIn is a bearer token of a new service user in the group named (made before).
func (o *opaTeam) bearerIn(t *testing.T, user, group string) string {
	ctx, id := context.Background(), o.team.Team.ID
	_, err := o.svc.CreateServiceUser(ctx, id, user)
	noErr(t, err)
	noErr(t, o.svc.AddMember(ctx, id, group, user))
	key, err := o.svc.CreateKey(ctx, id, user)
	noErr(t, err)
	tok, err := o.svc.IssueServiceToken(ctx, o.team.Team.Name, key.ID, key.Secret, time.Now(), time.Hour)
	noErr(t, err)
	return tok.Token
}

// sendOPA sends an OPA request under the team with a bearer token, through the validating
// client, and returns the status and body.
func sendOPA(t *testing.T, o *opaTeam, token, method, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, o.s.URL+"/v1/teams/"+o.team.Team.Name+path, nil)
	noErr(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := o.s.HTTP.Do(req)
	noErr(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	noErr(t, err)
	return resp.StatusCode, body
}
