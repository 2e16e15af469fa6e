package auth

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// TestOPAUserToken: a token minted for a human user authenticates on its own team's paths only,
// names the user, and takes its roles from the RoleSource with the user's id.
func TestOPAUserToken(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	now := time.Now()
	domain := &pam.Service{Store: w.store, Clock: clock.NewVirtual(now)}
	teams := map[string]store.Team{}
	for _, name := range []string{"acme", "other"} {
		created, err := domain.CreateTeam(ctx, pam.NewTeam{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		teams[name] = created.Team
	}
	u, err := domain.CreateUser(ctx, teams["acme"].ID, pam.NewUser{Name: "jason"})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := domain.MintUserToken(ctx, teams["acme"].ID, "jason", now)
	if err != nil {
		t.Fatal(err)
	}
	w.svc.RoleSource = userRoles{u.ID: {RoleEndUser}}

	p, err := w.svc.OPA(ctx, "Bearer "+token, "acme", now)
	if err != nil || p.Kind != KindOPA || p.TeamID != teams["acme"].ID || p.User != u.ID || !slices.Equal(p.Roles, []string{RoleEndUser}) {
		t.Fatalf("%+v, %v", p, err)
	}
	for name, c := range map[string]struct {
		team string
		at   time.Time
	}{
		"another team's path": {"other", now},
		"expired":             {"acme", now.Add(2 * time.Hour)},
	} {
		if _, err := w.svc.OPA(ctx, "Bearer "+token, c.team, c.at); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if _, err := domain.SetUserStatus(ctx, teams["acme"].ID, "jason", store.UserDisabled); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.OPA(ctx, "Bearer "+token, "acme", now); !errors.Is(err, ErrInvalid) {
		t.Errorf("disabled user: %v, want ErrInvalid", err)
	}
}

// userRoles is a RoleSource keyed by user id.
type userRoles map[string][]string

func (g userRoles) Roles(_ context.Context, c OPACredential) ([]string, error) {
	return g[c.UserID], nil
}
