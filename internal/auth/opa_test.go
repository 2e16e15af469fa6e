package auth

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// groupRoles is a RoleSource that ignores the token, as the group-based one will.
type groupRoles map[string][]string

func (g groupRoles) Roles(_ context.Context, c OPACredential) ([]string, error) {
	return g[c.Principal], nil
}

func TestOPA(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	now := time.Now()
	for _, name := range []string{"acme", "other"} {
		team := store.Team{ID: ids.New(ids.Team), Name: name, CreatedAt: now}
		if err := w.store.CreateTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
		if err := w.store.CreateServiceUserKey(ctx, store.ServiceUserKey{ID: "key-" + name, TeamID: team.ID, UserName: "svc-" + name,
			SecretHash: ids.Hash("s3cret"), Roles: []string{RoleResourceAdmin}, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := w.svc.IssueServiceToken(ctx, "acme", "key-acme", "s3cret", now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	acme, _ := w.store.GetTeamByName(ctx, "acme")

	p, err := w.svc.OPA(ctx, "Bearer "+tok.Token, "acme", now)
	if err != nil || p.Kind != KindOPA || p.TeamID != acme.ID || p.Actor != "svc-acme" || !slices.Equal(p.Roles, []string{RoleResourceAdmin}) {
		t.Fatalf("%+v, %v", p, err)
	}
	if !p.HasAnyRole(RolePAMAdmin, RoleResourceAdmin) || p.HasAnyRole(RolePAMAdmin, RoleEndUser) || p.HasAnyRole() {
		t.Errorf("HasAnyRole with roles %v", p.Roles)
	}
	for name, c := range map[string]struct {
		header, team string
		at           time.Time
	}{
		"another team's path": {"Bearer " + tok.Token, "other", now},
		"unknown team":        {"Bearer " + tok.Token, "nobody", now},
		"NUL in team":         {"Bearer " + tok.Token, "ac\x00me", now},
		"expired":             {"Bearer " + tok.Token, "acme", now.Add(2 * time.Hour)},
		"no scheme":           {tok.Token, "acme", now},
		"SSWS":                {"SSWS " + tok.Token, "acme", now},
		"empty":               {"Bearer ", "acme", now},
		"unknown token":       {"Bearer " + tok.Token + "x", "acme", now},
	} {
		if _, err := w.svc.OPA(ctx, c.header, c.team, c.at); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}

	// Roles come from the RoleSource at each request, not from the token.
	w.svc.RoleSource = groupRoles{"svc-acme": {RoleSecurityAdmin}}
	if p, err := w.svc.OPA(ctx, "Bearer "+tok.Token, "acme", now); err != nil || !slices.Equal(p.Roles, []string{RoleSecurityAdmin}) {
		t.Errorf("with a RoleSource: %+v, %v", p, err)
	}
}
