package pam

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/limits"
	"github.com/keyward/keyward/internal/store"
)

// Password rotation strategies of a SaaS app instance (the spec's AppPasswordRotationStrategy).
const (
	RotateUsingAdmin            = "USING_ADMIN"
	RotateUsingExistingPassword = "USING_EXISTING_PASSWORD"
	// UDAppName is the app name a Universal Directory account shows where a SaaS account shows
	// its app instance's (OPA's default for checked-out UD accounts).
	UDAppName = "Okta"
	// Sync statuses of a managed account's credentials (the spec's ServiceAccountSyncStatus).
	SyncNotSynced = "NOT_SYNCED"
	SyncSynced    = "SYNCED"

	saasAppNoun        = "SaasApplicationInstance"
	serviceAccountNoun = "ServiceAccount"
)

var (
	rotationStrategies = []string{RotateUsingAdmin, RotateUsingExistingPassword}
	// oktaIDPattern is OPA's pattern for an app instance id (SaasAppAccount.application_instance_id).
	oktaIDPattern = regexp.MustCompile(`^[\w\-.]+$`)
	// accountNamePattern is OPA's pattern for a service account's name (ServiceAccountEndUser).
	accountNamePattern = regexp.MustCompile(`^[\w\-. ]+$`)
)

// SaaSApp is an Okta app instance connected to the team.
type SaaSApp struct {
	ID        string
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
	saasAppBody
}

// saasAppBody is what the store keeps as the app's JSON body.
type saasAppBody struct {
	GlobalAppName    string `json:"global_app_name"`
	LoginURL         string `json:"login_url,omitempty"`
	LogoURL          string `json:"logo_url,omitempty"`
	RotationStrategy string `json:"password_rotation_strategy"`
}

func saasAppOf(r store.SaaSApp) (SaaSApp, error) {
	a := SaaSApp{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if err := json.Unmarshal(r.Body, &a.saasAppBody); err != nil {
		return a, fmt.Errorf("saas app %s: %w", r.ID, err)
	}
	return a, nil
}

func (a SaaSApp) record(teamID string) (store.SaaSApp, error) {
	body, err := json.Marshal(a.saasAppBody)
	return store.SaaSApp{TeamID: teamID, ID: a.ID, Name: a.Name, Body: body, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}, err
}

// ORN is the app instance's Okta resource name, as Okta forms it from the org, the global app
// and the instance (keyward stands the team's name in for the org's id).
func (a SaaSApp) ORN(teamName string) string {
	global := strings.ToLower(strings.Map(func(r rune) rune {
		if r == ' ' {
			return '_'
		}
		return r
	}, a.GlobalAppName))
	return "orn:okta:idp:" + teamName + ":apps:" + global + ":" + a.ID
}

// SaaSAppInput is an app instance as the admin API feeds it; ID is Okta's app instance id
// (one is made when ""), RotationStrategy USING_ADMIN when "".
type SaaSAppInput struct {
	ID, Name, GlobalAppName, LoginURL, LogoURL, RotationStrategy string
}

func (in SaaSAppInput) check() []string {
	var cs []string
	if in.ID != "" && (len(in.ID) > limits.Name || !oktaIDPattern.MatchString(in.ID)) {
		cs = append(cs, "id: must be 1 to 255 letters, digits, '-', '_' or '.'")
	}
	for _, f := range []struct{ name, v string }{{"name", in.Name}, {"globalAppName", in.GlobalAppName}} {
		if strings.TrimSpace(f.v) == "" {
			cs = append(cs, f.name+": is required")
		}
		cs = append(cs, limits.Check(f.name, f.v, limits.Name))
	}
	cs = append(cs, limits.Check("loginUrl", in.LoginURL, limits.Description), limits.Check("logoUrl", in.LogoURL, limits.Description))
	if in.RotationStrategy != "" && !slices.Contains(rotationStrategies, in.RotationStrategy) {
		cs = append(cs, "passwordRotationStrategy: must be one of "+listed(rotationStrategies))
	}
	return causes(cs...)
}

// PutSaaSApp creates an app instance, or replaces one of that id (keeping its accounts and its
// creation time): Okta's side of connecting an app to OPA. It reports whether it created one.
func (s *Service) PutSaaSApp(ctx context.Context, teamID string, in SaaSAppInput) (SaaSApp, bool, error) {
	if cs := in.check(); len(cs) > 0 {
		return SaaSApp{}, false, fault.Invalidf(saasAppNoun, cs...)
	}
	if in.ID == "" {
		in.ID = "0oa" + strings.ReplaceAll(newID(), "-", "")[:17]
	}
	if in.RotationStrategy == "" {
		in.RotationStrategy = RotateUsingAdmin
	}
	now := s.Clock.Now().UTC()
	a := SaaSApp{ID: in.ID, Name: in.Name, CreatedAt: now, UpdatedAt: now, saasAppBody: saasAppBody{GlobalAppName: in.GlobalAppName,
		LoginURL: in.LoginURL, LogoURL: in.LogoURL, RotationStrategy: in.RotationStrategy}}
	created := false
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		old, err := q.GetSaaSApp(ctx, teamID, in.ID)
		switch {
		case err == nil:
			a.CreatedAt = old.CreatedAt
		case ignoreMissing(err) == nil:
			created = true
		default:
			return err
		}
		rec, err := a.record(teamID)
		if err != nil {
			return err
		}
		return q.PutSaaSApp(ctx, rec)
	})
	return a, created, err
}

// SaaSApp returns an app instance of the team.
func (s *Service) SaaSApp(ctx context.Context, teamID, id string) (SaaSApp, error) {
	return s.saasApp(ctx, s.Store, teamID, id)
}

func (s *Service) saasApp(ctx context.Context, q store.Queries, teamID, id string) (SaaSApp, error) {
	if !storable(id) {
		return SaaSApp{}, fault.Missing(id, saasAppNoun)
	}
	r, err := q.GetSaaSApp(ctx, teamID, id)
	if err != nil {
		return SaaSApp{}, missing(err, id, saasAppNoun)
	}
	return saasAppOf(r)
}

// ListSaaSApps pages the team's app instances by id; p.Contains filters by name.
func (s *Service) ListSaaSApps(ctx context.Context, teamID string, p store.Page) ([]SaaSApp, error) {
	if err := checkPage(p); err != nil {
		return nil, err
	}
	recs, err := s.Store.ListSaaSApps(ctx, teamID, p)
	if err != nil {
		return nil, err
	}
	return decodeAll(recs, saasAppOf)
}

// SetSaaSAppRotationStrategy is PatchAppInstance: nil leaves the strategy as it is.
func (s *Service) SetSaaSAppRotationStrategy(ctx context.Context, teamID, id string, strategy *string) (SaaSApp, error) {
	var out SaaSApp
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		a, err := s.saasApp(ctx, q, teamID, id)
		if err != nil || strategy == nil {
			out = a
			return err
		}
		if !slices.Contains(rotationStrategies, *strategy) {
			return fault.Invalidf("AppPasswordRotationStrategyPatch", "password_rotation_strategy: must be one of "+listed(rotationStrategies))
		}
		a.RotationStrategy, a.UpdatedAt = *strategy, s.Clock.Now().UTC()
		rec, err := a.record(teamID)
		if err != nil {
			return err
		}
		out = a
		return q.PutSaaSApp(ctx, rec)
	})
	return out, err
}

// ServiceAccount is a Universal Directory or SaaS-app service account: staged until assigned
// to a project.
type ServiceAccount struct {
	ID              string
	Kind            string // store.ServiceAccountUD or store.ServiceAccountSaaS
	AppID           string
	ExternalID      string
	Name            string
	Username        string
	Managed         bool
	ResourceGroupID string
	ProjectID       string
	// RotationDueAt is when an assignment requested the initial rotation that is not done yet.
	RotationDueAt time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	serviceAccountBody
}

// serviceAccountBody is what the store keeps as the account's JSON body.
type serviceAccountBody struct {
	Description  string    `json:"description,omitempty"`
	SyncStatus   string    `json:"sync_status,omitempty"`
	SkipRotation bool      `json:"skip_rotation,omitempty"`
	AssignedAt   time.Time `json:"assigned_at,omitzero"`
}

func serviceAccountOf(r store.ServiceAccount) (ServiceAccount, error) {
	a := ServiceAccount{ID: r.ID, Kind: r.Kind, AppID: r.AppID, ExternalID: r.ExternalID, Name: r.Name, Username: r.Username,
		Managed: r.Managed, ResourceGroupID: r.ResourceGroupID, ProjectID: r.ProjectID, RotationDueAt: r.RotationDueAt,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if err := json.Unmarshal(r.Body, &a.serviceAccountBody); err != nil {
		return a, fmt.Errorf("service account %s: %w", r.ID, err)
	}
	return a, nil
}

func serviceAccountsOf(rs []store.ServiceAccount) ([]ServiceAccount, error) {
	return decodeAll(rs, serviceAccountOf)
}

// decodeAll decodes stored records with of, failing on the first that does not decode.
func decodeAll[R, T any](rs []R, of func(R) (T, error)) ([]T, error) {
	out := make([]T, 0, len(rs))
	for _, r := range rs {
		x, err := of(r)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

func (a ServiceAccount) record(teamID string) (store.ServiceAccount, error) {
	body, err := json.Marshal(a.serviceAccountBody)
	return store.ServiceAccount{ID: a.ID, TeamID: teamID, Kind: a.Kind, AppID: a.AppID, ExternalID: a.ExternalID, Name: a.Name,
		Username: a.Username, Managed: a.Managed, ResourceGroupID: a.ResourceGroupID, ProjectID: a.ProjectID,
		RotationDueAt: a.RotationDueAt, Body: body, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}, err
}

// ServiceAccountEntry is one account as Okta holds it: what the admin API feeds. ExternalID is
// Okta's id of it (the UD user's id, or the app user's id); Managed is whether its password
// can be rotated (OPA's lcm_sync_possible).
type ServiceAccountEntry struct {
	ExternalID  string
	Name        string
	Username    string
	Description string
	Managed     bool
}

func (e ServiceAccountEntry) check(prefix string) []string {
	var cs []string
	if e.ExternalID == "" || len(e.ExternalID) > limits.Name || !oktaIDPattern.MatchString(e.ExternalID) {
		cs = append(cs, prefix+"id: must be 1 to 255 letters, digits, '-', '_' or '.'")
	}
	if e.Name == "" || len(e.Name) > limits.ServiceAccountName || !accountNamePattern.MatchString(e.Name) {
		cs = append(cs, fmt.Sprintf("%sname: must be 1 to %d letters, digits, spaces, '-', '_' or '.'", prefix, limits.ServiceAccountName))
	}
	if strings.TrimSpace(e.Username) == "" {
		cs = append(cs, prefix+"username: is required")
	}
	return causes(append(cs, limits.Check(prefix+"username", e.Username, limits.ServiceAccountUsername),
		limits.Check(prefix+"description", e.Description, limits.Description))...)
}

// FeedSummary counts what a feed changed.
type FeedSummary struct {
	Added, Updated, Removed int
}

// FeedUDAccounts replaces the Universal Directory's service accounts of the team.
func (s *Service) FeedUDAccounts(ctx context.Context, teamID string, entries []ServiceAccountEntry) (FeedSummary, error) {
	return s.feedServiceAccounts(ctx, teamID, store.ServiceAccountUD, "", entries)
}

// FeedSaaSAccounts replaces an app instance's service accounts.
func (s *Service) FeedSaaSAccounts(ctx context.Context, teamID, appID string, entries []ServiceAccountEntry) (FeedSummary, error) {
	if _, err := s.saasApp(ctx, s.Store, teamID, appID); err != nil {
		return FeedSummary{}, err
	}
	return s.feedServiceAccounts(ctx, teamID, store.ServiceAccountSaaS, appID, entries)
}

// feedServiceAccounts makes the accounts of a kind (and app) those fed: an account Okta still
// holds keeps its id, project and rotation state and takes the fed attributes; a new one is
// staged; one no longer fed is removed, wherever it was assigned. Ids are unique; invalid
// entries refuse the whole feed.
func (s *Service) feedServiceAccounts(ctx context.Context, teamID, kind, appID string, entries []ServiceAccountEntry) (FeedSummary, error) {
	if len(entries) > limits.ServiceAccountFeed {
		return FeedSummary{}, fault.Invalidf(serviceAccountNoun, fmt.Sprintf("accounts: must hold at most %d accounts", limits.ServiceAccountFeed))
	}
	if cs := checkFeed(entries, "id", func(e ServiceAccountEntry) string { return e.ExternalID }); len(cs) > 0 {
		return FeedSummary{}, fault.Invalidf(serviceAccountNoun, cs...)
	}
	var sum FeedSummary
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		sum = FeedSummary{}
		f := store.ServiceAccountFilter{Kind: kind}
		if appID != "" {
			f.AppIDs = []string{appID}
		}
		recs, err := q.ListServiceAccounts(ctx, teamID, f, store.Page{})
		if err != nil {
			return err
		}
		old := make(map[string]ServiceAccount, len(recs))
		for _, r := range recs {
			if r.AppID != appID {
				continue
			}
			a, err := serviceAccountOf(r)
			if err != nil {
				return err
			}
			old[a.ExternalID] = a
		}
		now := s.Clock.Now().UTC()
		for _, e := range entries {
			a, ok := old[e.ExternalID]
			delete(old, e.ExternalID)
			if !ok {
				a = ServiceAccount{ID: newID(), Kind: kind, AppID: appID, ExternalID: e.ExternalID, CreatedAt: now}
				sum.Added++
			} else if a.Name == e.Name && a.Username == e.Username && a.Description == e.Description && a.Managed == e.Managed {
				continue
			} else {
				sum.Updated++
			}
			a.Name, a.Username, a.Description, a.Managed, a.UpdatedAt = e.Name, e.Username, e.Description, e.Managed, now
			if a.Managed && a.SyncStatus == "" {
				a.SyncStatus = SyncNotSynced
			}
			if !a.Managed {
				a.SyncStatus, a.RotationDueAt = "", time.Time{}
			}
			rec, err := a.record(teamID)
			if err != nil {
				return err
			}
			if err := q.PutServiceAccount(ctx, rec); err != nil {
				return err
			}
		}
		var gone []string
		for _, a := range old {
			if err := q.DeleteServiceAccount(ctx, teamID, a.ID); err != nil {
				return err
			}
			gone = append(gone, a.ID)
			sum.Removed++
		}
		return retireCheckouts(ctx, q, teamID, gone, now)
	})
	return sum, err
}
