package e2e

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
)

// TestOPAPrincipals drives every principal operation of api/opa-team.yaml through client/, on
// each store; apptest validates every answer against the spec. The steps run in order on one
// server: later ones use the users and groups earlier ones made.
func TestOPAPrincipals(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, db.postgres)
			acme := newPrincipalTeam(t, s, "acme")
			other := newPrincipalTeam(t, s, "other")
			t.Run("current user and roles", func(t *testing.T) { checkCurrentUserAndRoles(t, acme) })
			t.Run("users", func(t *testing.T) { checkUsers(t, s, acme) })
			t.Run("groups", func(t *testing.T) { checkGroups(t, s, acme) })
			t.Run("service users and keys", func(t *testing.T) { checkServiceUsers(t, s, acme) })
			t.Run("team isolation", func(t *testing.T) { checkPrincipalIsolation(t, s, acme, other) })
			t.Run("end user", func(t *testing.T) { checkEndUser(t, s, acme) })
			t.Run("invalid input", func(t *testing.T) { checkPrincipalInput(t, s, acme) })
			t.Run("admin API", func(t *testing.T) { checkTeamAdmin(t, s) })
		})
	}
}

func checkCurrentUserAndRoles(t *testing.T, team principalTeam) {
	ctx := context.Background()
	me, err := team.admin.CurrentUser(ctx)
	if err != nil || me.Name != "keyward-admin" || me.TeamName != "acme" || me.ID == "" {
		t.Fatalf("current user %+v, %v", me, err)
	}
	roles, err := team.admin.ListRoles(ctx)
	mustOPA(t, "list roles", err)
	want := []string{"delegated_resource_admin", "end_user", "pam_admin", "resource_admin", "security_admin"}
	if !slices.Equal(roles, want) {
		t.Fatalf("roles %q, want %q", roles, want)
	}
}

func checkUsers(t *testing.T, s *apptest.Server, team principalTeam) {
	ctx := context.Background()
	for _, name := range []string{"jason", "benjy", "quentin"} {
		_, err := s.Client.CreateTeamUser(ctx, "acme", client.TeamUser{Name: name, Email: name + "@example.com", FirstName: "F", LastName: name})
		mustOPA(t, "create user", err)
	}
	u, err := team.admin.GetUser(ctx, "jason")
	mustOPA(t, "get user", err)
	if u.UserType != "human" || u.Status != client.UserActive || u.TeamName != "acme" || u.DeletedAt != nil ||
		u.Details == nil || *u.Details.Email != "jason@example.com" || *u.Details.FullName != "F jason" {
		t.Fatalf("user %+v %+v", u, u.Details)
	}
	// Humans only unless service users are asked for, every page exactly once.
	users, err := team.admin.ListUsers(ctx, client.ListOptions{Count: 2})
	mustOPA(t, "list users", err)
	sameNameSet(t, "users", opaUserNames(users), []string{"benjy", "jason", "quentin"})
	var all []client.OPAUser
	_, err = team.admin.Page(ctx, "users?include_service_users=true", &all)
	mustOPA(t, "list users with service users", err)
	sameNameSet(t, "all users", opaUserNames(all), []string{"benjy", "jason", "keyward-admin", "quentin"})
	desc, err := team.admin.ListUsers(ctx, client.ListOptions{Descending: true, Contains: "N"})
	mustOPA(t, "list users descending", err)
	if got := opaUserNames(desc); !slices.Equal(got, []string{"quentin", "jason", "benjy"}) {
		t.Fatalf("descending users containing n: %q", got)
	}
	var byID []client.OPAUser
	_, err = team.admin.Page(ctx, "users?include_service_users=true&id="+u.ID+"&id=no-such-id", &byID)
	if err != nil || len(byID) != 1 || byID[0].Name != "jason" {
		t.Fatalf("users by id: %+v, %v", byID, err)
	}
	_, err = s.Client.SetTeamUserStatus(ctx, "acme", "quentin", client.UserDeleted)
	mustOPA(t, "delete user", err)
	if u, err := team.admin.GetUser(ctx, "quentin"); err != nil || u.Status != client.UserDeleted || u.DeletedAt == nil {
		t.Fatalf("deleted user %+v, %v", u, err)
	}
	_, err = team.admin.GetUser(ctx, "nobody")
	wantOPAStatus(t, "unknown user", err, http.StatusNotFound, "")

	_, err = team.admin.CreateGroup(ctx, "compsons", []string{"security_admin"})
	mustOPA(t, "create group", err)
	mustOPA(t, "add member", team.admin.AddUserToGroup(ctx, "compsons", "jason"))
	groups, err := team.admin.ListUserGroups(ctx, "jason", client.ListOptions{})
	mustOPA(t, "user groups", err)
	if len(groups) != 1 || groups[0].Name != "compsons" || !slices.Equal(groups[0].Roles, []string{"security_admin"}) {
		t.Fatalf("jason's groups %+v", groups)
	}
	admins, err := team.admin.ListUserGroups(ctx, "keyward-admin", client.ListOptions{})
	mustOPA(t, "admin's groups", err)
	sameNameSet(t, "admin's groups", opaGroupNames(admins), []string{"keyward-admins"})
}

func checkGroups(t *testing.T, s *apptest.Server, team principalTeam) {
	ctx := context.Background()
	g, err := team.admin.CreateGroup(ctx, "ops", []string{"resource_admin", "pam_admin", "resource_admin"})
	mustOPA(t, "create group", err)
	if g.ID == "" || g.Name != "ops" || !slices.Equal(g.Roles, []string{"pam_admin", "resource_admin"}) {
		t.Fatalf("created %+v", g)
	}
	_, err = team.admin.CreateGroup(ctx, "ops", nil)
	wantOPAStatus(t, "duplicate group", err, http.StatusConflict, "")
	got, err := team.admin.GetGroup(ctx, "ops")
	if err != nil || got.ID != g.ID {
		t.Fatalf("get %+v, %v", got, err)
	}
	mustOPA(t, "update group", team.admin.UpdateGroup(ctx, "ops", []string{"security_admin"}))
	if got, err := team.admin.GetGroup(ctx, "ops"); err != nil || !slices.Equal(got.Roles, []string{"security_admin"}) {
		t.Fatalf("updated %+v, %v", got, err)
	}
	for _, name := range []string{"g1", "g2", "g3"} {
		_, err := team.admin.CreateGroup(ctx, name, nil)
		mustOPA(t, "create "+name, err)
	}
	groups, err := team.admin.ListGroups(ctx, client.ListOptions{Count: 2})
	mustOPA(t, "list groups", err)
	sameNameSet(t, "groups", opaGroupNames(groups), []string{"compsons", "g1", "g2", "g3", "keyward-admins", "ops"})
	var deleted []client.OPAGroup
	if _, err := team.admin.Page(ctx, "groups?only_include_deleted=true", &deleted); err != nil || len(deleted) != 0 {
		t.Fatalf("deleted groups %+v, %v", deleted, err)
	}

	humanClient(t, s, "acme", "caddy")
	mustOPA(t, "add caddy", team.admin.AddUserToGroup(ctx, "ops", "caddy"))
	mustOPA(t, "add caddy twice", team.admin.AddUserToGroup(ctx, "ops", "caddy"))
	mustOPA(t, "add admin", team.admin.AddUserToGroup(ctx, "ops", "keyward-admin"))
	members, err := team.admin.ListGroupUsers(ctx, "ops", client.ListOptions{Count: 1})
	mustOPA(t, "members", err)
	sameNameSet(t, "members", opaUserNames(members), []string{"caddy", "keyward-admin"})
	err = team.admin.AddUserToGroup(ctx, "ops", "nobody")
	wantOPAStatus(t, "add unknown user", err, http.StatusNotFound, "")
	mustOPA(t, "remove member", team.admin.RemoveUserFromGroup(ctx, "ops", "keyward-admin"))
	members, err = team.admin.ListGroupUsers(ctx, "ops", client.ListOptions{})
	mustOPA(t, "members after removal", err)
	sameNameSet(t, "members after removal", opaUserNames(members), []string{"caddy"})

	mustOPA(t, "delete group", team.admin.DeleteGroup(ctx, "g3"))
	_, err = team.admin.GetGroup(ctx, "g3")
	wantOPAStatus(t, "deleted group", err, http.StatusNotFound, "")
	wantOPAStatus(t, "delete again", team.admin.DeleteGroup(ctx, "g3"), http.StatusNotFound, "")
}

func checkServiceUsers(t *testing.T, s *apptest.Server, team principalTeam) {
	ctx := context.Background()
	u, err := team.admin.CreateServiceUser(ctx, "OPA Robot")
	if err != nil || u.UserType != "service" || u.Status != client.UserActive || u.Details != nil || u.TeamName != "acme" {
		t.Fatalf("created %+v, %v", u, err)
	}
	_, err = team.admin.CreateServiceUser(ctx, "OPA Robot")
	wantOPAStatus(t, "duplicate service user", err, http.StatusConflict, "")
	if got, err := team.admin.GetServiceUser(ctx, "OPA Robot"); err != nil || got.ID != u.ID {
		t.Fatalf("get %+v, %v", got, err)
	}
	_, err = team.admin.GetServiceUser(ctx, "jason") // a human user is no service user
	wantOPAStatus(t, "human as service user", err, http.StatusNotFound, "")
	list, err := team.admin.ListServiceUsers(ctx, client.ListOptions{})
	mustOPA(t, "list service users", err)
	sameNameSet(t, "service users", opaUserNames(list), []string{"OPA Robot", "keyward-admin"})

	key, err := team.admin.CreateServiceUserKey(ctx, "OPA Robot")
	if err != nil || key.Secret == "" || key.ID == "" || key.IssuedAt.IsZero() {
		t.Fatalf("new key %+v, %v", key, err)
	}
	keys, err := team.admin.ListServiceUserKeys(ctx, "OPA Robot")
	if err != nil || len(keys) != 1 || keys[0].ID != key.ID {
		t.Fatalf("keys %+v, %v", keys, err)
	}
	// The robot holds only end_user until a group gives it more, from its next request on.
	robot := keyClient(s, "acme", key.ID, key.Secret)
	if me, err := robot.CurrentUser(ctx); err != nil || me.Name != "OPA Robot" {
		t.Fatalf("robot's current user %+v, %v", me, err)
	}
	_, err = robot.ListServiceUsers(ctx, client.ListOptions{})
	wantOPAStatus(t, "robot without a role", err, http.StatusUnauthorized, "")
	_, err = team.admin.CreateGroup(ctx, "robots", []string{"resource_admin"})
	mustOPA(t, "create robots", err)
	mustOPA(t, "add robot", team.admin.AddUserToGroup(ctx, "robots", "OPA Robot"))
	_, err = robot.ListServiceUsers(ctx, client.ListOptions{})
	mustOPA(t, "robot as resource admin", err)

	// A deleted key stops working at once; another key of the user still works.
	second, err := team.admin.CreateServiceUserKey(ctx, "OPA Robot")
	mustOPA(t, "second key", err)
	mustOPA(t, "delete key", team.admin.DeleteServiceUserKey(ctx, "OPA Robot", key.ID))
	_, err = robot.CurrentUser(ctx)
	wantOPAStatus(t, "deleted key", err, http.StatusUnauthorized, "")
	wantOPAStatus(t, "delete key again", team.admin.DeleteServiceUserKey(ctx, "OPA Robot", key.ID), http.StatusNotFound, "")
	robot = keyClient(s, "acme", second.ID, second.Secret)
	mustOPA(t, "second key works", func() error { _, err := robot.CurrentUser(ctx); return err }())

	// A disabled service user stops working at once, and again when enabled.
	disabled, err := team.admin.UpdateServiceUser(ctx, "OPA Robot", client.UserDisabled)
	if err != nil || disabled.Status != client.UserDisabled {
		t.Fatalf("disable %+v, %v", disabled, err)
	}
	_, err = robot.CurrentUser(ctx)
	wantOPAStatus(t, "disabled service user", err, http.StatusUnauthorized, "")
	_, err = team.admin.UpdateServiceUser(ctx, "OPA Robot", client.UserActive)
	mustOPA(t, "enable", err)
	mustOPA(t, "enabled again", func() error { _, err := robot.CurrentUser(ctx); return err }())
	_, err = robot.UpdateServiceUser(ctx, "OPA Robot", client.UserDisabled)
	wantOPAStatus(t, "disable itself", err, http.StatusBadRequest, "status")
}

// checkPrincipalIsolation: another team's token is refused on this team's paths, and names and
// ids of one team are not found from another.
func checkPrincipalIsolation(t *testing.T, s *apptest.Server, acme, other principalTeam) {
	ctx := context.Background()
	key, err := other.admin.CreateServiceUserKey(ctx, "keyward-admin")
	mustOPA(t, "other's new key", err)
	foreign := []*client.OPA{
		client.NewOPAWithToken(s.URL, "acme", tradeKey(t, s, "other", key.ID, key.Secret), client.WithHTTPClient(s.HTTP)),
		client.NewOPAWithToken(s.URL, "acme", mintedToken(t, s, "other", "dilsey"), client.WithHTTPClient(s.HTTP)),
	}
	for i, c := range foreign {
		_, err := c.CurrentUser(ctx)
		wantOPAStatus(t, "another team's token on current_user", err, http.StatusUnauthorized, "")
		_, err = c.ListGroups(ctx, client.ListOptions{})
		wantOPAStatus(t, "another team's token on groups", err, http.StatusUnauthorized, "")
		if i == 0 {
			_, err = c.CreateGroup(ctx, "intruders", nil)
			wantOPAStatus(t, "another team's token creating a group", err, http.StatusUnauthorized, "")
		}
	}
	if _, err := acme.admin.GetGroup(ctx, "intruders"); client.StatusCode(err) != http.StatusNotFound {
		t.Fatalf("a refused write was stored: %v", err)
	}
	_, err = other.admin.GetGroup(ctx, "ops")
	wantOPAStatus(t, "acme's group from other", err, http.StatusNotFound, "")
	_, err = other.admin.GetUser(ctx, "jason")
	wantOPAStatus(t, "acme's user from other", err, http.StatusNotFound, "")
	err = other.admin.AddUserToGroup(ctx, "keyward-admins", "jason")
	wantOPAStatus(t, "acme's user into other's group", err, http.StatusNotFound, "")
	// Both teams have a keyward-admin: acme's key id is still not found under other's.
	err = other.admin.DeleteServiceUserKey(ctx, "keyward-admin", acme.keyID)
	wantOPAStatus(t, "acme's key from other", err, http.StatusNotFound, "")
	mustOPA(t, "acme's key still works", func() error { _, err := acme.admin.CurrentUser(ctx); return err }())
}

func mintedToken(t *testing.T, s *apptest.Server, team, name string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Client.CreateTeamUser(ctx, team, client.TeamUser{Name: name}); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	tok, err := s.Client.MintUserToken(ctx, team, name)
	mustOPA(t, "mint", err)
	return tok.BearerToken
}

// checkEndUser: a human user with a minted token is an end user: current_user works, admin
// operations answer 401, and roles follow its groups from the next request on.
func checkEndUser(t *testing.T, s *apptest.Server, team principalTeam) {
	ctx := context.Background()
	eu := humanClient(t, s, "acme", "luster")
	me, err := eu.CurrentUser(ctx)
	if err != nil || me.Name != "luster" || me.TeamName != "acme" {
		t.Fatalf("end user's current user %+v, %v", me, err)
	}
	_, err = eu.ListRoles(ctx)
	wantOPAStatus(t, "end user lists roles", err, http.StatusUnauthorized, "")
	_, err = eu.CreateGroup(ctx, "luster-made", []string{"pam_admin"})
	wantOPAStatus(t, "end user creates a group", err, http.StatusUnauthorized, "")
	_, err = eu.CreateServiceUser(ctx, "luster-robot")
	wantOPAStatus(t, "end user creates a service user", err, http.StatusUnauthorized, "")
	for what, err := range map[string]error{
		"group":        func() error { _, err := team.admin.GetGroup(ctx, "luster-made"); return err }(),
		"service user": func() error { _, err := team.admin.GetServiceUser(ctx, "luster-robot"); return err }(),
	} {
		wantOPAStatus(t, "refused "+what+" stored", err, http.StatusNotFound, "")
	}

	_, err = team.admin.CreateGroup(ctx, "pams", []string{"pam_admin"})
	mustOPA(t, "create pams", err)
	mustOPA(t, "add luster", team.admin.AddUserToGroup(ctx, "pams", "luster"))
	if _, err := eu.ListRoles(ctx); err != nil {
		t.Fatalf("after joining a pam_admin group: %v", err)
	}
	mustOPA(t, "remove luster", team.admin.RemoveUserFromGroup(ctx, "pams", "luster"))
	_, err = eu.ListRoles(ctx)
	wantOPAStatus(t, "after leaving the group", err, http.StatusUnauthorized, "")

	_, err = s.Client.SetTeamUserStatus(ctx, "acme", "luster", client.UserDisabled)
	mustOPA(t, "disable luster", err)
	_, err = eu.CurrentUser(ctx)
	wantOPAStatus(t, "disabled human user", err, http.StatusUnauthorized, "")
	_, err = s.Client.MintUserToken(ctx, "acme", "luster")
	wantOPAStatus(t, "mint for a disabled user", err, http.StatusBadRequest, "")
	_, err = s.Client.SetTeamUserStatus(ctx, "acme", "luster", client.UserActive)
	mustOPA(t, "enable luster", err)
	mustOPA(t, "minted again", func() error { _, err := mintedClient(t, s, "acme", "luster").CurrentUser(ctx); return err }())
}

// checkPrincipalInput: invalid input answers 400 naming the field and stores nothing.
func checkPrincipalInput(t *testing.T, s *apptest.Server, team principalTeam) {
	ctx := context.Background()
	before, err := team.admin.ListGroups(ctx, client.ListOptions{})
	mustOPA(t, "groups before", err)
	for _, c := range []struct {
		name  string
		roles []string
		field string
	}{
		{"", nil, "name"},
		{"bad\nname", nil, "name"},
		{strings.Repeat("x", 256), nil, "name"},
		{"fine", []string{"wizard"}, "roles"},
		{"fine", []string{"end_user"}, "roles"}, // a group is created without end_user
		{"fine", []string{"delegated_resource_admin"}, "roles"},
	} {
		_, err := team.admin.CreateGroup(ctx, c.name, c.roles)
		wantOPAStatus(t, "create group "+c.name, err, http.StatusBadRequest, c.field)
	}
	err = team.admin.UpdateGroup(ctx, "ops", []string{"security_admin", "wizard"})
	wantOPAStatus(t, "update with an unknown role", err, http.StatusBadRequest, "roles")
	after, err := team.admin.ListGroups(ctx, client.ListOptions{})
	mustOPA(t, "groups after", err)
	if len(after) != len(before) {
		t.Fatalf("groups %q became %q", opaGroupNames(before), opaGroupNames(after))
	}
	if g, err := team.admin.GetGroup(ctx, "ops"); err != nil || !slices.Equal(g.Roles, []string{"security_admin"}) {
		t.Fatalf("ops after a refused update: %+v, %v", g, err)
	}
	_, err = team.admin.CreateServiceUser(ctx, " ")
	wantOPAStatus(t, "blank service user", err, http.StatusBadRequest, "name")
	_, err = team.admin.UpdateServiceUser(ctx, "keyward-admin", "SLEEPING")
	wantOPAStatus(t, "unknown status", err, http.StatusBadRequest, "status")
	err = team.admin.AddUserToGroup(ctx, "ops", "")
	wantOPAStatus(t, "member without a name", err, http.StatusBadRequest, "name")
	_, err = s.Client.CreateTeamUser(ctx, "acme", client.TeamUser{Name: "mail", Email: "not an email"})
	wantOPAStatus(t, "bad email", err, http.StatusBadRequest, "email")
	_, err = team.admin.GetUser(ctx, "mail")
	wantOPAStatus(t, "refused user stored", err, http.StatusNotFound, "")
}

// checkTeamAdmin covers the admin API's team and user controls.
func checkTeamAdmin(t *testing.T, s *apptest.Server) {
	ctx := context.Background()
	teams, err := s.Client.ListTeams(ctx)
	mustOPA(t, "list teams", err)
	var names []string
	for _, tm := range teams {
		names = append(names, tm.Name)
	}
	if !slices.Contains(names, "acme") || !slices.Contains(names, "other") || !slices.IsSorted(names) {
		t.Fatalf("teams %q", names)
	}
	_, err = s.Client.CreateTeam(ctx, "acme", "")
	wantOPAStatus(t, "duplicate team", err, http.StatusConflict, "")
	_, err = s.Client.CreateTeam(ctx, "bad team", "")
	wantOPAStatus(t, "bad team name", err, http.StatusBadRequest, "name")
	_, err = s.Client.CreateTeamUser(ctx, "nowhere", client.TeamUser{Name: "x"})
	wantOPAStatus(t, "user of an unknown team", err, http.StatusNotFound, "")
	_, err = s.Client.MintUserToken(ctx, "acme", "keyward-admin")
	wantOPAStatus(t, "token for a service user", err, http.StatusBadRequest, "name")
	_, err = s.Client.SetTeamUserStatus(ctx, "acme", "jason", "ASLEEP")
	wantOPAStatus(t, "unknown status", err, http.StatusBadRequest, "status")
	created, err := s.Client.CreateTeamUser(ctx, "acme", client.TeamUser{Name: "T.P.", Status: client.UserDisabled})
	if err != nil || created.Status != client.UserDisabled || created.UserType != "human" {
		t.Fatalf("created %+v, %v", created, err)
	}
	// A minted token lives an hour.
	tok, err := s.Client.MintUserToken(ctx, "acme", "jason")
	if err != nil || time.Until(tok.ExpiresAt) < 50*time.Minute {
		t.Fatalf("minted %+v, %v", tok, err)
	}
}
