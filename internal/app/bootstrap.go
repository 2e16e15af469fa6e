package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// bootstrap gives an empty database its first Okta org with an admin API token and its first
// OPA team, made as every team is (package pam): a service user in an admin group, with one API
// key. Values come from the configuration when set; generated ones are printed once to out,
// since only their hashes are stored. On a database bootstrapped before, a configured admin
// token is added to the first org (see applyAdminToken), so setting it is never silently ignored.
func bootstrap(ctx context.Context, s store.Store, cfg config.Config, now time.Time, out io.Writer) error {
	adminToken := cfg.AdminToken
	generatedToken := adminToken == ""
	if generatedToken {
		adminToken = "00" + ids.Secret()
	}
	teams := &pam.Service{Store: s, Clock: fixedClock(now)}
	var key pam.NewKey
	created := false
	err := s.InTx(ctx, func(q store.Queries) error {
		n, err := q.CountOrgs(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			if err := applyAdminToken(ctx, q, cfg.AdminToken, now, out); err != nil {
				return err
			}
			return teams.AdoptLegacyKeys(ctx, q, cfg.OPATeam)
		}
		created = true
		org := store.Org{ID: ids.New(ids.Org), Name: "keyward", CreatedAt: now}
		if err := q.CreateOrg(ctx, org); err != nil {
			return err
		}
		if err := q.CreateAPIToken(ctx, store.APIToken{ID: ids.New(ids.Token), OrgID: org.ID, Name: "admin",
			Hash: ids.Hash(adminToken), Admin: true, CreatedAt: now}); err != nil {
			return err
		}
		for _, r := range agentpool.DefaultReleases(now) {
			if err := q.PutRelease(ctx, r); err != nil {
				return err
			}
		}
		team, err := teams.CreateTeamIn(ctx, q, pam.NewTeam{Name: cfg.OPATeam, KeyID: cfg.OPAKeyID, KeySecret: cfg.OPAKeySecret})
		key = team.Key
		return err
	})
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	if !created {
		return nil
	}
	fmt.Fprintf(out, "keyward: created org %q and OPA team %q\n", "keyward", cfg.OPATeam)
	if generatedToken {
		fmt.Fprintf(out, "keyward: admin API token (shown once): %s\n", adminToken)
	}
	if cfg.OPAKeyID == "" {
		fmt.Fprintf(out, "keyward: OPA service user key id: %s secret (shown once): %s\n", key.ID, key.Secret)
	}
	return nil
}

// applyAdminToken makes a configured admin token work on a database bootstrapped before: a
// token already stored as an admin token is left as it is; a new one is added to the first org
// and reported on out; a token stored without admin rights is refused, since adding it twice
// cannot be done and ignoring it would leave the operator locked out without a word.
func applyAdminToken(ctx context.Context, q store.Queries, token string, now time.Time, out io.Writer) error {
	if token == "" {
		return nil
	}
	existing, err := q.GetAPITokenByHash(ctx, ids.Hash(token))
	switch {
	case err == nil && existing.Admin:
		return nil
	case err == nil:
		return errors.New("admin-token: this token exists as a token without admin rights; choose another one or leave it empty")
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	org, err := createAdminToken(ctx, q, token, "admin (configured)", now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "keyward: added the configured admin API token (--admin-token, $KEYWARD_ADMIN_TOKEN) to org %q\n", org.Name)
	return nil
}

// NewAdminToken adds a generated admin API token to the first org of an existing database, for
// an operator who lost the one printed on first start, and returns it: it is shown once.
func NewAdminToken(ctx context.Context, s store.Store, now time.Time) (string, error) {
	token := "00" + ids.Secret()
	err := s.InTx(ctx, func(q store.Queries) error {
		_, err := createAdminToken(ctx, q, token, "admin (recovered)", now)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", errors.New("the database has no org yet: start `keyward serve` once, which prints an admin token")
	}
	return token, err
}

// createAdminToken stores token as an admin token of the first org, returning the org.
func createAdminToken(ctx context.Context, q store.Queries, token, name string, now time.Time) (store.Org, error) {
	org, err := q.FirstOrg(ctx)
	if err != nil {
		return org, err
	}
	return org, q.CreateAPIToken(ctx, store.APIToken{ID: ids.New(ids.Token), OrgID: org.ID, Name: name,
		Hash: ids.Hash(token), Admin: true, CreatedAt: now})
}

// fixedClock stands still: bootstrap happens at one instant.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }
