package opa_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// matrixParams give each path parameter of an OPA route a value created for that route alone,
// so that an allowed DELETE of one row's object leaves the next row's in place. A route whose
// pattern names a parameter missing here fails TestRoleMatrix: add the parameter with a
// function making a fresh object of the right kind.
var matrixParams = map[string]func(f *fixture, pattern string) string{
	"team_name":         func(f *fixture, _ string) string { return f.w.team },
	"resource_group_id": func(f *fixture, _ string) string { return f.resourceGroup().ID },
	"project_id":        func(f *fixture, _ string) string { return f.project().ID },
	"group_name":        func(f *fixture, _ string) string { return f.group().Name },
	"user_name": func(f *fixture, pattern string) string {
		if strings.Contains(pattern, "/service_users/") {
			return f.serviceUser().Name
		}
		return f.human().Name
	},
	"key_id":                     func(f *fixture, _ string) string { return f.key().ID },
	"server_enrollment_token_id": func(f *fixture, _ string) string { return f.enrollmentToken().ID },
	"server_id":                  func(f *fixture, _ string) string { return f.server() },
	"server_account_id":          func(f *fixture, _ string) string { return f.serverAccount() },
	"security_policy_id":         func(f *fixture, _ string) string { return f.securityPolicy() },
	"ad_connection_id":           func(f *fixture, _ string) string { return f.adConnection() },
	"ad_account_id":              func(f *fixture, _ string) string { return f.adAccount() },
	"ad_account_rule_id":         func(f *fixture, _ string) string { return f.adRule() },
	"saas_app_instance_id":       func(f *fixture, _ string) string { return f.saasApp() },
	"saas_app_account_id":        func(f *fixture, _ string) string { return f.serviceAccount(store.ServiceAccountSaaS) },
	"okta_universal_directory_account_id": func(f *fixture, _ string) string {
		return f.serviceAccount(store.ServiceAccountUD)
	},
	"staged_service_account_id": func(f *fixture, _ string) string { return f.stagedAccount() },
	"secret_folder_id":          func(f *fixture, _ string) string { return f.secretFolder() },
	"secret_id":                 func(f *fixture, _ string) string { return f.secret() },
}

// matrixBodies are valid request bodies per operationId; %[1]s is replaced by a name unique to
// the request, %[2]s by the name of a human user, %[3]s by the id of the row's resource group. A write without an entry is sent `{}`, and its 400 counts as allowed past the
// authorization check.
var matrixBodies = map[string]string{
	"CreateResourceGroup":        `{"name":"rg-%[1]s","description":"d"}`,
	"UpdateResourceGroup":        `{"description":"changed"}`,
	"CreateResourceGroupProject": `{"name":"p-%[1]s"}`,
	"UpdateResourceGroupProject": `{"gateway_selector":"REGION=EU"}`,
	"CreateGroup":                `{"name":"g-%[1]s","roles":["resource_admin"]}`,
	"CreateServiceUser":          `{"name":"su-%[1]s"}`,
	"UpdateServiceUser":          `{"status":"ACTIVE"}`,
	"AddUserToGroup":             `{"name":"%[2]s"}`,
	"CreateSecurityPolicy": `{"name":"sp-%[1]s","description":"","active":true,"principals":{"user_groups":[]},` +
		`"resource_group":{"id":"%[3]s"},"rules":[]}`,
	"UpdatePasswordPolicyForProject": `{"min_length_in_bytes":20,"max_length_in_bytes":24,"enable_periodic_rotation":false,` +
		`"character_options":{"upper_case":true,"lower_case":true,"digits":true,"punctuation":false}}`,
}

// world is the team and the principals every row is called by.
type world struct {
	t      *testing.T
	ctx    context.Context
	pam    *pam.Service
	team   string
	teamID string
	// delegates is the group whose member is the delegated resource admin of every row's
	// resource group; securityDelegates, the group whose member is its delegated security admin.
	delegates, securityDelegates store.OPAGroup
	human                        string // a human user any row may name
	// securityAdmin makes the fixtures only a security admin may make.
	securityAdmin pam.Principal
	// everyone is a group holding every caller: a fixture's security policy grants it what the
	// secrets routes need past authorization.
	everyone store.OPAGroup
	seq      *atomic.Int64
}

// in is the world seen from a subtest, whose setup failures stop that subtest.
func (w *world) in(t *testing.T) *world {
	c := *w
	c.t = t
	return &c
}

// fixture makes, lazily, the objects one route's path names.
type fixture struct {
	w      *world
	rg     *pam.ResourceGroup
	proj   *pam.Project
	grp    *store.OPAGroup
	usr    *store.OPAUser
	svc    *store.OPAUser
	newKey *pam.NewKey
	enroll *pam.EnrollmentToken
	srv    string // a server enrolled in the project
	policy string
	adConn string // an Active Directory connection whose one account a rule places in the project
	adRul  string
	app    string // a SaaS app instance with one account
	folder string // a top-level secret folder on which a policy grants everyone every privilege
}

func (w *world) unique(prefix string) string { return fmt.Sprintf("%s-%d", prefix, w.seq.Add(1)) }

// check stops the test on a setup failure.
func (w *world) check(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatalf("matrix setup: %v", err)
	}
}

func (f *fixture) resourceGroup() pam.ResourceGroup {
	if f.rg == nil {
		name, refs := f.w.unique("rg"), []pam.GroupRef{{ID: f.w.delegates.ID, Type: pam.GroupType}}
		rg, err := f.w.pam.CreateResourceGroup(f.w.ctx, f.w.teamID, pam.ResourceGroupInput{Name: &name, AdminGroups: &refs})
		f.w.check(err)
		_, err = f.w.pam.SetSecurityAdminGroups(f.w.ctx, f.w.teamID, rg.ID, []string{f.w.securityDelegates.Name})
		f.w.check(err)
		f.rg = &rg
	}
	return *f.rg
}

func (f *fixture) project() pam.Project {
	if f.proj == nil {
		name := f.w.unique("project")
		discover := true // its servers' local accounts are recorded, for {server_account_id}
		p, err := f.w.pam.CreateProject(f.w.ctx, f.w.teamID, f.resourceGroup().ID, pam.ProjectInput{Name: &name, ServerAccountManagement: &discover})
		f.w.check(err)
		f.proj = &p
	}
	return *f.proj
}

func (f *fixture) group() store.OPAGroup {
	if f.grp == nil {
		g, err := f.w.pam.CreateGroup(f.w.ctx, f.w.teamID, f.w.unique("group"), nil)
		f.w.check(err)
		f.w.check(f.w.pam.AddMember(f.w.ctx, f.w.teamID, g.Name, f.w.human))
		f.grp = &g
	}
	return *f.grp
}

func (f *fixture) human() store.OPAUser {
	if f.usr == nil {
		u, err := f.w.pam.CreateUser(f.w.ctx, f.w.teamID, pam.NewUser{Name: f.w.unique("human"), Email: "h@example.com"})
		f.w.check(err)
		f.usr = &u
	}
	return *f.usr
}

func (f *fixture) serviceUser() store.OPAUser {
	if f.svc == nil {
		u, err := f.w.pam.CreateServiceUser(f.w.ctx, f.w.teamID, f.w.unique("svc"))
		f.w.check(err)
		f.svc = &u
	}
	return *f.svc
}

func (f *fixture) key() pam.NewKey {
	if f.newKey == nil {
		k, err := f.w.pam.CreateKey(f.w.ctx, f.w.teamID, f.serviceUser().Name)
		f.w.check(err)
		f.newKey = &k
	}
	return *f.newKey
}

func (f *fixture) projectRef() pam.ProjectRef {
	return pam.ProjectRef{TeamID: f.w.teamID, TeamName: f.w.team, ResourceGroupID: f.resourceGroup().ID, ProjectID: f.project().ID}
}

func (f *fixture) enrollmentToken() pam.EnrollmentToken {
	if f.enroll == nil {
		tok, err := f.w.pam.CreateEnrollmentToken(f.w.ctx, f.projectRef(), "matrix", "matrix")
		f.w.check(err)
		f.enroll = &tok
	}
	return *f.enroll
}

// server enrolls a server with one local account, root, in the route's project.
func (f *fixture) server() string {
	if f.srv == "" {
		e, err := f.w.pam.Enroll(f.w.ctx, f.enrollmentToken().Token, pam.Enrollment{Hostname: f.w.unique("host"), OSType: "linux", Accounts: []string{"root"}})
		f.w.check(err)
		f.srv = e.ServerID
	}
	return f.srv
}

func (f *fixture) serverAccount() string {
	accounts, err := f.w.pam.ListServerServerAccounts(f.w.ctx, f.projectRef(), f.server(), store.Page{})
	f.w.check(err)
	if len(accounts) == 0 {
		f.w.t.Fatal("matrix setup: the enrolled server has no account")
	}
	return accounts[0].ID
}

// securityPolicy makes a policy of the route's resource group granting SSH password checkout on
// servers labelled env=prod.
func (f *fixture) securityPolicy() string {
	if f.policy == "" {
		rule := pam.PolicyRule{Name: "prod servers", ResourceType: pam.ServerBasedResource,
			Servers: []pam.ServerSelector{{Kind: pam.SelectServerLabel, Labels: map[string]string{"env": "prod"}, AccountSelector: pam.AccountsNone}},
			Privileges: []pam.Privilege{{Type: pam.PrivilegePasswordCheckoutSSH, Granted: true,
				Value: json.RawMessage(`{"_type":"password_checkout_ssh","password_checkout_ssh":true}`)}}}
		sp, err := f.w.pam.CreateSecurityPolicy(f.w.ctx, f.w.securityAdmin, pam.PolicyInput{Policy: pam.SecurityPolicy{
			Name: f.w.unique("policy"), Active: true, ResourceGroupID: f.resourceGroup().ID, Rules: []pam.PolicyRule{rule}}})
		f.w.check(err)
		f.policy = sp.ID
	}
	return f.policy
}

// secretFolder makes a top-level secret folder of the project and a policy granting everyone
// every secret privilege on it.
func (f *fixture) secretFolder() string {
	if f.folder == "" {
		now := time.Now()
		it := store.SecretItem{ID: f.w.unique("folder"), TeamID: f.w.teamID, ProjectID: f.project().ID, Kind: store.SecretFolder,
			Name: f.w.unique("folder"), CreatedAt: now, CreatedBy: "fixture", UpdatedAt: now, UpdatedBy: "fixture"}
		f.w.check(f.w.pam.Store.CreateSecretItem(f.w.ctx, it))
		rule := pam.PolicyRule{Name: "secrets", ResourceType: pam.SecretBasedResource,
			Selector: json.RawMessage(`{"_type":"secret_based_resource","selectors":[{"selector_type":"secret_folder",` +
				`"selector":{"_type":"secret_folder","secret_folder":{"id":"` + it.ID + `"}}}]}`),
			Privileges: []pam.Privilege{{Type: pam.PrivilegeSecret, Value: json.RawMessage(`{"_type":"secret","list":true,` +
				`"folder_create":true,"folder_update":true,"folder_delete":true,"secret_create":true,"secret_update":true,` +
				`"secret_reveal":true,"secret_delete":true}`)}}}
		_, err := f.w.pam.CreateSecurityPolicy(f.w.ctx, f.w.securityAdmin, pam.PolicyInput{Policy: pam.SecurityPolicy{
			Name: f.w.unique("secrets"), Active: true, ResourceGroupID: f.resourceGroup().ID, Rules: []pam.PolicyRule{rule}},
			GroupIDs: []string{f.w.everyone.ID}})
		f.w.check(err)
		f.folder = it.ID
	}
	return f.folder
}

// secret makes a secret in the fixture's folder (its value is never unsealed by the matrix).
func (f *fixture) secret() string {
	now := time.Now()
	it := store.SecretItem{ID: f.w.unique("secret"), TeamID: f.w.teamID, ProjectID: f.project().ID, ParentID: f.secretFolder(),
		Kind: store.SecretKeyValue, Name: f.w.unique("secret"), Value: "sealed", CreatedAt: now, CreatedBy: "fixture", UpdatedAt: now, UpdatedBy: "fixture"}
	f.w.check(f.w.pam.Store.CreateSecretItem(f.w.ctx, it))
	return it.ID
}

// adConnection makes a connection of its own domain, fed one individual account under
// OU=Service, which a rule places in the route's project and a sync applies.
func (f *fixture) adConnection() string {
	if f.adConn == "" {
		ctx, teamID, n := f.w.ctx, f.w.teamID, f.w.seq.Add(1)
		domain := fmt.Sprintf("corp%d.example", n)
		dc := strings.ReplaceAll("DC="+domain, ".", ",DC=")
		c, err := f.w.pam.CreateADConnection(ctx, teamID, pam.NewADConnection{Domain: domain, AppInstanceID: fmt.Sprintf("0oaAD%d", n)})
		f.w.check(err)
		f.w.check(f.w.pam.FeedADDirectory(ctx, teamID, c.ID, []pam.ADEntry{{SID: fmt.Sprintf("S-1-5-21-%d", n),
			SAMAccountName: "svc", UPN: "svc@" + domain, DistinguishedName: "CN=svc,OU=Service," + dc, AccountType: pam.ADIndividual}}))
		name, typ := f.w.unique("rule"), pam.ADIndividual
		r, err := f.w.pam.CreateADRule(ctx, teamID, c.ID, pam.ADRuleInput{Name: &name, RuleType: &typ,
			ResourceGroupID: f.resourceGroup().ID, ProjectID: f.project().ID, OrganizationalUnits: []string{"OU=Service," + dc}})
		f.w.check(err)
		f.w.check(f.w.pam.ForceSyncAD(ctx, teamID, c.ID))
		f.adConn, f.adRul = c.ID, r.ID
	}
	return f.adConn
}

func (f *fixture) adRule() string {
	f.adConnection()
	return f.adRul
}

func (f *fixture) adAccount() string {
	accounts, err := f.w.pam.ListConnectionADAccounts(f.w.ctx, f.w.teamID, f.adConnection(), store.Page{})
	f.w.check(err)
	if len(accounts) == 0 {
		f.w.t.Fatal("matrix setup: the fed connection has no account")
	}
	return accounts[0].ID
}

func (f *fixture) saasApp() string {
	if f.app == "" {
		n := f.w.seq.Add(1)
		a, _, err := f.w.pam.PutSaaSApp(f.w.ctx, f.w.teamID, pam.SaaSAppInput{ID: fmt.Sprintf("0oaSaaS%d", n), Name: "GitHub", GlobalAppName: "GitHub"})
		f.w.check(err)
		_, err = f.w.pam.FeedSaaSAccounts(f.w.ctx, f.w.teamID, a.ID, []pam.ServiceAccountEntry{{ExternalID: fmt.Sprintf("app%d", n),
			Name: "ci bot", Username: "ci", Managed: true}})
		f.w.check(err)
		f.app = a.ID
	}
	return f.app
}

// serviceAccount is an account of the kind assigned to the project: a SaaS one of the app, or
// a UD one fed for the row.
func (f *fixture) serviceAccount(kind string) string {
	if kind == store.ServiceAccountUD {
		id := f.stagedAccount()
		f.w.check(f.w.pam.AssignServiceAccount(f.w.ctx, f.w.teamID, id, f.project().ID, false))
		return id
	}
	accounts, err := f.w.pam.ListStagedServiceAccounts(f.w.ctx, f.w.teamID, pam.StagedQuery{AppIDs: []string{f.saasApp()}}, store.Page{})
	f.w.check(err)
	if len(accounts) == 0 {
		f.w.t.Fatal("matrix setup: the fed app has no staged account")
	}
	f.w.check(f.w.pam.AssignServiceAccount(f.w.ctx, f.w.teamID, accounts[0].ID, f.project().ID, false))
	return accounts[0].ID
}

// stagedAccount is a new UD account, not assigned. A UD feed replaces the team's whole
// directory, so each one keeps the accounts fed before it.
func (f *fixture) stagedAccount() string {
	n := f.w.seq.Add(1)
	staged, err := f.w.pam.ListStagedServiceAccounts(f.w.ctx, f.w.teamID, pam.StagedQuery{}, store.Page{})
	f.w.check(err)
	assigned, err := f.w.pam.ListAllServiceAccounts(f.w.ctx, f.w.teamID, store.ServiceAccountUD, "", nil, store.Page{})
	f.w.check(err)
	var entries []pam.ServiceAccountEntry
	for _, v := range append(staged, assigned...) {
		if v.Kind == store.ServiceAccountUD {
			entries = append(entries, pam.ServiceAccountEntry{ExternalID: v.ExternalID, Name: v.Name, Username: v.Username, Managed: v.Managed})
		}
	}
	ext := fmt.Sprintf("00uUD%d", n)
	entries = append(entries, pam.ServiceAccountEntry{ExternalID: ext, Name: "deploy", Username: fmt.Sprintf("deploy%d@example.com", n), Managed: true})
	_, err = f.w.pam.FeedUDAccounts(f.w.ctx, f.w.teamID, entries)
	f.w.check(err)
	again, err := f.w.pam.ListStagedServiceAccounts(f.w.ctx, f.w.teamID, pam.StagedQuery{}, store.Page{})
	f.w.check(err)
	for _, v := range again {
		if v.ExternalID == ext {
			return v.ID
		}
	}
	f.w.t.Fatal("matrix setup: the fed UD account is not staged")
	return ""
}

// body is the request body of a write, with a name unique to the request.
func (f *fixture) body(operationID string) string {
	b, ok := matrixBodies[operationID]
	switch {
	case !ok:
		return `{}`
	case !strings.Contains(b, "%["):
		return b
	}
	rgID := ""
	if strings.Contains(b, "%[3]s") {
		rgID = f.resourceGroup().ID
	}
	return fmt.Sprintf(b, f.w.unique("m"), f.w.human, rgID)
}

// principal makes a service user in a new group holding roles (none: in no group), and returns
// a bearer token for it.
func (w *world) principal(roles ...string) (user, token string) {
	user = w.unique("caller")
	_, err := w.pam.CreateServiceUser(w.ctx, w.teamID, user)
	w.check(err)
	w.check(w.pam.AddMember(w.ctx, w.teamID, w.everyone.Name, user))
	if len(roles) > 0 {
		g, err := w.pam.CreateGroup(w.ctx, w.teamID, w.unique("callers"), roles)
		w.check(err)
		w.check(w.pam.AddMember(w.ctx, w.teamID, g.Name, user))
	}
	return user, w.token(w.team, user, time.Now())
}

// token mints a service token for a user at now (valid an hour).
func (w *world) token(team, user string, now time.Time) string {
	tm, err := w.pam.Team(w.ctx, team)
	w.check(err)
	k, err := w.pam.CreateKey(w.ctx, tm.ID, user)
	w.check(err)
	tok, err := w.pam.IssueServiceToken(w.ctx, team, k.ID, k.Secret, now, time.Hour)
	w.check(err)
	return tok.Token
}

// delegate makes a member of group and returns its token.
func (w *world) delegate(group string) string {
	user := w.unique("delegate")
	_, err := w.pam.CreateServiceUser(w.ctx, w.teamID, user)
	w.check(err)
	w.check(w.pam.AddMember(w.ctx, w.teamID, w.everyone.Name, user))
	w.check(w.pam.AddMember(w.ctx, w.teamID, group, user))
	return w.token(w.team, user, time.Now())
}

// state is everything of the team a write could change, as JSON for comparing.
func (w *world) state() string {
	w.t.Helper()
	s, all := w.pam.Store, store.Page{}
	snapshot := map[string]any{}
	rgs, err := s.ListResourceGroups(w.ctx, w.teamID, all)
	w.check(err)
	snapshot["resource_groups"] = rgs
	for _, rg := range rgs {
		snapshot["projects/"+rg.ID], err = s.ListProjects(w.ctx, w.teamID, rg.ID, all)
		w.check(err)
	}
	groups, err := s.ListOPAGroups(w.ctx, w.teamID, all)
	w.check(err)
	snapshot["groups"] = groups
	for _, g := range groups {
		snapshot["members/"+g.ID], err = s.ListOPAGroupMembers(w.ctx, w.teamID, g.ID, all)
		w.check(err)
	}
	users, err := s.ListOPAUsers(w.ctx, w.teamID, "", all)
	w.check(err)
	snapshot["users"] = users
	for _, u := range users {
		snapshot["keys/"+u.ID], err = s.ListOPAKeys(w.ctx, w.teamID, u.ID, all)
		w.check(err)
	}
	b, err := json.Marshal(snapshot)
	w.check(err)
	return string(b)
}

func newWorld(t *testing.T, st store.Store, team string) *world {
	w := &world{t: t, ctx: context.Background(), pam: &pam.Service{Store: st, Clock: clock.Real{}}, team: team, seq: new(atomic.Int64)}
	tm, err := w.pam.Team(w.ctx, team)
	w.check(err)
	w.teamID = tm.ID
	w.delegates, err = w.pam.CreateGroup(w.ctx, w.teamID, "delegates", nil)
	w.check(err)
	w.securityDelegates, err = w.pam.CreateGroup(w.ctx, w.teamID, "security-delegates", nil)
	w.check(err)
	w.everyone, err = w.pam.CreateGroup(w.ctx, w.teamID, "everyone", nil)
	w.check(err)
	(&fixture{w: w}).resourceGroup() // the delegates are delegated resource admins from the start
	u, err := w.pam.CreateUser(w.ctx, w.teamID, pam.NewUser{Name: "member", Email: "m@example.com"})
	w.check(err)
	w.human = u.Name
	sec, err := w.pam.CreateServiceUser(w.ctx, w.teamID, "fixture-security-admin")
	w.check(err)
	g, err := w.pam.CreateGroup(w.ctx, w.teamID, "fixture-security-admins", []string{pam.RoleSecurityAdmin})
	w.check(err)
	w.check(w.pam.AddMember(w.ctx, w.teamID, g.Name, sec.Name))
	w.securityAdmin = pam.Principal{TeamID: w.teamID, UserID: sec.ID}
	return w
}
