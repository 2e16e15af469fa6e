package pam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// projectInScope returns the project when the principal may act on it in an operation open to
// roles: holding one of its team-wide roles, or one of its delegated roles for the project's
// resource group (Reaches). A caller without either gets OPA's missing-role answer.
func (s *Service) projectInScope(ctx context.Context, p Principal, rgID, projectID string, roles ...string) (store.Project, error) {
	if !storable(rgID) || !storable(projectID) {
		return store.Project{}, fault.Missing(projectID, "Project")
	}
	ok, err := s.Reaches(ctx, p, rgID, roles...)
	if err != nil {
		return store.Project{}, err
	}
	if !ok {
		return store.Project{}, fault.MissingRole()
	}
	return s.project(ctx, s.Store, ProjectRef{TeamID: p.TeamID, ResourceGroupID: rgID, ProjectID: projectID})
}

func settingsKind(kind AccountKind, doc string) string { return string(kind) + "_" + doc }

// readSettings decodes a project's settings document into out, leaving out as it is (the
// defaults) when the document was never set; it returns the time it was set.
func readSettings(ctx context.Context, q store.Settings, teamID, projectID, kind string, out any) (store.ProjectSettings, error) {
	doc, err := q.GetProjectSettings(ctx, teamID, projectID, kind)
	if errors.Is(err, store.ErrNotFound) {
		return doc, nil
	}
	if err != nil {
		return doc, err
	}
	if err := json.Unmarshal(doc.Body, out); err != nil {
		return doc, fmt.Errorf("project %s settings %s: %w", projectID, kind, err)
	}
	return doc, nil
}

func writeSettings(ctx context.Context, q store.Settings, doc store.ProjectSettings, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	doc.Body = body
	return q.PutProjectSettings(ctx, doc)
}

// The roles of the settings operations (the spec's x-okta-opa-roles): team-wide roles reach
// every project, delegated ones the projects of their resource groups.
var (
	checkoutReaders = []string{RoleResourceAdmin, RoleSecurityAdmin, RoleDelegatedResourceAdmin, RoleDelegatedSecurityAdmin}
	checkoutWriters = []string{RoleSecurityAdmin, RoleDelegatedSecurityAdmin}
	passwordAdmins  = []string{RoleResourceAdmin, RoleDelegatedResourceAdmin}
)

// CheckoutSettingsWriterOf checks that p may replace the project's checkout settings, before the
// request's body is read: a caller without the role there gets OPA's missing-role answer.
func (s *Service) CheckoutSettingsWriterOf(ctx context.Context, p Principal, rgID, projectID string) error {
	_, err := s.projectInScope(ctx, p, rgID, projectID, checkoutWriters...)
	return err
}

// PasswordPolicyWriterOf checks, likewise, that p may replace the project's password policies.
func (s *Service) PasswordPolicyWriterOf(ctx context.Context, p Principal, rgID, projectID string) error {
	_, err := s.projectInScope(ctx, p, rgID, projectID, passwordAdmins...)
	return err
}

// CheckoutSettings returns a project's checkout settings for a kind of account (the defaults
// until set).
func (s *Service) CheckoutSettings(ctx context.Context, p Principal, rgID, projectID string, kind AccountKind) (CheckoutSettings, error) {
	if _, err := s.projectInScope(ctx, p, rgID, projectID, checkoutReaders...); err != nil {
		return CheckoutSettings{}, err
	}
	return s.projectCheckoutSettings(ctx, s.Store, p.TeamID, projectID, kind)
}

// projectCheckoutSettings reads the settings without an access check, for evaluation.
func (s *Service) projectCheckoutSettings(ctx context.Context, q store.Settings, teamID, projectID string, kind AccountKind) (CheckoutSettings, error) {
	out := DefaultCheckoutSettings()
	_, err := readSettings(ctx, q, teamID, projectID, settingsKind(kind, settingsCheckout), &out)
	return out, err
}

// SetCheckoutSettings replaces a project's checkout settings for a kind of account; invalid
// input is refused whole, naming each bad field.
func (s *Service) SetCheckoutSettings(ctx context.Context, p Principal, rgID, projectID string, kind AccountKind, in CheckoutSettingsInput) error {
	if _, err := s.projectInScope(ctx, p, rgID, projectID, checkoutWriters...); err != nil {
		return err
	}
	return s.PutProjectCheckoutSettings(ctx, p.TeamID, projectID, kind, in)
}

// PutProjectCheckoutSettings replaces a project's checkout settings for a kind of account on the
// team's own authority, checking no caller's roles (what loading a seed document does). The
// lists hold the kind's stored references: server account names, AD domain\SID keys, UD and
// SaaS account ids.
func (s *Service) PutProjectCheckoutSettings(ctx context.Context, teamID, projectID string, kind AccountKind, in CheckoutSettingsInput) error {
	if kind == ActiveDirectoryAccounts {
		in.IncludeList, in.ExcludeList = adKeysOf(in.IncludeList), adKeysOf(in.ExcludeList)
	}
	set, cs := in.settings()
	if len(cs) > 0 {
		return fault.Invalidf("CheckoutSettings", cs...)
	}
	doc := store.ProjectSettings{TeamID: teamID, ProjectID: projectID, Kind: settingsKind(kind, settingsCheckout), ModifiedAt: s.Clock.Now()}
	return missing(writeSettings(ctx, s.Store, doc, set), projectID, "Project")
}

// StoredProjectSettings returns the checkout settings and password policy a project was given
// for a kind of account, nil for each never set (the project then has the defaults).
func (s *Service) StoredProjectSettings(ctx context.Context, teamID, projectID string, kind AccountKind) (*CheckoutSettings, *PasswordPolicy, error) {
	var set CheckoutSettings
	var pol PasswordPolicy
	var checkout *CheckoutSettings
	var password *PasswordPolicy
	doc, err := readSettings(ctx, s.Store, teamID, projectID, settingsKind(kind, settingsCheckout), &set)
	if err != nil {
		return nil, nil, err
	}
	if doc.Body != nil {
		checkout = &set
	}
	if doc, err = readSettings(ctx, s.Store, teamID, projectID, settingsKind(kind, settingsPassword), &pol); err != nil {
		return nil, nil, err
	}
	if doc.Body != nil {
		pol.ModifiedAt = doc.ModifiedAt
		password = &pol
	}
	return checkout, password, nil
}

// PasswordPolicy returns a project's password policy for a kind of account (the default until
// set, without a modification time).
func (s *Service) PasswordPolicy(ctx context.Context, p Principal, rgID, projectID string, kind AccountKind) (PasswordPolicy, error) {
	if _, err := s.projectInScope(ctx, p, rgID, projectID, passwordAdmins...); err != nil {
		return PasswordPolicy{}, err
	}
	return s.ProjectPasswordPolicy(ctx, p.TeamID, projectID, kind)
}

// ProjectPasswordPolicy reads the policy without an access check, for rotation.
func (s *Service) ProjectPasswordPolicy(ctx context.Context, teamID, projectID string, kind AccountKind) (PasswordPolicy, error) {
	out := DefaultPasswordPolicy()
	doc, err := readSettings(ctx, s.Store, teamID, projectID, settingsKind(kind, settingsPassword), &out)
	out.ModifiedAt = doc.ModifiedAt
	return out, err
}

// SetPasswordPolicy replaces a project's password policy for a kind of account and returns it
// with its modification time; invalid input is refused whole, naming each bad field.
func (s *Service) SetPasswordPolicy(ctx context.Context, p Principal, rgID, projectID string, kind AccountKind, in PasswordPolicyInput) (PasswordPolicy, error) {
	if _, err := s.projectInScope(ctx, p, rgID, projectID, passwordAdmins...); err != nil {
		return PasswordPolicy{}, err
	}
	return s.PutProjectPasswordPolicy(ctx, p.TeamID, projectID, kind, in)
}

// PutProjectPasswordPolicy replaces a project's password policy for a kind of account on the
// team's own authority, checking no caller's roles (what loading a seed document does).
func (s *Service) PutProjectPasswordPolicy(ctx context.Context, teamID, projectID string, kind AccountKind, in PasswordPolicyInput) (PasswordPolicy, error) {
	if kind == ActiveDirectoryAccounts {
		in.RotationInclude, in.RotationExclude = adKeysOf(in.RotationInclude), adKeysOf(in.RotationExclude)
	}
	pol, cs := in.policy()
	if len(cs) > 0 {
		return PasswordPolicy{}, fault.Invalidf("PasswordPolicy", cs...)
	}
	pol.ModifiedAt = s.Clock.Now().UTC().Truncate(time.Millisecond)
	doc := store.ProjectSettings{TeamID: teamID, ProjectID: projectID, Kind: settingsKind(kind, settingsPassword), ModifiedAt: pol.ModifiedAt}
	if err := writeSettings(ctx, s.Store, doc, pol); err != nil {
		return PasswordPolicy{}, missing(err, projectID, "Project")
	}
	if kind == ServerAccounts { // accounts it no longer manages end their checkouts
		return pol, s.endAccountsLostCheckouts(ctx, teamID, store.AccountFilter{ProjectID: projectID})
	}
	return pol, nil
}
