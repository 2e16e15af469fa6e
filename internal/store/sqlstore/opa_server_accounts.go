package sqlstore

import (
	"context"
	"strings"

	"github.com/keyward/keyward/internal/store"
)

const accountCols = `a.id, a.team_id, a.resource_group_id, a.project_id, a.server_id, s.hostname, a.login, a.created_at`

const accountFrom = ` FROM opa_server_accounts a JOIN opa_servers s ON s.id = a.server_id`

func scanServerAccount(r scanner) (store.ServerAccount, error) { return scanServerAccountAnd(r) }

// scanServerAccountAnd scans accountCols and then the further columns into more.
func scanServerAccountAnd(r scanner, more ...any) (store.ServerAccount, error) {
	var a store.ServerAccount
	var created int64
	err := r.Scan(append([]any{&a.ID, &a.TeamID, &a.ResourceGroupID, &a.ProjectID, &a.ServerID, &a.Hostname, &a.Login, &created},
		more...)...)
	a.CreatedAt = fromMS(created)
	return a, err
}

func (q queries) CreateServerAccount(ctx context.Context, a store.ServerAccount) error {
	_, err := q.exec(ctx, "create server account", `INSERT INTO opa_server_accounts (id, team_id, resource_group_id, project_id,
		server_id, login, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.ID, a.TeamID, a.ResourceGroupID, a.ProjectID,
		a.ServerID, a.Login, ms(a.CreatedAt))
	return err
}

func (q queries) DeleteServerAccount(ctx context.Context, serverID, id string) error {
	res, err := q.exec(ctx, "delete server account", `DELETE FROM opa_server_accounts WHERE server_id = $1 AND id = $2`, serverID, id)
	return mustAffect(res, err, notFound("delete server account", store.ErrNotFound))
}

func (q queries) GetServerAccount(ctx context.Context, teamID, projectID, id string) (store.ServerAccount, error) {
	a, err := scanServerAccount(q.db.QueryRowContext(ctx, `SELECT `+accountCols+accountFrom+`
		WHERE a.team_id = $1 AND a.project_id = $2 AND a.id = $3`, teamID, projectID, id))
	if err != nil {
		return a, notFound("get server account", err)
	}
	return a, nil
}

func (q queries) ListServerAccounts(ctx context.Context, teamID string, f store.AccountFilter, p store.Page) ([]store.ServerAccount, error) {
	query, args := accountsQuery(accountCols+accountFrom, teamID, f, p)
	return list(ctx, q, query, args, scanServerAccount)
}

// accountsQuery selects what (columns and FROM) for a page of a team's accounts.
func accountsQuery(what, teamID string, f store.AccountFilter, p store.Page) (string, []any) {
	var b strings.Builder
	b.WriteString(`SELECT ` + what + ` WHERE a.team_id = $1`)
	args := []any{teamID}
	args = equalFilters(&b, args, [][2]string{{"a.resource_group_id", f.ResourceGroupID}, {"a.project_id", f.ProjectID},
		{"a.server_id", f.ServerID}})
	return paged(b.String(), args, p, "", "a.id")
}

func (q queries) ListServerAccountsRotated(ctx context.Context, teamID string, f store.AccountFilter, p store.Page) ([]store.ServerAccount, []store.CheckoutRotation, error) {
	query, args := accountsQuery(accountCols+`, COALESCE(c.success_at, 0), COALESCE(c.error_at, 0), COALESCE(c.error_type, '')`+
		accountFrom+` LEFT JOIN opa_checkouts c ON c.account_id = a.id AND c.team_id = a.team_id`, teamID, f, p)
	var rs []store.CheckoutRotation
	as, err := list(ctx, q, query, args, func(row scanner) (store.ServerAccount, error) {
		var r store.CheckoutRotation
		var success, failed int64
		a, err := scanServerAccountAnd(row, &success, &failed, &r.ErrorType)
		r.AccountID, r.SuccessAt, r.ErrorAt = a.ID, fromMS(success), fromMS(failed)
		rs = append(rs, r)
		return a, err
	})
	if err != nil {
		return nil, nil, err
	}
	return as, rs, nil
}
