package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/keyward/keyward/internal/store"
)

func (q queries) PutDirectoryPassword(ctx context.Context, d store.DirectoryPassword) error {
	_, err := q.exec(ctx, "put directory password", `INSERT INTO opa_password_directory (account_id, team_id, resource_type,
		password, changed_at, success_count, error_count) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (account_id) DO UPDATE SET resource_type = excluded.resource_type, password = excluded.password,
		changed_at = excluded.changed_at, success_count = excluded.success_count, error_count = excluded.error_count`,
		d.AccountID, d.TeamID, d.ResourceType, d.Password, ms(d.ChangedAt), d.Successes, d.Failures)
	return err
}

func (q queries) GetDirectoryPassword(ctx context.Context, teamID, accountID string) (store.DirectoryPassword, error) {
	var d store.DirectoryPassword
	var at int64
	err := q.db.QueryRowContext(ctx, `SELECT account_id, team_id, resource_type, password, changed_at, success_count, error_count
		FROM opa_password_directory WHERE team_id = $1 AND account_id = $2`, teamID, accountID).
		Scan(&d.AccountID, &d.TeamID, &d.ResourceType, &d.Password, &at, &d.Successes, &d.Failures)
	if err != nil {
		return d, notFound("get directory password", err)
	}
	d.ChangedAt = fromMS(at)
	return d, nil
}

func (q queries) SetDirectoryFailure(ctx context.Context, teamID, message string) error {
	if message == "" {
		_, err := q.exec(ctx, "clear directory failure", `DELETE FROM opa_directory_failures WHERE team_id = $1`, teamID)
		return err
	}
	_, err := q.exec(ctx, "set directory failure", `INSERT INTO opa_directory_failures (team_id, message) VALUES ($1, $2)
		ON CONFLICT (team_id) DO UPDATE SET message = excluded.message`, teamID, message)
	return err
}

func (q queries) DirectoryFailure(ctx context.Context, teamID string) (string, error) {
	var msg string
	err := q.db.QueryRowContext(ctx, `SELECT message FROM opa_directory_failures WHERE team_id = $1`, teamID).Scan(&msg)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return msg, err
}
