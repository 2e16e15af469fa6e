package pam

import (
	"context"
	"slices"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// NewUser is a human user as the admin API creates it (at OPA, users arrive from Okta).
type NewUser struct {
	Name      string
	Email     string
	FirstName string
	LastName  string
	Status    string // ACTIVE when empty
}

// check returns the causes against a new human user.
func (in NewUser) check() []string {
	cs := causes(checkPrincipalName("name", in.Name), checkStatus(in.Status, true),
		checkOptionalName("first_name", in.FirstName), checkOptionalName("last_name", in.LastName))
	if in.Email != "" && (len(in.Email) > maxName || !emailPattern.MatchString(in.Email)) {
		cs = append(cs, "email: must be an email address of at most 255 characters")
	}
	return cs
}

func checkOptionalName(field, s string) string {
	if s == "" {
		return ""
	}
	return checkPrincipalName(field, s)
}

// checkStatus is the cause against a user status, or "". Service users cannot be marked deleted
// through the API keyward serves; human users can.
func checkStatus(status string, deletable bool) string {
	allowed := []string{store.UserActive, store.UserDisabled}
	if deletable {
		allowed = append(allowed, store.UserDeleted)
	}
	if status == "" || slices.Contains(allowed, status) {
		return ""
	}
	return "status: must be one of " + listed(allowed)
}

// CreateUser adds a human user to a team.
func (s *Service) CreateUser(ctx context.Context, teamID string, in NewUser) (store.OPAUser, error) {
	if cs := in.check(); len(cs) > 0 {
		return store.OPAUser{}, fault.Invalidf("User", cs...)
	}
	u := store.OPAUser{ID: newID(), TeamID: teamID, Name: in.Name, Type: store.UserHuman, Status: in.Status,
		Email: in.Email, FirstName: in.FirstName, LastName: in.LastName, CreatedAt: s.Clock.Now()}
	if u.Status == "" {
		u.Status = store.UserActive
	}
	if u.Status == store.UserDeleted {
		u.DeletedAt = u.CreatedAt
	}
	return u, taken(s.Store.CreateOPAUser(ctx, u), "user", u.Name, "team")
}

// User returns a team's user (human or service) by name.
func (s *Service) User(ctx context.Context, teamID, name string) (store.OPAUser, error) {
	if !storable(name) {
		return store.OPAUser{}, fault.Missing(name, "User")
	}
	u, err := s.Store.GetOPAUserByName(ctx, teamID, name)
	return u, missing(err, name, "User")
}

// ListUsers pages a team's users; userType is store.UserHuman, store.UserService or "" for both.
func (s *Service) ListUsers(ctx context.Context, teamID, userType string, p store.Page) ([]store.OPAUser, error) {
	if err := checkPage(p); err != nil {
		return nil, err
	}
	return s.Store.ListOPAUsers(ctx, teamID, userType, p)
}

// UserGroups pages the groups a user belongs to.
func (s *Service) UserGroups(ctx context.Context, teamID, userName string, p store.Page) ([]store.OPAGroup, error) {
	if err := checkPage(p); err != nil {
		return nil, err
	}
	u, err := s.User(ctx, teamID, userName)
	if err != nil {
		return nil, err
	}
	groups, err := s.Store.ListOPAUserGroups(ctx, teamID, u.ID, p)
	if err != nil {
		return nil, err
	}
	return s.withDelegation(ctx, teamID, groups)
}

// SetUserStatus changes a user's status. Leaving ACTIVE ends every token of the user at once.
func (s *Service) SetUserStatus(ctx context.Context, teamID, name, status string) (store.OPAUser, error) {
	if status == "" {
		return store.OPAUser{}, fault.Invalidf("User", "status: is required")
	}
	if c := checkStatus(status, true); c != "" {
		return store.OPAUser{}, fault.Invalidf("User", c)
	}
	return s.setStatus(ctx, teamID, name, "", status)
}

// setStatus changes the status of a user of userType ("" for any) inside one transaction.
func (s *Service) setStatus(ctx context.Context, teamID, name, userType, status string) (store.OPAUser, error) {
	var u store.OPAUser
	if !storable(name) {
		return u, fault.Missing(name, typeName(userType))
	}
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		var err error
		u, err = q.GetOPAUserByName(ctx, teamID, name)
		if err != nil || (userType != "" && u.Type != userType) {
			return missing(orNotFound(err), name, typeName(userType))
		}
		u.Status, u.DeletedAt = status, time.Time{}
		if status == store.UserDeleted {
			u.DeletedAt = s.Clock.Now()
		}
		if err := q.UpdateOPAUser(ctx, u); err != nil {
			return err
		}
		if status == store.UserActive {
			return nil
		}
		return q.DeleteOPAUserServiceTokens(ctx, teamID, u.ID)
	})
	if err == nil && status != store.UserActive { // a user not active holds no access: its checkouts end
		err = s.endLostCheckouts(ctx, teamID, u.ID)
	}
	return u, err
}

// MintUserToken returns a new bearer token (shown once, stored hashed) for an active human user:
// keyward's stand-in for signing in through the OPA client.
func (s *Service) MintUserToken(ctx context.Context, teamID, userName string, now time.Time) (string, time.Time, error) {
	u, err := s.User(ctx, teamID, userName)
	if err != nil {
		return "", time.Time{}, err
	}
	if u.Type != store.UserHuman || u.Status != store.UserActive {
		return "", time.Time{}, fault.Invalidf("User", "name: only an active human user can be given a token")
	}
	ttl := s.UserTokenTTL
	if ttl <= 0 {
		ttl = time.Hour
	}
	secret := ids.Secret()
	t := store.UserToken{Hash: ids.Hash(secret), TeamID: teamID, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(ttl).Truncate(time.Second)}
	return secret, t.ExpiresAt, s.Store.CreateUserToken(ctx, t)
}

// orNotFound turns a nil error (the row exists but is of the wrong kind) into store.ErrNotFound.
func orNotFound(err error) error {
	if err == nil {
		return store.ErrNotFound
	}
	return err
}

func typeName(userType string) string {
	if userType == store.UserService {
		return "ServiceUser"
	}
	return "User"
}
