package pam

import (
	"context"
	"strconv"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// StagedQuery narrows ListStagedServiceAccounts: Managed nil does not filter; AppIDs not empty
// keeps only those apps' accounts (and so no UD account).
type StagedQuery struct {
	Managed *bool
	AppIDs  []string
}

// ListStagedServiceAccounts pages the team's UD and SaaS accounts not assigned to a project, by id.
func (s *Service) ListStagedServiceAccounts(ctx context.Context, teamID string, sq StagedQuery, p store.Page) ([]ServiceAccountView, error) {
	for _, id := range sq.AppIDs {
		if !storable(id) {
			return nil, fault.Invalidf("Page", "app_instance_id: must be valid UTF-8 without NUL characters")
		}
	}
	f := store.ServiceAccountFilter{Staged: true, Managed: sq.Managed, AppIDs: sq.AppIDs, NameContains: p.Contains}
	p.Contains = ""
	return s.listServiceAccounts(ctx, teamID, "", f, p)
}

// ParseSkipRotation reads AssignStagedServiceAccount's skipRotation query value ("" is false).
func ParseSkipRotation(v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fault.Invalidf("AssignStagedServiceAccount", "skipRotation: must be true or false")
	}
	return b, nil
}

// AssignServiceAccount places a staged account in a project (and so its resource group). Unless
// skipRotation, a managed account gets an initial rotation requested: RotationDueAt is set to
// now and stays until a rotation clears it (the accounts with store.ServiceAccountFilter
// RotationDue are the ones waiting). Assigning an account again to its project changes
// nothing; an account in another project is a conflict.
func (s *Service) AssignServiceAccount(ctx context.Context, teamID, id, projectID string, skipRotation bool) error {
	if !storable(id) {
		return fault.Missing(id, serviceAccountNoun)
	}
	if !storable(projectID) {
		return fault.Missing(projectID, "Project")
	}
	return s.Store.InTx(ctx, func(q store.Queries) error {
		r, err := q.GetServiceAccount(ctx, teamID, id)
		if err != nil {
			return missing(err, id, serviceAccountNoun)
		}
		proj, err := q.GetTeamProject(ctx, teamID, projectID)
		if err != nil {
			return missing(err, projectID, "Project")
		}
		a, err := serviceAccountOf(r)
		if err != nil {
			return err
		}
		if a.ProjectID == projectID {
			return nil
		}
		if a.ProjectID != "" {
			_, err := q.GetTeamProject(ctx, teamID, a.ProjectID)
			if err == nil {
				return fault.Conflictf("the service account %s is already assigned to another project", id)
			}
			if err := ignoreMissing(err); err != nil { // its project was deleted: it is staged again
				return err
			}
		}
		now := s.Clock.Now().UTC()
		a.ResourceGroupID, a.ProjectID, a.AssignedAt, a.SkipRotation, a.UpdatedAt = proj.ResourceGroupID, proj.ID, now, skipRotation, now
		if a.Managed && !skipRotation {
			a.RotationDueAt = now
		}
		rec, err := a.record(teamID)
		if err != nil {
			return err
		}
		if err := q.PutServiceAccount(ctx, rec); err != nil || a.RotationDueAt.IsZero() {
			return err
		}
		return scheduleInitialRotation(ctx, q, a, teamID)
	})
}

// ServiceAccountsAwaitingRotation pages, by id, the team's assigned accounts whose initial
// rotation an assignment requested: the work a rotation of UD and SaaS passwords picks up.
func (s *Service) ServiceAccountsAwaitingRotation(ctx context.Context, teamID string, p store.Page) ([]ServiceAccount, error) {
	recs, err := s.Store.ListServiceAccounts(ctx, teamID, store.ServiceAccountFilter{Assigned: true, RotationDue: true}, p)
	if err != nil {
		return nil, err
	}
	return serviceAccountsOf(recs)
}

// ServiceAccountRotated records that an account's password was set by a rotation: a requested
// initial rotation is done and the credentials are SYNCED.
func (s *Service) ServiceAccountRotated(ctx context.Context, teamID, id string) error {
	if !storable(id) {
		return fault.Missing(id, serviceAccountNoun)
	}
	return s.Store.InTx(ctx, func(q store.Queries) error {
		r, err := q.GetServiceAccount(ctx, teamID, id)
		if err != nil {
			return missing(err, id, serviceAccountNoun)
		}
		return serviceTargetOf(r.Kind).rotated(ctx, q, TargetAccount{TeamID: teamID, ID: id}, s.Clock.Now())
	})
}
