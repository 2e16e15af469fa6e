package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/client"
)

// opaStateListing is what the OPA API shows of a team's SaaS apps, staged and assigned UD and
// SaaS accounts, security policies and project settings, without generated ids.
func opaStateListing(t testing.TB, c *client.OPA) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	apps, err := c.ListSaaSAppInstances(ctx, client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apps {
		out = append(out, fmt.Sprintf("app %s %s %s %s %s", a.AppInstanceID, a.AppInstanceName, a.GlobalAppName, a.AppLoginURL, a.PasswordRotationStrategy))
	}
	staged, err := c.ListStagedServiceAccounts(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	accounts := map[string]string{} // ids to names, for the policies naming accounts
	for _, a := range staged {
		out = append(out, "staged "+accountLine(a))
		accounts[a.ID] = a.Name
	}
	policies, err := c.ListSecurityPolicies(ctx, client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rgNames := map[string]string{}
	rgs, err := c.ListResourceGroups(ctx, client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rg := range rgs {
		rgNames[rg.ID] = rg.Name
		ps, err := c.ListProjects(ctx, rg.ID, client.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			at := rg.Name + "/" + p.Name + " "
			for _, kind := range []string{client.UniversalDirectory, client.SaaSApps} {
				as, err := c.ListProjectServiceAccounts(ctx, kind, rg.ID, p.ID, client.ListOptions{})
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range as {
					out = append(out, at+"assigned "+accountLine(a))
					accounts[a.ID] = a.Name
				}
				cs, err := c.GetServiceAccountCheckoutSettings(ctx, kind, rg.ID, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				var inc []string
				for _, r := range cs.IncludeList {
					inc = append(inc, r.ServiceAccountUser)
				}
				out = append(out, fmt.Sprintf("%s%s checkout %v %d include %v", at, kind, cs.CheckoutRequired, cs.CheckoutDurationInSeconds, inc))
			}
			cs, err := c.GetServerCheckoutSettings(ctx, rg.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%sserver checkout %+v", at, cs))
			pp, err := c.GetServerPasswordPolicy(ctx, rg.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			pp.ModifiedAt = nil
			js, _ := json.Marshal(pp)
			out = append(out, fmt.Sprintf("%sserver password %s", at, js))
		}
	}
	for _, p := range policies {
		var groups []string
		for _, g := range p.Principals.UserGroups {
			groups = append(groups, g.Name)
		}
		for i := range p.Rules {
			p.Rules[i].SecurityPolicyID = nil
		}
		js, _ := json.Marshal(p.Rules)
		rules := string(js)
		for id, name := range accounts {
			rules = strings.ReplaceAll(rules, `"id":"`+id+`"`, `"account":"`+name+`"`)
		}
		out = append(out, fmt.Sprintf("policy %s %q %v in %s for %v: %s", p.Name, p.Description, p.Active, rgNames[p.ResourceGroup.ID], groups, rules))
	}
	slices.Sort(out)
	return out
}

func accountLine(a client.ServiceAccount) string {
	return fmt.Sprintf("%s %s %s app=%s managed=%v", a.Name, a.Username, a.Description, a.ApplicationInstanceName, a.LcmSyncPossible)
}

// TestSeedAccountsPoliciesSettingsRoundTrip checks that what the example seeds of SaaS apps, UD
// accounts, assignments, security policies and project settings shows on the OPA API, and shows
// the same after a snapshot, a team reset and loading the snapshot back.
func TestSeedAccountsPoliciesSettingsRoundTrip(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := start(t, db.postgres)
			res, err := s.Client.LoadSeed(ctx, exampleSeed(t, "demo"))
			if err != nil {
				t.Fatal(err)
			}
			for section, want := range map[string]int{"saasApps": 1, "saasAccounts": 2, "udAccounts": 2, "assignments": 2,
				"securityPolicies": 2, "securityAdminGroups": 1, "projectSettings": 3} {
				if res.Created[section] != want {
					t.Errorf("created %d %s, want %d (%v)", res.Created[section], section, want, res.Created)
				}
			}
			demo := seededTeam(s, "demo")
			before := opaStateListing(t, demo)
			for _, want := range []string{
				"app 0oa-github GitHub Enterprise GitHub https://github.example.com/login USING_ADMIN",
				"staged readonly readonly@example.com  app=GitHub Enterprise managed=false",
				"staged backup backup@example.com  app=Okta managed=false",
				"production/web assigned release-bot release-bot@example.com  app=GitHub Enterprise managed=true",
				"production/web assigned build-bot build-bot@example.com CI builds app= managed=true",
				"production/web okta_universal_directory checkout true 900 include [build-bot@example.com]",
			} {
				if !slices.Contains(before, want) {
					t.Errorf("the OPA API does not show %q:\n%s", want, strings.Join(before, "\n"))
				}
			}
			if !slices.ContainsFunc(before, func(l string) bool {
				return strings.HasPrefix(l, "policy sre-ssh ") && strings.Contains(l, "in production for [sre]") && strings.Contains(l, `"role":"web"`)
			}) {
				t.Errorf("no policy sre-ssh:\n%s", strings.Join(before, "\n"))
			}
			if !slices.ContainsFunc(before, func(l string) bool {
				return strings.HasPrefix(l, "policy build-bot-reveal ") && strings.Contains(l, `"account":"build-bot"`)
			}) {
				t.Errorf("no policy build-bot-reveal naming the account by its id:\n%s", strings.Join(before, "\n"))
			}
			if !slices.ContainsFunc(before, func(l string) bool {
				return strings.HasPrefix(l, "production/web server checkout {CheckoutRequired:true CheckoutDurationInSeconds:3600")
			}) {
				t.Errorf("no server checkout settings:\n%s", strings.Join(before, "\n"))
			}

			snap, err := s.Client.Snapshot(ctx, "team", "demo")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Client.ResetTeam(ctx, "demo", true); err != nil {
				t.Fatal(err)
			}
			if got := opaStateListing(t, demo); slices.Equal(got, before) {
				t.Fatal("the team reset left the listings as they were")
			}
			if _, err := s.Client.LoadSeed(ctx, snap); err != nil {
				t.Fatal(err)
			}
			if got := opaStateListing(t, demo); !slices.Equal(got, before) {
				t.Errorf("after reset and reload:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(before, "\n"))
			}
		})
	}
}

// TestSeedDanglingReferences refuses documents naming what does not exist, with a 400 naming
// the field, and stores nothing of them.
func TestSeedDanglingReferences(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, db.postgres)
			const head = "version: 1\nopa:\n  teams:\n    - name: dangle\n      groups: [{name: ops}]\n      resourceGroups: [{name: rg, projects: [{name: p}]}]\n"
			for _, c := range []struct{ name, doc, want string }{
				{"account project", "      udAccounts: [{id: u1, name: n, username: u, project: {resourceGroup: rg, project: nope}}]\n",
					"[0].project.project: nope is not a project"},
				{"account resource group", "      saasApps: [{id: a1, name: A, globalAppName: G, accounts: [{id: x, name: n, username: u, project: {resourceGroup: nope, project: p}}]}]\n",
					"[0].accounts[0].project.resourceGroup"},
				{"policy group", "      securityPolicies: [{name: sp, active: true, resourceGroup: rg, groups: [nope], rules: []}]\n",
					"[0].groups[0]: nope is not a group"},
				{"policy resource group", "      securityPolicies: [{name: sp, active: true, resourceGroup: nope, rules: []}]\n",
					"[0].resourceGroup"},
				{"policy rule", "      securityPolicies: [{name: sp, active: true, resourceGroup: rg, rules: [{name: r, resource_type: server_based_resource, resource_selector: {selectors: []}, privileges: []}]}]\n",
					"rules[0]"},
				{"policy account", "      securityPolicies: [{name: sp, active: true, resourceGroup: rg, rules: [{name: r, resource_type: okta_app_based_resource, resource_selector: {selectors: [{selector_type: individual_okta_account, selector: {service_account: {id: nope}}}]}, privileges: [{privilege_type: reveal_password, privilege_value: {reveal_password: true}}]}]}]\n",
					"[0].rules[0].resource_selector.selectors[0].selector.service_account.id: nope"},
				{"security admin group", "", "[0].securityAdminGroups[0]: nope is not a group"},
				{"settings account", "", "settings.universalDirectory.checkout.includeList[0]"},
			} {
				doc := head + c.doc
				switch c.name {
				case "security admin group":
					doc = strings.Replace(head, "{name: rg,", "{name: rg, securityAdminGroups: [nope],", 1)
				case "settings account":
					doc = strings.Replace(head, "{name: p}", "{name: p, settings: {universalDirectory: {checkout: {required: true, includeList: [nope]}}}}", 1)
				}
				status, body := loadYAML(t, s, []byte(doc))
				section := "opa.teams.dangle."
				if status != http.StatusBadRequest || !strings.Contains(string(body), c.want) || !strings.Contains(string(body), section) {
					t.Errorf("%s: %d %s, want 400 naming %s", c.name, status, body, c.want)
				}
			}
			snap, err := s.Client.Snapshot(context.Background(), "", "")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(snap), "dangle") {
				t.Errorf("a refused document left its team: %s", snap)
			}
		})
	}
}
