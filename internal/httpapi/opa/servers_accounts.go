package opa

import (
	"context"
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// serverAccount is the spec's ServerAccounts. The last_password_change_* fields stay absent
// until password rotation reports on the account (keyward's agent reports no clock of its own,
// so the system timestamps are keyward's).
type serverAccount struct {
	ID               string `json:"id"`
	TeamID           string `json:"team_id"`
	ProjectID        string `json:"project_id"`
	ServerID         string `json:"server_id"`
	Hostname         string `json:"hostname"`
	Login            string `json:"login"`
	Managed          bool   `json:"managed"`
	CreatedAt        string `json:"created_at"`
	ChangeReportedAt string `json:"last_password_change_success_report_timestamp,omitempty"`
	ChangedAt        string `json:"last_password_change_system_timestamp,omitempty"`
	ErrorReportedAt  string `json:"last_password_change_error_report_timestamp,omitempty"`
	ErrorAt          string `json:"last_password_change_error_system_timestamp,omitempty"`
	ErrorType        string `json:"last_password_change_error_type,omitempty"`
}

func serverAccountBody(a pam.ServerAccount) serverAccount {
	b := serverAccount{ID: a.ID, TeamID: a.TeamID, ProjectID: a.ProjectID, ServerID: a.ServerID, Hostname: a.Hostname,
		Login: a.Login, Managed: a.Managed, CreatedAt: timestamp(a.CreatedAt), ErrorType: a.PasswordErrorType}
	if !a.PasswordChangedAt.IsZero() {
		b.ChangeReportedAt, b.ChangedAt = timestamp(a.PasswordChangedAt), timestamp(a.PasswordChangedAt)
	}
	if !a.PasswordErrorAt.IsZero() {
		b.ErrorReportedAt, b.ErrorAt = timestamp(a.PasswordErrorAt), timestamp(a.PasswordErrorAt)
	}
	return b
}

// writeAccounts answers a server-account list read through fetch.
func (h *Handlers) writeAccounts(w http.ResponseWriter, r *http.Request, fetch func(ctx context.Context, p store.Page) ([]pam.ServerAccount, error)) error {
	return writeList(h, w, r, func(a serverAccount) string { return a.ID }, func(ctx context.Context, p store.Page) ([]serverAccount, error) {
		as, err := fetch(ctx, p)
		return mapped(as, serverAccountBody), err
	})
}

func (h *Handlers) listServerAccountsForProject(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.projectRef(r)
	if err != nil {
		return err
	}
	return h.writeAccounts(w, r, func(ctx context.Context, p store.Page) ([]pam.ServerAccount, error) {
		return h.PAM.ListProjectServerAccounts(ctx, ref, p)
	})
}

// getServerAccountDetails answers {"items": account}, the shape the spec gives this operation.
func (h *Handlers) getServerAccountDetails(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.projectRef(r)
	if err != nil {
		return err
	}
	a, err := h.PAM.ProjectServerAccount(r.Context(), ref, r.PathValue("server_account_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, struct {
		Items serverAccount `json:"items"`
	}{serverAccountBody(a)})
	return nil
}

func (h *Handlers) listServerAccountsForServer(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.projectRef(r)
	if err != nil {
		return err
	}
	serverID := r.PathValue("server_id")
	return h.writeAccounts(w, r, func(ctx context.Context, p store.Page) ([]pam.ServerAccount, error) {
		return h.PAM.ListServerServerAccounts(ctx, ref, serverID, p)
	})
}

func (h *Handlers) listAllServerAccountResourcesForDelegatedSecurityAdmin(w http.ResponseWriter, r *http.Request) error {
	rgID, err := h.resourceGroupAccess(r, pam.RoleSecurityAdmin, pam.RoleDelegatedSecurityAdmin)
	if err != nil {
		return err
	}
	teamID := wire.PrincipalFrom(r).TeamID
	return h.writeAccounts(w, r, func(ctx context.Context, p store.Page) ([]pam.ServerAccount, error) {
		return h.PAM.ListResourceGroupServerAccounts(ctx, teamID, rgID, p)
	})
}

func (h *Handlers) listAllServerAccountResourcesForSecurityAdmin(w http.ResponseWriter, r *http.Request) error {
	teamID := wire.PrincipalFrom(r).TeamID
	return h.writeAccounts(w, r, func(ctx context.Context, p store.Page) ([]pam.ServerAccount, error) {
		return h.PAM.ListTeamServerAccounts(ctx, teamID, p)
	})
}
