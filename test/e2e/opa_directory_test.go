package e2e

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/pam"
)

const (
	peopleOU  = "OU=People,DC=corp,DC=example"
	serviceOU = "OU=Service,DC=corp,DC=example"
)

// corpDirectory is the domain as fed: four individual accounts in People, one shared account in
// Service, and one individual account in an OU no rule covers.
func corpDirectory() []client.ADEntry {
	person := func(sid, name, email string) client.ADEntry {
		return client.ADEntry{SID: sid, SAMAccountName: name, UPN: name + "@Corp.Example", Email: email,
			DistinguishedName: "CN=" + name + "," + peopleOU, AccountType: pam.ADIndividual}
	}
	return []client.ADEntry{
		person("S-1-5-21-1", "alice", "alice@corp.example"),
		person("S-1-5-21-2", "dave", "dave@corp.example"),
		person("S-1-5-21-3", "adm-erin", "adm-erin@corp.example"),
		person("S-1-5-21-4", "frank", "frank@elsewhere.example"),
		{SID: "S-1-5-21-5", SAMAccountName: "svc-backup", UPN: "svc-backup@corp.example", DistinguishedName: "CN=svc-backup," + serviceOU,
			AccountType: pam.ADShared},
		{SID: "S-1-5-21-6", SAMAccountName: "guest", UPN: "guest@corp.example", DistinguishedName: "CN=guest,OU=Guests,DC=corp,DC=example",
			AccountType: pam.ADIndividual},
	}
}

// adFixture is a team with users, a fed connection with matching settings and two rules.
type adFixture struct {
	o     *opaTeam
	res   *client.OPA
	conn  client.ADConnection
	users map[string]string // name → id
}

func newADFixture(t *testing.T, o *opaTeam) adFixture {
	ctx := context.Background()
	f := adFixture{o: o, res: o.client("res", map[string][]string{"resources": {pam.RoleResourceAdmin}}), users: map[string]string{}}
	for _, u := range []client.TeamUser{{Name: "alice", Email: "alice@corp.example"}, {Name: "dave1", Email: "dave@corp.example"},
		{Name: "dave2", Email: "dave@corp.example"}, {Name: "erin", Email: "erin@corp.example"}, {Name: "carol", Email: "carol@corp.example"}} {
		made, err := o.s.Client.CreateTeamUser(ctx, "acme", u)
		noErr(t, err)
		f.users[u.Name] = made.ID
	}
	var err error
	f.conn, err = o.s.Client.CreateADConnection(ctx, "acme", client.ADConnection{Domain: "corp.example", AppInstanceID: "0oaAD1"})
	noErr(t, err)
	noErr(t, o.s.Client.FeedADAccounts(ctx, "acme", f.conn.ID, corpDirectory()))
	noErr(t, f.res.ConfigureADRuleSettings(ctx, f.conn.ID, client.ADRuleSettings{AllowPartialMatches: true,
		MatchingCriteria:        client.ADMatchingCriteria{Email: true},
		PartialMatchingCriteria: []client.ADPartialCondition{{Operator: "STARTS WITH", MatchValue: "adm-"}}}))
	target := func(name, typ, ou string) client.ADRule {
		return client.ADRule{Name: name, RuleType: typ, OrganizationalUnits: []string{ou},
			Project: client.NamedObject{ID: o.project.ID}, ResourceGroup: client.NamedObject{ID: o.rg.ID}}
	}
	for _, r := range []client.ADRule{target("people", pam.ADIndividual, peopleOU), target("service", pam.ADShared, serviceOU)} {
		_, err := f.res.CreateADRule(ctx, f.conn.ID, r)
		noErr(t, err)
	}
	return f
}

// accountsByName lists the project's AD accounts, by account name.
func (f adFixture) accountsByName(t *testing.T, contains string) map[string]client.ADAccount {
	t.Helper()
	list, err := f.res.ListProjectADAccounts(context.Background(), f.o.rg.ID, f.o.project.ID, client.ListOptions{Contains: contains})
	noErr(t, err)
	out := map[string]client.ADAccount{}
	for _, a := range list {
		out[a.AccountName] = a
	}
	return out
}

// TestOPAActiveDirectoryAccounts feeds a domain, syncs it, places its accounts in a project by
// rules, matches the individual ones to users (and re-matches them by hand), and lists them.
func TestOPAActiveDirectoryAccounts(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, sec *client.OPA) {
		ctx := context.Background()
		f := newADFixture(t, o)
		res, connID := f.res, f.conn.ID

		if st, err := res.GetADSyncStatus(ctx, connID); err != nil || st != "NOT_SYNCED" {
			t.Fatalf("before a sync: %q %v", st, err)
		}
		if got := f.accountsByName(t, ""); len(got) != 0 {
			t.Fatalf("accounts before a sync: %+v", got)
		}
		noErr(t, res.ForceSyncAD(ctx, connID))
		if st, err := res.GetADSyncStatus(ctx, connID); err != nil || st != "SYNC_COMPLETED" {
			t.Fatalf("after a sync: %q %v", st, err)
		}

		got := f.accountsByName(t, "")
		if len(got) != 5 {
			t.Fatalf("placed accounts: %+v", got)
		}
		for name, want := range map[string]struct{ status, user string }{
			"alice": {"MATCH", "alice"}, "dave": {"DUPLICATE", ""}, "adm-erin": {"PARTIAL MATCH", "erin"}, "frank": {"NO MATCH", ""},
			"svc-backup": {"", ""},
		} {
			a := got[name]
			var user string
			if a.MatchedUser != nil {
				user = a.MatchedUser.Name
			}
			if a.MatchStatus != want.status || user != want.user {
				t.Errorf("%s: match %q user %q, want %q %q", name, a.MatchStatus, user, want.status, want.user)
			}
		}
		alice := got["alice"]
		if alice.Domain == nil || alice.Domain.Name != "corp.example" || alice.Project.Name != "web" || alice.ResourceGroup.Name != "prod" ||
			alice.SID != "S-1-5-21-1" || alice.BroughtUnderManagementAt == "" || alice.AccountSettingsEnabled == nil {
			t.Fatalf("alice %+v %+v %+v %+v", alice, alice.Domain, alice.Project, alice.ResourceGroup)
		}
		if only := f.accountsByName(t, "ALICE@corp"); len(only) != 1 || only["alice"].ID != alice.ID {
			t.Fatalf("contains by UPN ignoring case: %+v", only)
		}
		detail, err := res.GetProjectADAccount(ctx, o.rg.ID, o.project.ID, alice.ID)
		noErr(t, err)
		if detail.CheckoutStatus != "available" || detail.UPN != "alice@Corp.Example" {
			t.Fatalf("detail %+v", detail)
		}
		all, err := res.ListADConnectionAccounts(ctx, connID)
		noErr(t, err)
		if len(all) != 6 {
			t.Fatalf("connection accounts %d, want 6 (guest unplaced)", len(all))
		}

		// A manual match beats the rule's, force_no_match forbids one, and both outlive a sync.
		frank := got["frank"]
		m, err := res.UpdateADAccountMatch(ctx, connID, frank.ID, client.ADMatch{MatchOverrideUserID: f.users["carol"]})
		noErr(t, err)
		if m.MatchOverrideUserID != f.users["carol"] || m.ADAccountID != frank.ID {
			t.Fatalf("override %+v", m)
		}
		_, err = res.UpdateADAccountMatch(ctx, connID, alice.ID, client.ADMatch{ForceNoMatch: true})
		noErr(t, err)
		wantStatus(t, func() error {
			_, err := res.UpdateADAccountMatch(ctx, connID, alice.ID, client.ADMatch{ForceNoMatch: true, MatchOverrideUserID: f.users["carol"]})
			return err
		}(), http.StatusBadRequest, "force_no_match")
		wantStatus(t, func() error {
			_, err := res.UpdateADAccountMatch(ctx, connID, frank.ID, client.ADMatch{MatchOverrideUserID: "no-such-user"})
			return err
		}(), http.StatusBadRequest, "match_override_user_id")
		noErr(t, res.ForceSyncAD(ctx, connID))
		got = f.accountsByName(t, "")
		if a := got["frank"]; a.MatchStatus != "MANUAL MATCH" || a.MatchedUser == nil || a.MatchedUser.Name != "carol" {
			t.Fatalf("frank after a sync %+v", a)
		}
		if a := got["alice"]; a.MatchStatus != "NO MATCH" || a.MatchedUser != nil {
			t.Fatalf("alice forced to no match %+v", a)
		}
		if m, err := res.GetADAccountMatch(ctx, connID, alice.ID); err != nil || !m.ForceNoMatch || m.RuleMatchUserID != f.users["alice"] {
			t.Fatalf("alice's match %+v %v", m, err)
		}
		_, err = res.UpdateADAccountMatch(ctx, connID, alice.ID, client.ADMatch{})
		noErr(t, err)
		if a := f.accountsByName(t, "alice")["alice"]; a.MatchStatus != "MATCH" {
			t.Fatalf("alice back to the rule's match %+v", a)
		}

		// An account gone from the domain goes at the next sync.
		noErr(t, o.s.Client.FeedADAccounts(ctx, "acme", connID, corpDirectory()[:3]))
		noErr(t, res.ForceSyncAD(ctx, connID))
		if got := f.accountsByName(t, ""); len(got) != 3 || got["frank"].ID != "" {
			t.Fatalf("after frank left: %+v", got)
		}
		// The security admin reads project accounts too; another team sees no connection.
		if l, err := sec.ListProjectADAccounts(ctx, o.rg.ID, o.project.ID, client.ListOptions{}); err != nil || len(l) != 3 {
			t.Fatalf("security admin: %d %v", len(l), err)
		}
		other := newOPATeam(t, o.s, "globex").client("res2", map[string][]string{"resources": {pam.RoleResourceAdmin}})
		_, err = other.GetADConnection(ctx, connID)
		wantStatus(t, err, http.StatusNotFound, "")
		wantStatus(t, other.ForceSyncAD(ctx, connID), http.StatusNotFound, "")
	})
}

// TestOPAActiveDirectoryRules covers rule CRUD, reordering, connection status and the refusals.
func TestOPAActiveDirectoryRules(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, _ *client.OPA) {
		ctx := context.Background()
		f := newADFixture(t, o)
		res, connID := f.res, f.conn.ID

		rules, err := res.ListADRules(ctx, connID)
		noErr(t, err)
		if len(rules) != 2 || rules[0].Name != "people" || rules[0].Priority != 1 || rules[1].Project.Name != "web" {
			t.Fatalf("rules %+v", rules)
		}
		reordered, err := res.ReorderADRules(ctx, connID, map[string]int{rules[1].ID: 1})
		noErr(t, err)
		if reordered[0].ID != rules[1].ID || reordered[1].Priority != 2 {
			t.Fatalf("reordered %+v", reordered)
		}
		_, err = res.ReorderADRules(ctx, connID, map[string]int{rules[1].ID: 3})
		wantStatus(t, err, http.StatusBadRequest, "priority")

		people := rules[0]
		people.OrganizationalUnits = []string{"OU=Nobody,DC=corp,DC=example"}
		noErr(t, res.UpdateADRule(ctx, connID, people.ID, people))
		if r, err := res.GetADRule(ctx, connID, people.ID); err != nil || r.OrganizationalUnits[0] != "OU=Nobody,DC=corp,DC=example" || r.Priority != 2 {
			t.Fatalf("updated %+v %v", r, err)
		}
		noErr(t, res.ForceSyncAD(ctx, connID))
		if got := f.accountsByName(t, ""); len(got) != 1 || got["svc-backup"].ID == "" {
			t.Fatalf("only the shared account is placed: %+v", got)
		}
		noErr(t, res.DeleteADRule(ctx, connID, rules[1].ID))
		if l, err := res.ListADRules(ctx, connID); err != nil || len(l) != 1 || l[0].Priority != 1 {
			t.Fatalf("after delete %+v %v", l, err)
		}

		// Invalid input is refused naming the field; nothing is stored.
		for field, bad := range map[string]client.ADRule{
			"project.id": {Name: "x", RuleType: pam.ADShared, OrganizationalUnits: []string{serviceOU}, ResourceGroup: client.NamedObject{ID: o.rg.ID}},
			"rule_type":  {Name: "x", RuleType: "BOTH", OrganizationalUnits: []string{serviceOU}, Project: client.NamedObject{ID: o.project.ID}, ResourceGroup: client.NamedObject{ID: o.rg.ID}},
			"organizational_units": {Name: "x", RuleType: pam.ADShared, Project: client.NamedObject{ID: o.project.ID},
				ResourceGroup: client.NamedObject{ID: o.rg.ID}},
			"enhanced_filters[0][0].operator": {Name: "x", RuleType: pam.ADShared, OrganizationalUnits: []string{serviceOU},
				EnhancedFilters: [][]client.ADFieldFilter{{{Field: "account_name", Operator: "LIKE", Value: "a"}}},
				Project:         client.NamedObject{ID: o.project.ID}, ResourceGroup: client.NamedObject{ID: o.rg.ID}},
		} {
			_, err := res.CreateADRule(ctx, connID, bad)
			wantStatus(t, err, http.StatusBadRequest, field)
		}
		unknown := client.ADRule{Name: "x", RuleType: pam.ADShared, OrganizationalUnits: []string{serviceOU},
			Project: client.NamedObject{ID: "no-such-project"}, ResourceGroup: client.NamedObject{ID: o.rg.ID}}
		_, err = res.CreateADRule(ctx, connID, unknown)
		wantStatus(t, err, http.StatusBadRequest, "project.id")
		wantStatus(t, res.ConfigureADRuleSettings(ctx, connID, client.ADRuleSettings{}), http.StatusBadRequest, "matching_criteria")
		bad := corpDirectory()
		bad[2].AccountType = "GROUP"
		wantStatus(t, o.s.Client.FeedADAccounts(ctx, "acme", connID, bad), http.StatusBadRequest, "accounts[2].account_type")
		if l, err := res.ListADRules(ctx, connID); err != nil || len(l) != 1 {
			t.Fatalf("rules after refusals %+v %v", l, err)
		}
		noErr(t, res.ForceSyncAD(ctx, connID))
		if all, err := res.ListADConnectionAccounts(ctx, connID); err != nil || len(all) != 6 {
			t.Fatalf("the refused feed changed the domain: %d %v", len(all), err)
		}

		// A disconnected connection neither syncs nor takes rules; inactive is Okta's to set.
		wantStatus(t, res.UpdateADConnectionStatus(ctx, connID, "inactive"), http.StatusBadRequest, "status")
		noErr(t, res.UpdateADConnectionStatus(ctx, connID, "disconnected"))
		if c, err := res.GetADConnection(ctx, connID); err != nil || c.Status != "disconnected" || c.AppInstanceID != "0oaAD1" {
			t.Fatalf("connection %+v %v", c, err)
		}
		wantStatus(t, res.ForceSyncAD(ctx, connID), http.StatusConflict, "disconnected")
		_, err = res.CreateADRule(ctx, connID, client.ADRule{Name: "late", RuleType: pam.ADShared, OrganizationalUnits: []string{serviceOU},
			Project: client.NamedObject{ID: o.project.ID}, ResourceGroup: client.NamedObject{ID: o.rg.ID}})
		wantStatus(t, err, http.StatusBadRequest, "status")
		noErr(t, o.s.Client.SetADConnectionStatus(ctx, "acme", connID, "inactive"))
		wantStatus(t, res.UpdateADConnectionStatus(ctx, connID, "connected"), http.StatusBadRequest, "inactive")
		if l, err := res.ListADConnections(ctx); err != nil || len(l) != 1 || l[0].Status != "inactive" {
			t.Fatalf("connections %+v %v", l, err)
		}
	})
}

// TestOPAActiveDirectorySettings round-trips a project's AD checkout settings and password
// policy, accounts named by domain and SID and resolved (or missing) on read.
func TestOPAActiveDirectorySettings(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, sec *client.OPA) {
		ctx := context.Background()
		f := newADFixture(t, o)
		noErr(t, f.res.ForceSyncAD(ctx, f.conn.ID))
		rg, proj := o.rg.ID, o.project.ID

		def, err := sec.GetADCheckoutSettings(ctx, rg, proj)
		noErr(t, err)
		if def.CheckoutRequired || def.CheckoutDurationInSeconds != 900 || len(def.IncludeList) != 0 {
			t.Fatalf("defaults %+v", def)
		}
		set := client.ADCheckoutSettings{CheckoutRequired: true, CheckoutDurationInSeconds: 3600, ExcludeList: []client.ADAccountRef{},
			IncludeList: []client.ADAccountRef{{Domain: "corp.example", AccountSID: "S-1-5-21-1"}, {Domain: "corp.example", AccountSID: "S-9"}}}
		noErr(t, sec.UpdateADCheckoutSettings(ctx, rg, proj, set))
		got, err := f.res.GetADCheckoutSettings(ctx, rg, proj)
		noErr(t, err)
		yes, no := true, false
		want := []client.ADAccountRef{{Domain: "corp.example", AccountSID: "S-1-5-21-1", AccountName: "alice", Missing: &no},
			{Domain: "corp.example", AccountSID: "S-9", Missing: &yes}}
		if !reflect.DeepEqual(got.IncludeList, want) || got.CheckoutDurationInSeconds != 3600 {
			t.Fatalf("read %+v", got)
		}
		for field, bad := range map[string]client.ADCheckoutSettings{
			"include_list[0].account_sid":  {CheckoutRequired: true, IncludeList: []client.ADAccountRef{{Domain: "corp.example"}}},
			"include_list":                 {CheckoutRequired: true, IncludeList: want[:1], ExcludeList: want[1:]},
			"checkout_duration_in_seconds": {CheckoutRequired: true, CheckoutDurationInSeconds: 60},
		} {
			wantStatus(t, sec.UpdateADCheckoutSettings(ctx, rg, proj, bad), http.StatusBadRequest, field)
		}
		wantStatus(t, f.res.UpdateADCheckoutSettings(ctx, rg, proj, set), http.StatusUnauthorized, "")
		if again, err := sec.GetADCheckoutSettings(ctx, rg, proj); err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("after refusals %+v %v", again, err)
		}

		pol := client.ADPasswordPolicy{MinLengthInBytes: 20, MaxLengthInBytes: 30, EnablePeriodicRotation: true,
			PeriodicRotationDurationInSeconds: 86400, PeriodicRotationAccountSelectorMode: "INCLUDE",
			PeriodicRotationAccountIncludeList: []client.ADAccountRef{{Domain: "corp.example", AccountSID: "S-1-5-21-5"}},
			CharacterOptions:                   client.PasswordCharacterOptions{UpperCase: true, LowerCase: true, Digits: true}}
		stored, err := f.res.UpdateADPasswordPolicy(ctx, rg, proj, pol)
		noErr(t, err)
		if stored.ModifiedAt == "" || stored.PeriodicRotationAccountSelectorMode != "INCLUDE" ||
			stored.PeriodicRotationAccountIncludeList[0].AccountName != "svc-backup" {
			t.Fatalf("stored %+v", stored)
		}
		bad := pol
		bad.PeriodicRotationAccountSelectorMode = "SOME"
		_, err = f.res.UpdateADPasswordPolicy(ctx, rg, proj, bad)
		wantStatus(t, err, http.StatusBadRequest, "periodic_rotation_account_selector_mode")
		if again, err := f.res.GetADPasswordPolicy(ctx, rg, proj); err != nil || !reflect.DeepEqual(again, stored) {
			t.Fatalf("read %+v, stored %+v (%v)", again, stored, err)
		}

		accounts := f.accountsByName(t, "")
		for name, want := range map[string][]string{"alice": {"CHECKOUT"}, "svc-backup": {"ROTATION_SCHEDULE"}, "dave": {}} {
			if got := accounts[name].AccountSettingsEnabled; !slices.Equal(got, want) {
				t.Errorf("%s settings %v, want %v", name, got, want)
			}
		}
	})
}
