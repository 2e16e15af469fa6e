package scenario

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/vault"
)

// The seeded team's key, chosen in the document so the test knows it in advance.
const (
	seedTeam      = "corp"
	seedKeyID     = "corp-key"
	seedKeySecret = "directory-seed-secret-0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	peopleOU      = "OU=People,DC=corp,DC=example"
)

// directorySeed is the whole starting state as a user writes it: a team with its users (carol
// and dave share a mailbox), a group, two projects and an AD domain with individual and shared
// accounts (lab.example, seeded disconnected, leaves its Okta app instance id out). changed is the domain a while later: contractor has left and frank has joined.
func directorySeed(changed bool) map[string]any {
	account := func(sid, sam, ou, email, kind string) map[string]any {
		a := map[string]any{"sid": sid, "samAccountName": sam, "upn": sam + "@Corp.Example",
			"distinguishedName": "CN=" + sam + "," + ou, "accountType": kind}
		if email != "" {
			a["email"] = email
		}
		return a
	}
	domain, last := "corp.example", account("S-1-5-21-9-1104", "contractor", peopleOU, "", pam.ADIndividual)
	if changed { // and its domain written as another tool spells it
		domain, last = "Corp.Example", account("S-1-5-21-9-1105", "frank", peopleOU, "frank@corp.example", pam.ADIndividual)
	}
	return map[string]any{"version": 1, "opa": map[string]any{"teams": []any{map[string]any{
		"name": seedTeam, "serviceUser": "corp-admin", "key": map[string]string{"id": seedKeyID, "secret": seedKeySecret},
		"users": []any{
			map[string]any{"name": "alice", "email": "alice@corp.example", "firstName": "Alice", "lastName": "Ng"},
			map[string]any{"name": "bob", "email": "bob@corp.example", "firstName": "Bob", "lastName": "Ray"},
			map[string]any{"name": "carol", "email": "ops@corp.example", "firstName": "Carol", "lastName": "Ito"},
			map[string]any{"name": "dave", "email": "ops@corp.example", "firstName": "Dave", "lastName": "Oz"},
			map[string]any{"name": "erin", "email": "erin@corp.example", "firstName": "Erin", "lastName": "Li"},
		},
		"groups": []any{map[string]any{"name": "operators", "members": []string{"alice"}},
			map[string]any{"name": "staff", "members": []string{"alice", "bob", "erin"}}},
		"resourceGroups": []any{map[string]any{"name": "infra", "adminGroups": []string{"keyward-admins"},
			"projects": []any{map[string]any{"name": "web", "settings": map[string]any{"activeDirectory": map[string]any{
				"checkout": map[string]any{"required": true, "durationSeconds": 1800, "includeList": []string{`CORP.EXAMPLE\S-1-5-21-9-1201`}}}}},
				map[string]any{"name": "archive"}}}},
		"adConnections": []any{map[string]any{"domain": domain, "appInstanceId": "0oaCorpAD", "accounts": []any{
			account("S-1-5-21-9-1101", "alice", peopleOU, "alice@corp.example", pam.ADIndividual),
			account("S-1-5-21-9-1102", "adm-bob", peopleOU, "", pam.ADIndividual),
			account("S-1-5-21-9-1103", "ops", peopleOU, "ops@corp.example", pam.ADIndividual),
			last,
			account("S-1-5-21-9-1201", "svc-backup", serviceOU, "", pam.ADShared),
		}}, map[string]any{"domain": "lab.example", "status": pam.ADDisconnected, "accounts": []any{
			account("S-1-5-21-8-1101", "alice", peopleOU, "alice@corp.example", pam.ADIndividual),
		}}},
	}}}}
}

// adSeedEnv is a server whose only state comes from the seed document.
type adSeedEnv struct {
	*env
	opa     *client.OPA
	conn    client.ADConnection // corp.example, connected
	lab     client.ADConnection // lab.example, seeded disconnected
	rg      client.NamedObject
	web     client.NamedObject
	archive client.NamedObject
}

func newADSeedEnv(t *testing.T, postgres bool) *adSeedEnv {
	s := apptest.Start(t, apptest.Options{Postgres: postgres, VirtualClock: true, Configure: func(c *config.Config) {
		c.TickInterval = time.Hour
	}})
	e := &adSeedEnv{env: &env{t: t, ctx: t.Context(), s: s},
		opa: client.NewOPA(s.URL, seedTeam, seedKeyID, seedKeySecret, client.WithHTTPClient(s.HTTP))}
	doc, err := json.Marshal(directorySeed(false))
	e.must(err)
	res, err := s.Client.LoadSeed(e.ctx, doc)
	e.must(err)
	if res.Created["adConnections"] != 2 || res.Created["adAccountFeeds"] != 2 || res.Created["projects"] != 2 {
		t.Fatalf("seed created %v", res.Created)
	}
	// Loading it again changes nothing.
	again, err := s.Client.LoadSeed(e.ctx, doc)
	e.must(err)
	if len(again.Created) != 0 {
		t.Fatalf("the second load created %v", again.Created)
	}

	conns, err := e.opa.ListADConnections(e.ctx)
	e.must(err)
	for _, c := range conns {
		switch c.Domain {
		case "corp.example":
			e.conn = c
		case "lab.example":
			e.lab = c
		}
	}
	if len(conns) != 2 || e.conn.AppInstanceID != "0oaCorpAD" || e.conn.Status != pam.ADConnected || e.lab.Status != pam.ADDisconnected ||
		!strings.HasPrefix(e.lab.AppInstanceID, "0oa") || len(e.lab.AppInstanceID) != 20 {
		t.Fatalf("connections %+v", conns)
	}
	rgs, err := e.opa.ListResourceGroups(e.ctx, client.ListOptions{})
	e.must(err)
	if len(rgs) != 1 || rgs[0].Name != "infra" {
		t.Fatalf("resource groups %+v", rgs)
	}
	e.rg = client.NamedObject{ID: rgs[0].ID}
	projects, err := e.opa.ListProjects(e.ctx, rgs[0].ID, client.ListOptions{})
	e.must(err)
	for _, p := range projects {
		switch p.Name {
		case "web":
			e.web = client.NamedObject{ID: p.ID}
		case "archive":
			e.archive = client.NamedObject{ID: p.ID}
		}
	}
	if e.web.ID == "" || e.archive.ID == "" {
		t.Fatalf("projects %+v", projects)
	}
	return e
}

func (e *adSeedEnv) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// sync forces a sync and checks the connection reports it completed.
func (e *adSeedEnv) sync() {
	e.t.Helper()
	e.must(e.opa.ForceSyncAD(e.ctx, e.conn.ID))
	st, err := e.opa.GetADSyncStatus(e.ctx, e.conn.ID)
	e.must(err)
	if st != pam.ADSyncCompleted {
		e.t.Fatalf("sync status %q", st)
	}
}

// accounts are the connection's accounts by account name.
func (e *adSeedEnv) accounts() map[string]client.ADAccount {
	e.t.Helper()
	l, err := e.opa.ListADConnectionAccounts(e.ctx, e.conn.ID)
	e.must(err)
	out := map[string]client.ADAccount{}
	for _, a := range l {
		out[a.AccountName] = a
	}
	return out
}

// placed lists the names of a project's accounts whose UPN contains contains, sorted.
func (e *adSeedEnv) placed(project client.NamedObject, contains string) string {
	e.t.Helper()
	l, err := e.opa.ListProjectADAccounts(e.ctx, e.rg.ID, project.ID, client.ListOptions{Contains: contains})
	e.must(err)
	var names []string
	for _, a := range l {
		if a.Project == nil || a.Project.ID != project.ID {
			e.t.Fatalf("account %s listed in project %s is in %+v", a.AccountName, project.ID, a.Project)
		}
		names = append(names, a.AccountName)
	}
	slices.Sort(names)
	return strings.Join(names, ",")
}

// matches are the individual accounts' "status:user" by account name.
func (e *adSeedEnv) matches() map[string]string {
	e.t.Helper()
	out := map[string]string{}
	for name, a := range e.accounts() {
		if a.AccountType != pam.ADIndividual {
			continue
		}
		user := ""
		if a.MatchedUser != nil {
			user = a.MatchedUser.Name
		}
		out[name] = a.MatchStatus + ":" + user
	}
	return out
}

func (e *adSeedEnv) userID(name string) string {
	e.t.Helper()
	u, err := e.opa.GetUser(e.ctx, name)
	e.must(err)
	return u.ID
}

// TestDirectorySeedToReveal is the Active Directory flow as a user drives it from a seed file:
// the domain and its accounts come from the document, rules place the accounts in projects
// (reordered and edited), individual accounts are matched to the team's users (exact, partial,
// duplicate, none, manual, forced none) across syncs, the project lists its accounts filtered by
// UPN, checkout settings round-trip, and a user granted by a security policy reveals the shared
// account's password.
func TestDirectorySeedToReveal(t *testing.T) {
	backends(t, func(t *testing.T, postgres bool) {
		e := newADSeedEnv(t, postgres)

		// Seeded but not synced: OPA holds no account yet.
		if st, err := e.opa.GetADSyncStatus(e.ctx, e.conn.ID); err != nil || st != pam.ADNotSynced {
			t.Fatalf("sync status before the first sync %q %v", st, err)
		}
		e.sync()
		if got := e.accounts(); len(got) != 5 || got["alice"].Project != nil || got["alice"].MatchStatus != "" && got["alice"].MatchStatus != pam.MatchNone {
			t.Fatalf("accounts without rules %+v", got)
		}

		// The seeded disconnected domain does not sync.
		err := e.opa.ForceSyncAD(e.ctx, e.lab.ID)
		wantStatus(t, err, http.StatusConflict)
		if st, err := e.opa.GetADSyncStatus(e.ctx, e.lab.ID); err != nil || st != pam.ADNotSynced {
			t.Fatalf("the disconnected domain's sync status %q %v", st, err)
		}

		// Matching on email, with partial matches on an "adm-" prefix of the name.
		e.must(e.opa.ConfigureADRuleSettings(e.ctx, e.conn.ID, client.ADRuleSettings{AllowPartialMatches: true,
			MatchingCriteria:        client.ADMatchingCriteria{Email: true},
			PartialMatchingCriteria: []client.ADPartialCondition{{Operator: "STARTS WITH", MatchValue: "adm-"}}}))
		settings, err := e.opa.GetADRuleSettings(e.ctx, e.conn.ID)
		e.must(err)
		if !settings.IsConfigured || !settings.MatchingCriteria.Email || settings.MatchingCriteria.Username || len(settings.PartialMatchingCriteria) != 1 {
			t.Fatalf("rule settings %+v", settings)
		}

		// Rules: people first go to the archive; then a rule for the web project is put first.
		archive, err := e.opa.CreateADRule(e.ctx, e.conn.ID, client.ADRule{Name: "people archive", RuleType: pam.ADIndividual,
			OrganizationalUnits: []string{peopleOU}, Project: e.archive, ResourceGroup: e.rg})
		e.must(err)
		people, err := e.opa.CreateADRule(e.ctx, e.conn.ID, client.ADRule{Name: "people", RuleType: pam.ADIndividual,
			OrganizationalUnits: []string{peopleOU}, Project: e.web, ResourceGroup: e.rg})
		e.must(err)
		services, err := e.opa.CreateADRule(e.ctx, e.conn.ID, client.ADRule{Name: "services", RuleType: pam.ADShared,
			OrganizationalUnits: []string{"OU=Nowhere,DC=corp,DC=example"}, Project: e.web, ResourceGroup: e.rg})
		e.must(err)
		if archive.Priority != 1 || people.Priority != 2 || services.Priority != 3 {
			t.Fatalf("priorities %d %d %d", archive.Priority, people.Priority, services.Priority)
		}
		e.sync()
		if got := e.placed(e.archive, ""); got != "adm-bob,alice,contractor,ops" {
			t.Fatalf("archive after the first rules: %s", got)
		}
		if got := e.placed(e.web, ""); got != "" {
			t.Fatalf("web after the first rules: %s", got)
		}

		// Bad input is refused whole: a priority past the last rule, a project of no resource group.
		_, err = e.opa.ReorderADRules(e.ctx, e.conn.ID, map[string]int{people.ID: 1, archive.ID: 4})
		wantStatus(t, err, http.StatusBadRequest)
		_, err = e.opa.CreateADRule(e.ctx, e.conn.ID, client.ADRule{Name: "stray", RuleType: pam.ADShared,
			OrganizationalUnits: []string{serviceOU}, Project: client.NamedObject{ID: e.web.ID}, ResourceGroup: client.NamedObject{ID: e.web.ID}})
		wantStatus(t, err, http.StatusBadRequest)
		if rules, err := e.opa.ListADRules(e.ctx, e.conn.ID); err != nil || len(rules) != 3 || rules[0].ID != archive.ID {
			t.Fatalf("rules after refused changes %+v %v", rules, err)
		}
		ordered, err := e.opa.ReorderADRules(e.ctx, e.conn.ID, map[string]int{people.ID: 1})
		e.must(err)
		if len(ordered) != 3 || ordered[0].ID != people.ID || ordered[1].ID != archive.ID || ordered[2].ID != services.ID ||
			ordered[0].Priority != 1 || ordered[1].Priority != 2 {
			t.Fatalf("reordered %+v", ordered)
		}
		// The services rule is edited to the OU its accounts are in; the archive rule goes.
		services.OrganizationalUnits = []string{serviceOU}
		e.must(e.opa.UpdateADRule(e.ctx, e.conn.ID, services.ID, services))
		got, err := e.opa.GetADRule(e.ctx, e.conn.ID, services.ID)
		e.must(err)
		if len(got.OrganizationalUnits) != 1 || got.OrganizationalUnits[0] != serviceOU || got.Priority != 3 || got.Project.ID != e.web.ID {
			t.Fatalf("edited rule %+v", got)
		}
		e.must(e.opa.DeleteADRule(e.ctx, e.conn.ID, archive.ID))
		_, err = e.opa.GetADRule(e.ctx, e.conn.ID, archive.ID)
		wantStatus(t, err, http.StatusNotFound)
		rules, err := e.opa.ListADRules(e.ctx, e.conn.ID)
		e.must(err)
		if len(rules) != 2 || rules[0].ID != people.ID || rules[1].ID != services.ID || rules[1].Priority != 2 {
			t.Fatalf("rules after the delete %+v", rules)
		}
		e.sync()
		if got := e.placed(e.web, ""); got != "adm-bob,alice,contractor,ops,svc-backup" {
			t.Fatalf("web after the reorder: %s", got)
		}
		if got := e.placed(e.archive, ""); got != "" {
			t.Fatalf("archive after the reorder: %s", got)
		}

		// contains filters by UPN, ignoring case (the UPNs are spelt @Corp.Example).
		if got := e.placed(e.web, "ADM-"); got != "adm-bob" {
			t.Fatalf("contains ADM-: %s", got)
		}
		if got := e.placed(e.web, "corp.EXAMPLE"); got != "adm-bob,alice,contractor,ops,svc-backup" {
			t.Fatalf("contains corp.EXAMPLE: %s", got)
		}
		if got := e.placed(e.web, "svc-backup@"); got != "svc-backup" {
			t.Fatalf("contains svc-backup@: %s", got)
		}
		// LIKE's wildcards are plain characters.
		for _, c := range []string{"nobody", "adm_bob", "%", "_"} {
			if got := e.placed(e.web, c); got != "" {
				t.Fatalf("contains %s: %s", c, got)
			}
		}
		// Pages of two keep the filter.
		paged, err := e.opa.ListProjectADAccounts(e.ctx, e.rg.ID, e.web.ID, client.ListOptions{Contains: "@CORP", Count: 2})
		e.must(err)
		if len(paged) != 5 {
			t.Fatalf("paged by two: %d accounts", len(paged))
		}
		paged, err = e.opa.ListProjectADAccounts(e.ctx, e.rg.ID, e.web.ID, client.ListOptions{Contains: "B", Count: 1})
		e.must(err)
		if len(paged) != 2 { // adm-bob, svc-backup
			t.Fatalf("contains B, paged by one: %d accounts", len(paged))
		}

		// The rule's matches: alice by email, adm-bob partially, ops shared by carol and dave,
		// contractor by nothing.
		want := map[string]string{"alice": pam.MatchExact + ":alice", "adm-bob": pam.MatchPartial + ":bob",
			"ops": pam.MatchDuplicate + ":", "contractor": pam.MatchNone + ":"}
		if m := e.matches(); !maps.Equal(m, want) {
			t.Fatalf("matches %v, want %v", m, want)
		}
		acc := e.accounts()
		if m, err := e.opa.GetADAccountMatch(e.ctx, e.conn.ID, acc["alice"].ID); err != nil || m.RuleMatchUserID != e.userID("alice") ||
			m.ForceNoMatch || m.MatchOverrideUserID != "" {
			t.Fatalf("alice's match %+v %v", m, err)
		}
		_, err = e.opa.GetADAccountMatch(e.ctx, e.conn.ID, acc["svc-backup"].ID)
		wantStatus(t, err, http.StatusBadRequest)

		// An admin matches contractor to erin by hand and forbids alice's match; both outlive a sync.
		erin := e.userID("erin")
		m, err := e.opa.UpdateADAccountMatch(e.ctx, e.conn.ID, acc["contractor"].ID, client.ADMatch{MatchOverrideUserID: erin})
		e.must(err)
		if m.MatchOverrideUserID != erin || m.ForceNoMatch {
			t.Fatalf("contractor's match %+v", m)
		}
		m, err = e.opa.UpdateADAccountMatch(e.ctx, e.conn.ID, acc["alice"].ID, client.ADMatch{ForceNoMatch: true})
		e.must(err)
		if !m.ForceNoMatch || m.MatchOverrideUserID != "" {
			t.Fatalf("alice's forced match %+v", m)
		}
		_, err = e.opa.UpdateADAccountMatch(e.ctx, e.conn.ID, acc["ops"].ID, client.ADMatch{MatchOverrideUserID: erin, ForceNoMatch: true})
		wantStatus(t, err, http.StatusBadRequest)
		// Only a human user of the team can be matched.
		svc, err := e.opa.GetUser(e.ctx, "corp-admin")
		e.must(err)
		_, err = e.opa.UpdateADAccountMatch(e.ctx, e.conn.ID, acc["ops"].ID, client.ADMatch{MatchOverrideUserID: svc.ID})
		wantStatus(t, err, http.StatusBadRequest)
		want["contractor"], want["alice"] = pam.MatchManual+":erin", pam.MatchNone+":"
		if m := e.matches(); !maps.Equal(m, want) {
			t.Fatalf("matches after the overrides %v, want %v", m, want)
		}
		e.sync()
		if m := e.matches(); !maps.Equal(m, want) {
			t.Fatalf("matches after a sync %v, want %v", m, want)
		}
		after := e.accounts()
		for name, a := range acc {
			if after[name].ID != a.ID {
				t.Fatalf("%s changed id over a sync", name)
			}
		}
		m, err = e.opa.GetADAccountMatch(e.ctx, e.conn.ID, acc["contractor"].ID)
		e.must(err)
		if m.MatchOverrideUserID != erin {
			t.Fatalf("contractor's match after a sync %+v", m)
		}
		d, err := e.opa.GetProjectADAccount(e.ctx, e.rg.ID, e.web.ID, acc["contractor"].ID)
		e.must(err)
		if d.MatchStatus != pam.MatchManual || d.MatchedUser == nil || d.MatchedUser.ID != erin || d.SID != "S-1-5-21-9-1104" {
			t.Fatalf("contractor's details %+v", d)
		}

		// The seeded checkout settings name svc-backup, their domain in capitals.
		seeded, err := e.opa.GetADCheckoutSettings(e.ctx, e.rg.ID, e.web.ID)
		e.must(err)
		if !seeded.CheckoutRequired || seeded.CheckoutDurationInSeconds != 1800 || len(seeded.IncludeList) != 1 ||
			seeded.IncludeList[0].Domain != "corp.example" || seeded.IncludeList[0].AccountName != "svc-backup" {
			t.Fatalf("seeded checkout settings %+v", seeded)
		}

		// Checkout settings name accounts by domain and SID: a known one is resolved (its domain
		// compared ignoring case, answered in lower case), an unknown one missing.
		e.must(e.opa.UpdateADCheckoutSettings(e.ctx, e.rg.ID, e.web.ID, client.ADCheckoutSettings{CheckoutRequired: true,
			CheckoutDurationInSeconds: 3600,
			IncludeList: []client.ADAccountRef{{Domain: "CORP.Example", AccountSID: "S-1-5-21-9-1201"},
				{Domain: "corp.example", AccountSID: "S-1-5-21-9-9999"}},
			ExcludeList: []client.ADAccountRef{}}))
		cs, err := e.opa.GetADCheckoutSettings(e.ctx, e.rg.ID, e.web.ID)
		e.must(err)
		if !cs.CheckoutRequired || cs.CheckoutDurationInSeconds != 3600 || len(cs.IncludeList) != 2 || len(cs.ExcludeList) != 0 {
			t.Fatalf("checkout settings %+v", cs)
		}
		for _, ref := range cs.IncludeList {
			switch ref.AccountSID {
			case "S-1-5-21-9-1201":
				if ref.AccountName != "svc-backup" || ref.Missing == nil || *ref.Missing || ref.Domain != "corp.example" {
					t.Fatalf("known account %+v", ref)
				}
			case "S-1-5-21-9-9999":
				if ref.Missing == nil || !*ref.Missing || ref.AccountName != "" {
					t.Fatalf("unknown account %+v", ref)
				}
			default:
				t.Fatalf("include list %+v", cs.IncludeList)
			}
		}

		// Policies: the seeded group "operators" (alice) may reveal the shared account; "staff"
		// (alice, bob, erin) the individual accounts matched to them.
		policy := func(name, group string, selector map[string]any) {
			g, err := e.opa.GetGroup(e.ctx, group)
			e.must(err)
			raw, err := json.Marshal(map[string]any{"_type": "active_directory_based_resource", "selectors": []any{map[string]any{
				"selector_type": "active_directory", "selector": selector}}})
			e.must(err)
			_, err = e.opa.CreateSecurityPolicy(e.ctx, client.SecurityPolicy{Name: name, Active: true,
				Principals:    client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{{ID: g.ID}}},
				ResourceGroup: &client.NamedObject{ID: e.rg.ID},
				Rules: []client.SecurityPolicyRule{{Name: name, ResourceType: pam.ActiveDirectoryBasedResource, ResourceSelector: raw,
					Privileges: []client.SecurityPolicyPrivilege{client.Grant("reveal_password")}}}})
			e.must(err)
		}
		policy("operators reveal", "operators", map[string]any{"_type": "active_directory",
			"shared_accounts": map[string]any{"by_matching_names": []string{"svc-backup"}, "by_domain": []string{"corp.example"}}})
		policy("own accounts", "staff", map[string]any{"_type": "active_directory",
			"individual_accounts": map[string]any{"by_domain": []string{"corp.example"}}})

		users := map[string]*client.OPA{}
		for _, name := range []string{"alice", "bob", "carol", "erin"} {
			ut, err := e.s.Client.MintUserToken(e.ctx, seedTeam, name)
			e.must(err)
			users[name] = client.NewOPAWithToken(e.s.URL, seedTeam, ut.BearerToken, client.WithHTTPClient(e.s.HTTP))
		}
		// visible lists the account names a user sees in corp.example, sorted.
		visible := func(name string) string {
			t.Helper()
			l, err := users[name].ListADAccountsEndUser(e.ctx, e.conn.ID)
			e.must(err)
			var out []string
			for _, a := range l {
				out = append(out, a.Account.Username)
			}
			slices.Sort(out)
			return strings.Join(out, ",")
		}
		domains, err := users["alice"].ListADDomains(e.ctx)
		e.must(err)
		if len(domains) != 1 || domains[0].ID != e.conn.ID {
			t.Fatalf("alice's domains %+v", domains)
		}
		// alice's own account is forced unmatched; erin has contractor by hand; carol is in no
		// group (and ops is a duplicate): the domain is hidden from her.
		for name, want := range map[string]string{"alice": "svc-backup", "bob": "adm-bob", "erin": "contractor"} {
			if got := visible(name); got != want {
				t.Fatalf("%s sees %q, want %q", name, got, want)
			}
		}
		// Only svc-backup is on the include list (written in another case): it alone needs a checkout.
		for _, name := range []string{"alice", "erin"} {
			l, err := users[name].ListADAccountsEndUser(e.ctx, e.conn.ID)
			e.must(err)
			if l[0].CheckoutDetails.CheckoutRequired != (name == "alice") {
				t.Fatalf("%s's %s: checkout required %v", name, l[0].Account.Username, l[0].CheckoutDetails.CheckoutRequired)
			}
		}
		if ds, err := users["carol"].ListADDomains(e.ctx); err != nil || len(ds) != 0 {
			t.Fatalf("carol's domains %+v %v", ds, err)
		}
		_, err = users["carol"].ListADAccountsEndUser(e.ctx, e.conn.ID)
		wantStatus(t, err, http.StatusNotFound)

		key, err := rsa.GenerateKey(rand.Reader, 2048)
		e.must(err)
		jwk, err := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: "RSA-OAEP-256", Use: "enc"}.MarshalJSON()
		e.must(err)
		// reveal is a user's reveal of an account, checked against the admin directory endpoint.
		reveal := func(user, account string) {
			t.Helper()
			id := e.accounts()[account].ID
			jwe, err := users[user].RevealADAccountPassword(e.ctx, e.conn.ID, id, "password", jwk)
			e.must(err)
			pw, err := vault.Decrypt(jwe, key)
			e.must(err)
			inDirectory, _, err := e.s.Client.DirectoryPassword(e.ctx, seedTeam, id)
			e.must(err)
			if len(pw) == 0 || string(pw) != inDirectory {
				t.Fatalf("%s revealed %d bytes of %s, not the directory's password", user, len(pw), account)
			}
		}
		backup := acc["svc-backup"].ID
		_, err = users["erin"].RevealADAccountPassword(e.ctx, e.conn.ID, backup, "password", jwk)
		wantStatus(t, err, http.StatusForbidden)
		_, err = users["alice"].RevealADAccountPassword(e.ctx, e.conn.ID, acc["alice"].ID, "password", jwk)
		wantStatus(t, err, http.StatusForbidden)
		reveal("alice", "svc-backup")
		d, err = e.opa.GetProjectADAccount(e.ctx, e.rg.ID, e.web.ID, backup)
		e.must(err)
		if d.CheckoutStatus != "checked_out" || d.LastCheckoutUser != "alice" {
			t.Fatalf("svc-backup after the reveal %+v", d)
		}
		reveal("erin", "contractor")

		// alice's account is given back to the rule's match: she sees and reveals it.
		m, err = e.opa.UpdateADAccountMatch(e.ctx, e.conn.ID, acc["alice"].ID, client.ADMatch{})
		e.must(err)
		if m.ForceNoMatch || m.MatchOverrideUserID != "" || m.RuleMatchUserID != e.userID("alice") {
			t.Fatalf("alice's match given back %+v", m)
		}
		want["alice"] = pam.MatchExact + ":alice"
		if m := e.matches(); !maps.Equal(m, want) {
			t.Fatalf("matches after alice's is given back %v, want %v", m, want)
		}
		if got := visible("alice"); got != "alice,svc-backup" {
			t.Fatalf("alice sees %q after her match is given back", got)
		}
		reveal("alice", "alice")

		// The domain changes: the seed is loaded again with contractor gone and frank new, and
		// dave leaves. The next sync drops contractor with its manual match, matches frank by
		// email and resolves the shared mailbox to carol.
		doc, err := json.Marshal(directorySeed(true))
		e.must(err)
		res, err := e.s.Client.LoadSeed(e.ctx, doc)
		e.must(err)
		if len(res.Created) != 1 || res.Created["adAccountFeeds"] != 1 {
			t.Fatalf("the changed seed created %v", res.Created)
		}
		// The same domain in other letters is the same connection, for the admin API too.
		_, err = e.s.Client.CreateADConnection(e.ctx, seedTeam, client.ADConnection{Domain: "CORP.EXAMPLE", AppInstanceID: "0oaOther"})
		wantStatus(t, err, http.StatusConflict)
		if conns, err := e.opa.ListADConnections(e.ctx); err != nil || len(conns) != 2 {
			t.Fatalf("connections after the changed seed %+v %v", conns, err)
		}
		_, err = e.s.Client.SetTeamUserStatus(e.ctx, seedTeam, "dave", "DISABLED")
		e.must(err)
		if m := e.matches(); !maps.Equal(m, want) {
			t.Fatalf("matches before the sync %v, want %v", m, want)
		}
		e.sync()
		want = map[string]string{"alice": pam.MatchExact + ":alice", "adm-bob": pam.MatchPartial + ":bob",
			"ops": pam.MatchExact + ":carol", "frank": pam.MatchNone + ":"}
		if m := e.matches(); !maps.Equal(m, want) {
			t.Fatalf("matches after the domain changed %v, want %v", m, want)
		}
		if got := e.placed(e.web, ""); got != "adm-bob,alice,frank,ops,svc-backup" {
			t.Fatalf("web after the domain changed: %s", got)
		}
		_, err = e.opa.GetProjectADAccount(e.ctx, e.rg.ID, e.web.ID, acc["contractor"].ID)
		wantStatus(t, err, http.StatusNotFound)
		// erin's only account went with contractor: the domain is hidden from her now.
		if ds, err := users["erin"].ListADDomains(e.ctx); err != nil || len(ds) != 0 {
			t.Fatalf("erin's domains after contractor left %+v %v", ds, err)
		}
		_, err = users["erin"].RevealADAccountPassword(e.ctx, e.conn.ID, acc["contractor"].ID, "password", jwk)
		wantStatus(t, err, http.StatusNotFound)
		// frank has no user yet: created, he matches on the next sync.
		_, err = e.s.Client.CreateTeamUser(e.ctx, seedTeam, client.TeamUser{Name: "frank", Email: "Frank@corp.example", FirstName: "Frank", LastName: "Wu"})
		e.must(err)
		e.sync()
		want["frank"] = pam.MatchExact + ":frank"
		if m := e.matches(); !maps.Equal(m, want) {
			t.Fatalf("matches after frank joined %v, want %v", m, want)
		}

		// The snapshot holds the domain as last seeded, and the connection's state.
		snap, err := e.s.Client.Snapshot(e.ctx, "team", seedTeam)
		e.must(err)
		var doc2 struct {
			OPA struct {
				Teams []struct {
					ADConnections []struct {
						Domain   string `json:"domain"`
						Status   string `json:"status"`
						Accounts []struct {
							SAMAccountName string `json:"samAccountName"`
						} `json:"accounts"`
					} `json:"adConnections"`
				} `json:"teams"`
			} `json:"opa"`
		}
		e.must(json.Unmarshal(snap, &doc2))
		if len(doc2.OPA.Teams) != 1 || len(doc2.OPA.Teams[0].ADConnections) != 2 {
			t.Fatalf("snapshot %s", snap)
		}
		corp := doc2.OPA.Teams[0].ADConnections[0]
		if corp.Domain != "corp.example" || corp.Status != pam.ADConnected || len(corp.Accounts) != 5 || corp.Accounts[3].SAMAccountName != "frank" {
			t.Fatalf("snapshot's corp.example %+v", corp)
		}

		// The web project is deleted: its rules go with it and its accounts are placed in no
		// project at once, not at the next sync, so nobody sees or reveals them any more.
		e.must(e.opa.DeleteProject(e.ctx, e.rg.ID, e.web.ID))
		if rules, err := e.opa.ListADRules(e.ctx, e.conn.ID); err != nil || len(rules) != 0 {
			t.Fatalf("rules after the project went %+v %v", rules, err)
		}
		unplaced := func(when string) {
			t.Helper()
			for name, a := range e.accounts() {
				if a.Project != nil || a.ResourceGroup != nil || a.MatchedUser != nil && a.MatchStatus != pam.MatchManual {
					t.Fatalf("%s: %s is still placed or matched: %+v", when, name, a)
				}
			}
		}
		unplaced("the project deleted")
		if ds, err := users["alice"].ListADDomains(e.ctx); err != nil || len(ds) != 0 {
			t.Fatalf("alice's domains after the project went %+v %v", ds, err)
		}
		_, err = users["alice"].RevealADAccountPassword(e.ctx, e.conn.ID, backup, "password", jwk)
		wantStatus(t, err, http.StatusNotFound)
		_, err = e.opa.GetADCheckoutSettings(e.ctx, e.rg.ID, e.web.ID)
		wantStatus(t, err, http.StatusNotFound)
		e.sync()
		unplaced("the next sync")
	})
}
