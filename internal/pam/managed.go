package pam

import (
	"context"
	"slices"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// management is which of a project's server accounts keyward manages (their `managed`): none
// until the project's server password policy is set; then those its
// managed_privileged_accounts_config names, or every account when it names none. Only a
// managed account's password is revealed, checked out and rotated: the spec's reveal and
// checkout privileges are those "for a managed server account".
type management struct {
	set   bool     // a server password policy was stored
	names []string // managed_privileged_accounts_config
}

func (m management) manages(login string) bool {
	return m.set && (len(m.names) == 0 || slices.Contains(m.names, login))
}

// projectManagement reads a project's management from its server password policy.
func projectManagement(ctx context.Context, q store.Settings, teamID, projectID string) (management, error) {
	pol := DefaultPasswordPolicy()
	doc, err := readSettings(ctx, q, teamID, projectID, settingsKind(ServerAccounts, settingsPassword), &pol)
	return management{set: doc.Body != nil, names: pol.ManagedAccounts}, err
}

// accountManaged reports whether keyward manages a server account's password.
func accountManaged(ctx context.Context, q store.Settings, a store.ServerAccount) (bool, error) {
	m, err := projectManagement(ctx, q, a.TeamID, a.ProjectID)
	return m.manages(a.Login), err
}

// errUnmanaged refuses an operation on the password of an account keyward does not manage.
func errUnmanaged() error {
	return fault.PreconditionFailedf("The account's password is not managed by Okta Privileged Access: name it in the project's managed_privileged_accounts_config")
}
