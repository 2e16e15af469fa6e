package seed

import (
	"context"
	"errors"

	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// user is a human user of a team, as Okta would push it; matched by name.
type user struct {
	Name      string `json:"name"`
	Email     string `json:"email,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
	Status    string `json:"status,omitempty"` // ACTIVE when left out
}

func loadUsers(ctx context.Context, r *run, team store.Team, items []user) error {
	return ensureUsers(ctx, r, team, "users", items, func(u user) string { return u.Name }, func(u user) error {
		_, err := r.PAM.CreateUser(ctx, team.ID, pam.NewUser(u))
		return err
	})
}

// ensureUsers creates, through create, the items whose user name the team does not hold yet.
func ensureUsers[T any](ctx context.Context, r *run, team store.Team, section string, items []T, name func(T) string, create func(T) error) error {
	for _, it := range items {
		found, err := exists(r.Store.GetOPAUserByName(ctx, team.ID, name(it)))
		if err != nil {
			return err
		}
		if found {
			continue
		}
		if err := create(it); err != nil {
			return err
		}
		r.made(section)
	}
	return nil
}

func exportUsers(ctx context.Context, s *Service, team store.Team) ([]user, error) {
	us, err := teamUsers(ctx, s, team, store.UserHuman)
	out := make([]user, len(us))
	for i, u := range us {
		out[i] = user{Name: u.Name, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName, Status: u.Status}
	}
	return byName(out, func(u user) string { return u.Name }), err
}

// serviceUser is a service user of a team, matched by name. Keys are secrets: a snapshot never
// holds them, and a load makes none (mint them through the OPA API).
type serviceUser struct {
	Name string `json:"name"`
}

func loadServiceUsers(ctx context.Context, r *run, team store.Team, items []serviceUser) error {
	return ensureUsers(ctx, r, team, "serviceUsers", items, func(u serviceUser) string { return u.Name }, func(u serviceUser) error {
		_, err := r.PAM.CreateServiceUser(ctx, team.ID, u.Name)
		return err
	})
}

func exportServiceUsers(ctx context.Context, s *Service, team store.Team) ([]serviceUser, error) {
	us, err := teamUsers(ctx, s, team, store.UserService)
	out := make([]serviceUser, len(us))
	for i, u := range us {
		out[i] = serviceUser{Name: u.Name}
	}
	return byName(out, func(u serviceUser) string { return u.Name }), err
}

func teamUsers(ctx context.Context, s *Service, team store.Team, userType string) ([]store.OPAUser, error) {
	return pageAll(func(p store.Page) ([]store.OPAUser, error) {
		return s.Store.ListOPAUsers(ctx, team.ID, userType, p)
	}, func(u store.OPAUser) string { return u.ID })
}

// exists reports whether a lookup found its row: ErrNotFound is "no", other errors are errors.
func exists[T any](_ T, err error) (bool, error) {
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
