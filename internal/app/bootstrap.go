package app

import (
	"context"
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
// since only their hashes are stored.
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

// fixedClock stands still: bootstrap happens at one instant.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }
