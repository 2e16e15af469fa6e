package opa_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/httpapi/opa"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// caller is one column of the role matrix: the Authorization header it sends, and what it is.
type caller struct {
	name  string
	auth  string
	valid bool     // a credential of this team that still works
	roles []string // its roles, when valid
	// delegatedHere: a delegated resource admin of every row's resource group; securityHere: a
	// delegated security admin of it.
	delegatedHere, securityHere bool
}

// allowed is the documented rule: a working credential of the team holding one of the route's
// roles, where a delegated role counts on a row scoped to a resource group (resourceScoped)
// only for a delegated admin of that resource group: delegated_resource_admin through its owner
// groups, delegated_security_admin through its delegated security admin groups.
func (c caller) allowed(r wire.Route) bool {
	return c.holds(r, false)
}

// holds reports whether the caller holds one of the route's roles; anywhere, or, unless
// anywhere, in the path's resource group.
func (c caller) holds(r wire.Route, anywhere bool) bool {
	if !c.valid {
		return false
	}
	if len(r.Roles) == 0 {
		return true
	}
	inResourceGroup := resourceScoped(r) && !anywhere
	for _, role := range r.Roles {
		if !slices.Contains(c.roles, role) {
			continue
		}
		if inResourceGroup && (role == pam.RoleDelegatedResourceAdmin && !c.delegatedHere ||
			role == pam.RoleDelegatedSecurityAdmin && !c.securityHere) {
			continue
		}
		return true
	}
	return false
}

// resourceScoped reports whether a row acts inside one resource group: the path names it, or a
// security policy (of the row's resource group), or the body does (CreateSecurityPolicy's
// matrixBodies entry names the row's resource group).
func resourceScoped(r wire.Route) bool {
	return strings.Contains(r.Pattern, "{resource_group_id}") || strings.Contains(r.Pattern, "{security_policy_id}") ||
		r.Name == "CreateSecurityPolicy"
}

// callers sets up the matrix's columns in w.
func callers(t *testing.T, w *world) []caller {
	bearer := func(token string) string { return "Bearer " + token }
	endUser := []string{pam.RoleEndUser}
	with := func(role string) []string { return []string{pam.RoleEndUser, role} }

	disabled := w.unique("disabled")
	_, err := w.pam.CreateServiceUser(w.ctx, w.teamID, disabled)
	w.check(err)
	w.check(w.pam.AddMember(w.ctx, w.teamID, "keyward-admins", disabled))
	disabledToken := w.token(w.team, disabled, time.Now())
	_, err = w.pam.SetUserStatus(w.ctx, w.teamID, disabled, "DISABLED")
	w.check(err)

	keyless := w.unique("keyless")
	_, err = w.pam.CreateServiceUser(w.ctx, w.teamID, keyless)
	w.check(err)
	w.check(w.pam.AddMember(w.ctx, w.teamID, "keyward-admins", keyless))
	k, err := w.pam.CreateKey(w.ctx, w.teamID, keyless)
	w.check(err)
	keylessToken, err := w.pam.IssueServiceToken(w.ctx, w.team, k.ID, k.Secret, time.Now(), time.Hour)
	w.check(err)
	w.check(w.pam.DeleteKey(w.ctx, w.teamID, keyless, k.ID))

	expired := w.unique("expired")
	_, err = w.pam.CreateServiceUser(w.ctx, w.teamID, expired)
	w.check(err)
	w.check(w.pam.AddMember(w.ctx, w.teamID, "keyward-admins", expired))

	other, err := w.pam.CreateTeam(w.ctx, pam.NewTeam{Name: "other"})
	w.check(err)
	otherToken, err := w.pam.IssueServiceToken(w.ctx, "other", other.Key.ID, other.Key.Secret, time.Now(), time.Hour)
	w.check(err)

	// The delegated resource admin of another resource group owns one of its own, and the
	// delegated security admin of another secures it.
	elsewhere, err := w.pam.CreateGroup(w.ctx, w.teamID, "delegates-elsewhere", nil)
	w.check(err)
	securityElsewhere, err := w.pam.CreateGroup(w.ctx, w.teamID, "security-delegates-elsewhere", nil)
	w.check(err)
	name, refs := "elsewhere", []pam.GroupRef{{ID: elsewhere.ID}}
	rgElsewhere, err := w.pam.CreateResourceGroup(w.ctx, w.teamID, pam.ResourceGroupInput{Name: &name, AdminGroups: &refs})
	w.check(err)
	_, err = w.pam.SetSecurityAdminGroups(w.ctx, w.teamID, rgElsewhere.ID, []string{securityElsewhere.Name})
	w.check(err)

	_, endUserToken := w.principal()
	_, resourceAdmin := w.principal(pam.RoleResourceAdmin)
	_, securityAdmin := w.principal(pam.RoleSecurityAdmin)
	_, pamAdmin := w.principal(pam.RolePAMAdmin)
	delegatedRoles := with(pam.RoleDelegatedResourceAdmin)
	securityRoles := with(pam.RoleDelegatedSecurityAdmin)
	return []caller{
		{name: "no token"},
		{name: "malformed header", auth: "Bearer"},
		{name: "expired token", auth: bearer(w.token(w.team, expired, time.Now().Add(-2*time.Hour)))},
		{name: "another team's token", auth: bearer(otherToken.Token)},
		{name: "disabled service user", auth: bearer(disabledToken)},
		{name: "deleted key", auth: bearer(keylessToken.Token)},
		{name: "end user", auth: bearer(endUserToken), valid: true, roles: endUser},
		{name: "resource admin", auth: bearer(resourceAdmin), valid: true, roles: with(pam.RoleResourceAdmin)},
		{name: "security admin", auth: bearer(securityAdmin), valid: true, roles: with(pam.RoleSecurityAdmin)},
		{name: "PAM admin", auth: bearer(pamAdmin), valid: true, roles: with(pam.RolePAMAdmin)},
		{name: "delegated resource admin here", auth: bearer(w.delegate(w.delegates.Name)), valid: true, roles: delegatedRoles, delegatedHere: true},
		{name: "delegated resource admin elsewhere", auth: bearer(w.delegate(elsewhere.Name)), valid: true, roles: delegatedRoles},
		{name: "delegated security admin here", auth: bearer(w.delegate(w.securityDelegates.Name)), valid: true, roles: securityRoles, securityHere: true},
		{name: "delegated security admin elsewhere", auth: bearer(w.delegate(securityElsewhere.Name)), valid: true, roles: securityRoles},
	}
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// TestRoleMatrix calls every OPA route of the route table as every kind of caller. A refused
// caller gets 401 in OPA's body and its write changes nothing; an allowed one gets past
// authorization (neither 401 nor 403). Each route gets fresh objects for its path parameters
// (matrixParams), and refused callers go first, before an allowed DELETE removes the object.
func TestRoleMatrix(t *testing.T) {
	for _, db := range []struct {
		name     string
		postgres bool
	}{{"SQLite", false}, {"PostgreSQL", true}} {
		t.Run(db.name, func(t *testing.T) {
			s := apptest.Start(t, apptest.Options{Postgres: db.postgres, Configure: func(c *config.Config) {
				c.OPATeam, c.OPARateLimit = "acme", 1<<20 // every route × every caller in a few seconds
			}})
			roleMatrix(t, s, newWorld(t, s.App.Store(), "acme"))
		})
	}
}

func roleMatrix(t *testing.T, s *apptest.Server, w *world) {
	cols := callers(t, w)
	for _, r := range (&opa.Handlers{}).Routes() {
		if r.Access != wire.OPABearer {
			continue
		}
		t.Run(r.Name, func(t *testing.T) {
			f := &fixture{w: w.in(t)}
			path := r.Pattern
			for _, m := range pathParam.FindAllStringSubmatch(r.Pattern, -1) {
				make, ok := matrixParams[m[1]]
				if !ok {
					t.Fatalf("%s %s: no fixture for path parameter {%s}: add it to matrixParams (matrix_fixtures_test.go)", r.Method, r.Pattern, m[1])
				}
				path = strings.Replace(path, m[0], make(f, r.Pattern), 1)
			}
			ordered := slices.Clone(cols)
			slices.SortStableFunc(ordered, func(a, b caller) int { return boolInt(a.allowed(r)) - boolInt(b.allowed(r)) })
			for _, c := range ordered {
				var body []byte
				if r.Method == http.MethodPost || r.Method == http.MethodPut {
					body = []byte(f.body(r.Name))
				}
				before := ""
				if r.Method != http.MethodGet {
					before = f.w.state()
				}
				status, got := send(t, s, r.Method, path, c.auth, body)
				switch {
				case c.allowed(r) && (status == 401 || status == 403 || status >= 500):
					t.Errorf("%s: %s %s answered %d %s, want it allowed", c.name, r.Method, path, status, got)
				case !c.allowed(r):
					var e struct {
						Code int    `json:"code"`
						Type string `json:"type"`
					}
					want, kind := 401, "authorization_error"
					if status != want || json.Unmarshal(got, &e) != nil || e.Code != want || e.Type != kind {
						t.Errorf("%s: %s %s answered %d %s, want %d in OPA's body", c.name, r.Method, path, status, got, want)
					}
					if before != "" && f.w.state() != before {
						t.Errorf("%s: a refused %s %s changed the team's state", c.name, r.Method, path)
					}
					if body != nil && r.Name != "CreateSecurityPolicy" { // the role is checked before the body is read (that row's resource group is in its body)
						if status, got := send(t, s, r.Method, path, c.auth, []byte(`{"broken`)); status != want {
							t.Errorf("%s: %s %s with a broken body answered %d %s, want %d", c.name, r.Method, path, status, got, want)
						}
					}
				}
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// send makes one request with the Authorization header auth ("" for none).
func send(t *testing.T, s *apptest.Server, method, path, auth string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, got
}
