package pam

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

func TestTeamStartsWithAnAdminServiceUser(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		key := f.team.Key
		if key.Secret == "" || key.SecretHash == key.Secret || len(key.ID) != 36 {
			f.t.Fatalf("key %+v", key)
		}
		p, err := f.caller(f.serviceToken("acme", key.ID, key.Secret))
		f.must(err)
		if p.UserID != f.team.ServiceUser.ID {
			f.t.Fatalf("token resolves to %+v", p)
		}
		roles, err := f.svc.Roles(f.ctx, p.TeamID, p.UserID)
		f.must(err)
		if strings.Join(roles, ",") != "end_user,pam_admin,resource_admin,security_admin" {
			f.t.Fatalf("roles %v", roles)
		}
		tok, err := f.svc.IssueServiceToken(f.ctx, "acme", key.ID, key.Secret, t0, time.Hour)
		f.must(err)
		stored, err := f.svc.Store.GetServiceToken(f.ctx, ids.Hash(tok.Token), t0)
		f.must(err)
		held, err := f.svc.ServiceTokenRoles(f.ctx, stored)
		f.must(err)
		if strings.Join(held, ",") != strings.Join(roles, ",") || len(stored.Roles) != 0 {
			f.t.Fatalf("token holder's roles %v (stored with the token: %v)", held, stored.Roles)
		}
		f.must(f.svc.RemoveMember(f.ctx, p.TeamID, "keyward-admins", "keyward-admin"))
		held, err = f.svc.ServiceTokenRoles(f.ctx, stored)
		f.must(err)
		if strings.Join(held, ",") != "end_user" {
			f.t.Fatalf("after leaving the admin group the token holder has %v", held)
		}
		f.must(f.svc.AddMember(f.ctx, p.TeamID, "keyward-admins", "keyward-admin"))
		me, err := f.svc.Me(f.ctx, p, "acme")
		f.must(err)
		if me.Name != "keyward-admin" || me.TeamName != "acme" || me.ID != p.UserID {
			f.t.Fatalf("current user %+v", me)
		}
		// A wrong secret, a key of another team, a second team of the same name: all refused.
		_, err = f.svc.IssueServiceToken(f.ctx, "acme", key.ID, "nope", t0, time.Hour)
		f.wantFault(err, fault.Unauthorized, "")
		other := f.newTeam("other")
		_, err = f.svc.IssueServiceToken(f.ctx, "other", key.ID, key.Secret, t0, time.Hour)
		f.wantFault(err, fault.Unauthorized, "")
		_, err = f.caller(f.serviceToken("other", other.Key.ID, other.Key.Secret))
		f.wantFault(err, fault.Unauthorized, "")
		_, err = f.svc.CreateTeam(f.ctx, NewTeam{Name: "acme"})
		f.wantFault(err, fault.Conflict, "acme")
		_, err = f.svc.CreateTeam(f.ctx, NewTeam{Name: "a b"})
		f.wantFault(err, fault.Invalid, "name:")
	})
}

func TestRolesFollowGroupsAtEachCall(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		team := f.team.Team.ID
		u, err := f.svc.CreateUser(f.ctx, team, NewUser{Name: "jason", Email: "jason@example.com", FirstName: "Jason", LastName: "Compson"})
		f.must(err)
		tok, expires, err := f.svc.MintUserToken(f.ctx, team, "jason", t0)
		f.must(err)
		if !expires.Equal(t0.Add(time.Hour)) {
			f.t.Fatalf("token expires %v", expires)
		}
		p, err := f.caller(tok)
		f.must(err)
		if p.UserID != u.ID {
			f.t.Fatalf("user token resolves to %+v", p)
		}
		rolesOf := func() string {
			roles, err := f.svc.Roles(f.ctx, team, u.ID)
			f.must(err)
			return strings.Join(roles, ",")
		}
		if got := rolesOf(); got != "end_user" {
			f.t.Fatalf("a user in no group: %s", got)
		}
		_, err = f.svc.CreateGroup(f.ctx, team, "secops", []string{"security_admin"})
		f.must(err)
		f.must(f.svc.AddMember(f.ctx, team, "secops", "jason"))
		if got := rolesOf(); got != "end_user,security_admin" {
			f.t.Fatalf("after joining: %s", got)
		}
		f.must(f.svc.UpdateGroupRoles(f.ctx, team, "secops", []string{"resource_admin"}))
		if got := rolesOf(); got != "end_user,resource_admin" {
			f.t.Fatalf("after the group's roles changed: %s", got)
		}
		f.must(f.svc.RemoveMember(f.ctx, team, "secops", "jason"))
		if got := rolesOf(); got != "end_user" {
			f.t.Fatalf("after leaving: %s", got)
		}
		f.wantFault(f.svc.RemoveMember(f.ctx, team, "secops", "jason"), fault.NotFound, "jason")
		f.wantFault(f.svc.AddMember(f.ctx, team, "nope", "jason"), fault.NotFound, "nope")

		// Disabling the user ends its token at once; it has no roles while disabled.
		_, err = f.svc.SetUserStatus(f.ctx, team, "jason", store.UserDisabled)
		f.must(err)
		_, err = f.caller(tok)
		f.wantFault(err, fault.Unauthorized, "")
		if got := rolesOf(); got != "" {
			f.t.Fatalf("a disabled user has roles %s", got)
		}
		_, _, err = f.svc.MintUserToken(f.ctx, team, "jason", t0)
		f.wantFault(err, fault.Invalid, "name:")
		// An expired token is refused.
		_, err = f.svc.SetUserStatus(f.ctx, team, "jason", store.UserActive)
		f.must(err)
		_, err = f.svc.Caller(f.ctx, team, tok, t0.Add(time.Hour))
		f.wantFault(err, fault.Unauthorized, "")
	})
}

func TestGroups(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		team := f.team.Team.ID
		_, err := f.svc.CreateGroup(f.ctx, team, "ops", []string{"end_user"})
		f.wantFault(err, fault.Invalid, "roles:")
		g, err := f.svc.CreateGroup(f.ctx, team, "ops", []string{"resource_admin", "pam_admin"})
		f.must(err)
		if len(g.ID) != 36 || strings.Join(g.Roles, ",") != "pam_admin,resource_admin" {
			f.t.Fatalf("created %+v", g)
		}
		_, err = f.svc.CreateGroup(f.ctx, team, "ops", nil)
		f.wantFault(err, fault.Conflict, "ops")
		f.wantFault(f.svc.UpdateGroupRoles(f.ctx, team, "ops", []string{"root"}), fault.Invalid, "roles:")
		f.wantFault(f.svc.UpdateGroupRoles(f.ctx, team, "nope", nil), fault.NotFound, "nope")

		_, err = f.svc.CreateUser(f.ctx, team, NewUser{Name: "a"})
		f.must(err)
		_, err = f.svc.CreateUser(f.ctx, team, NewUser{Name: "b"})
		f.must(err)
		f.must(f.svc.AddMember(f.ctx, team, "ops", "b"))
		f.must(f.svc.AddMember(f.ctx, team, "ops", "a"))
		f.must(f.svc.AddMember(f.ctx, team, "ops", "a"))
		members, err := f.svc.Members(f.ctx, team, "ops", store.Page{Limit: 1, After: "a"})
		f.must(err)
		if len(members) != 1 || members[0].Name != "b" {
			f.t.Fatalf("members %+v", members)
		}
		groups, err := f.svc.UserGroups(f.ctx, team, "a", store.Page{})
		f.must(err)
		if len(groups) != 1 || groups[0].Name != "ops" {
			f.t.Fatalf("a's groups %+v", groups)
		}
		list, err := f.svc.ListGroups(f.ctx, team, store.Page{Contains: "OP"})
		f.must(err)
		if len(list) != 1 || list[0].ID != g.ID {
			f.t.Fatalf("contains OP: %+v", list)
		}

		// Another team sees none of it.
		other := f.newTeam("other").Team.ID
		_, err = f.svc.Group(f.ctx, other, "ops")
		f.wantFault(err, fault.NotFound, "ops")
		f.wantFault(f.svc.AddMember(f.ctx, other, "keyward-admins", "a"), fault.NotFound, "a")
		f.wantFault(f.svc.DeleteGroup(f.ctx, other, "ops"), fault.NotFound, "ops")

		f.must(f.svc.DeleteGroup(f.ctx, team, "ops"))
		_, err = f.svc.Group(f.ctx, team, "ops")
		f.wantFault(err, fault.NotFound, "ops")
	})
}

func TestServiceUsersAndKeys(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		team := f.team.Team.ID
		admin := Principal{TeamID: team, UserID: f.team.ServiceUser.ID}
		su, err := f.svc.CreateServiceUser(f.ctx, team, "OPA User")
		f.must(err)
		if su.Type != store.UserService || su.Status != store.UserActive {
			f.t.Fatalf("created %+v", su)
		}
		_, err = f.svc.CreateServiceUser(f.ctx, team, "OPA User")
		f.wantFault(err, fault.Conflict, "OPA User")
		k1, err := f.svc.CreateKey(f.ctx, team, "OPA User")
		f.must(err)
		k2, err := f.svc.CreateKey(f.ctx, team, "OPA User")
		f.must(err)
		keys, err := f.svc.ListKeys(f.ctx, team, "OPA User", store.Page{})
		f.must(err)
		if len(keys) != 2 || keys[0].SecretHash == k1.Secret {
			f.t.Fatalf("keys %+v", keys)
		}
		// Keys of human users do not exist.
		_, err = f.svc.CreateUser(f.ctx, team, NewUser{Name: "human"})
		f.must(err)
		_, err = f.svc.CreateKey(f.ctx, team, "human")
		f.wantFault(err, fault.NotFound, "human")

		t1 := f.serviceToken("acme", k1.ID, k1.Secret)
		t1b := f.serviceToken("acme", k1.ID, k1.Secret) // several tokens of one key live at once
		t2 := f.serviceToken("acme", k2.ID, k2.Secret)
		for _, tok := range []string{t1, t1b, t2} {
			_, err := f.caller(tok)
			f.must(err)
		}
		// A deleted key stops working at once; the other key goes on.
		f.must(f.svc.DeleteKey(f.ctx, team, "OPA User", k1.ID))
		for _, tok := range []string{t1, t1b} {
			_, err := f.caller(tok)
			f.wantFault(err, fault.Unauthorized, "")
		}
		_, err = f.svc.IssueServiceToken(f.ctx, "acme", k1.ID, k1.Secret, t0, time.Hour)
		f.wantFault(err, fault.Unauthorized, "")
		f.wantFault(f.svc.DeleteKey(f.ctx, team, "OPA User", k1.ID), fault.NotFound, k1.ID)
		_, err = f.caller(t2)
		f.must(err)

		// A disabled service user stops working at once and mints no tokens.
		_, err = f.svc.UpdateServiceUser(f.ctx, admin, "OPA User", "OPA User", "DELETED")
		f.wantFault(err, fault.Invalid, "status:")
		_, err = f.svc.UpdateServiceUser(f.ctx, admin, "OPA User", "Renamed", "DISABLED")
		f.wantFault(err, fault.Invalid, "name:")
		u, err := f.svc.UpdateServiceUser(f.ctx, admin, "OPA User", "", "DISABLED")
		f.must(err)
		if u.Status != store.UserDisabled {
			f.t.Fatalf("after disabling %+v", u)
		}
		_, err = f.caller(t2)
		f.wantFault(err, fault.Unauthorized, "")
		_, err = f.svc.IssueServiceToken(f.ctx, "acme", k2.ID, k2.Secret, t0, time.Hour)
		f.wantFault(err, fault.Unauthorized, "")
		_, err = f.svc.UpdateServiceUser(f.ctx, admin, "OPA User", "", "ACTIVE")
		f.must(err)
		_, err = f.caller(f.serviceToken("acme", k2.ID, k2.Secret))
		f.must(err)

		_, err = f.svc.UpdateServiceUser(f.ctx, admin, "keyward-admin", "", "DISABLED")
		f.wantFault(err, fault.Invalid, "its own account")

		list, err := f.svc.ListServiceUsers(f.ctx, team, store.Page{})
		f.must(err)
		if len(list) != 2 || list[0].Type != store.UserService || list[1].Type != store.UserService {
			f.t.Fatalf("service users %+v", list)
		}
		users, err := f.svc.ListUsers(f.ctx, team, "", store.Page{})
		f.must(err)
		if len(users) != 3 {
			f.t.Fatalf("users %+v", users)
		}
		// Another team cannot reach them.
		other := f.newTeam("other").Team.ID
		_, err = f.svc.ServiceUser(f.ctx, other, "OPA User")
		f.wantFault(err, fault.NotFound, "OPA User")
		f.wantFault(f.svc.DeleteKey(f.ctx, other, "keyward-admin", k2.ID), fault.NotFound, k2.ID)
	})
}

func TestTeamRolesListsTheSpecRoles(t *testing.T) {
	if !slices.IsSorted(TeamRoles) || !slices.Contains(TeamRoles, RolePAMAdmin) || slices.Contains(TeamRoles, RoleDelegatedSecurityAdmin) {
		t.Fatalf("roles %v", TeamRoles)
	}
}

func TestLegacyKeysAreAdopted(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		s := f.svc.Store
		team := store.Team{ID: "tm-legacy", Name: "legacy", CreatedAt: t0}
		f.must(s.CreateTeam(f.ctx, team))
		f.must(s.CreateServiceUserKey(f.ctx, store.ServiceUserKey{ID: "key-1", TeamID: team.ID, UserName: "keyward-admin",
			SecretHash: ids.Hash("s3cret"), Roles: []string{"resource_admin"}, CreatedAt: t0}))
		// Until adopted, the key's tokens carry its stored roles (and resolve to no user).
		tok, err := f.svc.IssueServiceToken(f.ctx, "legacy", "key-1", "s3cret", t0, time.Hour)
		f.must(err)
		stored, err := s.GetServiceToken(f.ctx, ids.Hash(tok.Token), t0)
		f.must(err)
		if strings.Join(stored.Roles, ",") != "resource_admin" {
			f.t.Fatalf("legacy token roles %v", stored.Roles)
		}
		_, err = f.svc.Caller(f.ctx, team.ID, tok.Token, t0)
		f.wantFault(err, fault.Unauthorized, "")
		for range 2 { // adopting twice changes nothing more
			f.must(s.InTx(f.ctx, func(q store.Queries) error { return f.svc.AdoptLegacyKeys(f.ctx, q, "legacy") }))
		}
		tok, err = f.svc.IssueServiceToken(f.ctx, "legacy", "key-1", "s3cret", t0, time.Hour)
		f.must(err)
		p, err := f.svc.Caller(f.ctx, team.ID, tok.Token, t0)
		f.must(err)
		roles, err := f.svc.Roles(f.ctx, team.ID, p.UserID)
		f.must(err)
		if strings.Join(roles, ",") != "end_user,pam_admin,resource_admin,security_admin" {
			f.t.Fatalf("adopted key's roles %v", roles)
		}
		users, err := f.svc.ListServiceUsers(f.ctx, team.ID, store.Page{})
		f.must(err)
		if len(users) != 1 || users[0].Name != "keyward-admin" {
			f.t.Fatalf("service users %+v", users)
		}
		f.must(s.InTx(f.ctx, func(q store.Queries) error { return f.svc.AdoptLegacyKeys(f.ctx, q, "no-such-team") }))
	})
}
