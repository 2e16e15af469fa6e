package pam

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// ForceSyncAD applies what was last fed for a connection's domain, as a sync from the domain
// would: accounts gone from the domain are removed, the others created or refreshed (keeping
// their ids and match overrides), placed by the first rule that places them, and individual
// accounts in a project matched to the team's active human users. It runs in one transaction,
// so the connection goes from its last status straight to SYNC_COMPLETED.
func (s *Service) ForceSyncAD(ctx context.Context, teamID, connID string) error {
	now := s.Clock.Now()
	return s.Store.InTx(ctx, func(q store.Queries) error {
		c, err := s.adConnection(ctx, q, teamID, connID)
		if err != nil {
			return err
		}
		if c.Status != ADConnected {
			return fault.Conflictf("the connection is %s: only a connected connection syncs", c.Status)
		}
		var entries []ADEntry
		if err := json.Unmarshal(c.Directory, &entries); err != nil {
			return fmt.Errorf("ad connection %s directory: %w", c.ID, err)
		}
		settings, err := adRuleSettingsOf(c)
		if err != nil {
			return err
		}
		rules, err := listADRules(ctx, q, teamID, connID)
		if err != nil {
			return err
		}
		users, err := activeHumans(ctx, q, teamID)
		if err != nil {
			return err
		}
		old, err := readADAccounts(ctx, q, teamID, store.ADAccountFilter{ConnectionID: connID})
		if err != nil {
			return err
		}
		bySID := make(map[string]ADAccount, len(old))
		for _, a := range old {
			bySID[a.SID] = a
		}
		for _, e := range entries {
			a, ok := bySID[e.SID]
			delete(bySID, e.SID)
			if !ok {
				a = ADAccount{ID: newID(), ConnectionID: connID}
			}
			a.ADEntry, a.SyncedAt = e, now
			a.place(rules, now)
			a.Match.RuleMatchUserID, a.Match.RuleStatus = "", ""
			if a.AccountType == ADIndividual && a.ProjectID != "" {
				a.Match.RuleMatchUserID, a.Match.RuleStatus = settings.ruleMatch(e, users)
			}
			if err := putADAccount(ctx, q, teamID, a); err != nil {
				return err
			}
		}
		for _, gone := range bySID {
			if err := q.DeleteADAccount(ctx, teamID, gone.ID); err != nil {
				return err
			}
		}
		c.SyncStatus = ADSyncCompleted
		return q.UpdateADConnection(ctx, c)
	})
}

// place puts the account in the project of the first rule placing it, or in none; the first
// placement is when it came under management.
func (a *ADAccount) place(rules []ADRule, now time.Time) {
	a.ResourceGroupID, a.ProjectID = "", ""
	for _, r := range rules {
		if r.places(a.ADEntry) {
			a.ResourceGroupID, a.ProjectID = r.ResourceGroupID, r.ProjectID
			if a.ManagedAt.IsZero() {
				a.ManagedAt = now
			}
			return
		}
	}
}

// unplaceADAccounts places the accounts of a deleted project in none; an account in no project
// matches no user by rule.
func unplaceADAccounts(ctx context.Context, q store.Queries, teamID, projectID string) error {
	placed, err := readADAccounts(ctx, q, teamID, store.ADAccountFilter{ProjectID: projectID})
	if err != nil {
		return err
	}
	for _, a := range placed {
		a.ResourceGroupID, a.ProjectID = "", ""
		a.Match.RuleMatchUserID, a.Match.RuleStatus = "", ""
		if err := putADAccount(ctx, q, teamID, a); err != nil {
			return err
		}
	}
	return nil
}

// readADAccounts reads every account the filter selects.
func readADAccounts(ctx context.Context, q store.Queries, teamID string, f store.ADAccountFilter) ([]ADAccount, error) {
	recs, err := q.ListADAccounts(ctx, teamID, f, store.Page{})
	if err != nil {
		return nil, err
	}
	return adAccountsOf(recs)
}

// putADAccount stores an account.
func putADAccount(ctx context.Context, q store.Queries, teamID string, a ADAccount) error {
	rec, err := a.record(teamID)
	if err != nil {
		return err
	}
	return q.PutADAccount(ctx, rec)
}

// activeHumans are the users accounts may match.
func activeHumans(ctx context.Context, q store.Queries, teamID string) ([]store.OPAUser, error) {
	all, err := q.ListOPAUsers(ctx, teamID, store.UserHuman, store.Page{})
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, u := range all {
		if u.Status == store.UserActive {
			out = append(out, u)
		}
	}
	return out, nil
}

// ADSyncStatus returns a connection's last sync status.
func (s *Service) ADSyncStatus(ctx context.Context, teamID, connID string) (string, error) {
	c, err := s.adConnection(ctx, s.Store, teamID, connID)
	return c.SyncStatus, err
}
