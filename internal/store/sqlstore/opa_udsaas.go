package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/keyward/keyward/internal/store"
)

const saasAppCols = `team_id, id, name, body, created_at, updated_at`

func scanSaaSApp(r scanner) (store.SaaSApp, error) {
	var a store.SaaSApp
	var body string
	var created, updated int64
	err := r.Scan(&a.TeamID, &a.ID, &a.Name, &body, &created, &updated)
	a.Body, a.CreatedAt, a.UpdatedAt = []byte(body), fromMS(created), fromMS(updated)
	return a, err
}

func (q queries) PutSaaSApp(ctx context.Context, a store.SaaSApp) error {
	_, err := q.exec(ctx, "put saas app", `INSERT INTO opa_saas_apps (`+saasAppCols+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (team_id, id) DO UPDATE SET name = excluded.name, body = excluded.body, updated_at = excluded.updated_at`,
		a.TeamID, a.ID, a.Name, string(a.Body), ms(a.CreatedAt), ms(a.UpdatedAt))
	return err
}

func (q queries) GetSaaSApp(ctx context.Context, teamID, id string) (store.SaaSApp, error) {
	a, err := scanSaaSApp(q.db.QueryRowContext(ctx, `SELECT `+saasAppCols+` FROM opa_saas_apps WHERE team_id = $1 AND id = $2`, teamID, id))
	if err != nil {
		return a, notFound("get saas app", err)
	}
	return a, nil
}

func (q queries) ListSaaSApps(ctx context.Context, teamID string, p store.Page) ([]store.SaaSApp, error) {
	p.OrderByID = true
	query, args := paged(`SELECT `+saasAppCols+` FROM opa_saas_apps WHERE team_id = $1`, []any{teamID}, p, "name", "id")
	return list(ctx, q, query, args, scanSaaSApp)
}

const serviceAccountCols = `id, team_id, kind, app_id, external_id, name, username, managed, resource_group_id, project_id,
	rotation_due_at, body, created_at, updated_at`

func scanServiceAccount(r scanner) (store.ServiceAccount, error) {
	var a store.ServiceAccount
	var body string
	var managed int
	var due, created, updated int64
	err := r.Scan(&a.ID, &a.TeamID, &a.Kind, &a.AppID, &a.ExternalID, &a.Name, &a.Username, &managed, &a.ResourceGroupID,
		&a.ProjectID, &due, &body, &created, &updated)
	a.Managed, a.Body = managed != 0, []byte(body)
	a.RotationDueAt, a.CreatedAt, a.UpdatedAt = fromMS(due), fromMS(created), fromMS(updated)
	return a, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// PutServiceAccount upserts by id; the row of another team, kind or app is never overwritten.
func (q queries) PutServiceAccount(ctx context.Context, a store.ServiceAccount) error {
	res, err := q.exec(ctx, "put service account", `INSERT INTO opa_service_accounts (`+serviceAccountCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (id) DO UPDATE SET external_id = excluded.external_id, name = excluded.name, username = excluded.username,
		managed = excluded.managed, resource_group_id = excluded.resource_group_id, project_id = excluded.project_id,
		rotation_due_at = excluded.rotation_due_at, body = excluded.body, updated_at = excluded.updated_at
		WHERE opa_service_accounts.team_id = excluded.team_id AND opa_service_accounts.kind = excluded.kind
		AND opa_service_accounts.app_id = excluded.app_id`,
		a.ID, a.TeamID, a.Kind, a.AppID, a.ExternalID, a.Name, a.Username, boolInt(a.Managed), a.ResourceGroupID, a.ProjectID,
		ms(a.RotationDueAt), string(a.Body), ms(a.CreatedAt), ms(a.UpdatedAt))
	return mustAffect(res, err, notFound("put service account", store.ErrNotFound))
}

func (q queries) GetServiceAccount(ctx context.Context, teamID, id string) (store.ServiceAccount, error) {
	a, err := scanServiceAccount(q.db.QueryRowContext(ctx, `SELECT `+serviceAccountCols+` FROM opa_service_accounts
		WHERE team_id = $1 AND id = $2`, teamID, id))
	if err != nil {
		return a, notFound("get service account", err)
	}
	return a, nil
}

func (q queries) DeleteServiceAccount(ctx context.Context, teamID, id string) error {
	res, err := q.exec(ctx, "delete service account", `DELETE FROM opa_service_accounts WHERE team_id = $1 AND id = $2`, teamID, id)
	return mustAffect(res, err, notFound("delete service account", store.ErrNotFound))
}

func (q queries) ListServiceAccounts(ctx context.Context, teamID string, f store.ServiceAccountFilter, p store.Page) ([]store.ServiceAccount, error) {
	var b strings.Builder
	b.WriteString(`SELECT ` + serviceAccountCols + ` FROM opa_service_accounts WHERE team_id = $1`)
	args := []any{teamID}
	args = equalFilters(&b, args, [][2]string{{"kind", f.Kind}, {"external_id", f.ExternalID},
		{"resource_group_id", f.ResourceGroupID}, {"project_id", f.ProjectID}})
	if len(f.AppIDs) > 0 {
		var marks string
		marks, args = inList(args, f.AppIDs)
		fmt.Fprintf(&b, " AND app_id IN (%s)", marks)
	}
	// An account whose project was deleted is staged again.
	const inProject = ` EXISTS (SELECT 1 FROM opa_projects p WHERE p.team_id = opa_service_accounts.team_id
		AND p.id = opa_service_accounts.project_id)`
	if f.Staged {
		b.WriteString(" AND NOT" + inProject)
	}
	if f.Assigned {
		b.WriteString(" AND" + inProject)
	}
	if f.Managed != nil {
		args = append(args, boolInt(*f.Managed))
		fmt.Fprintf(&b, " AND managed = $%d", len(args))
	}
	if f.RotationDue {
		b.WriteString(" AND rotation_due_at > 0")
	}
	p.OrderByID, p.Contains = true, f.NameContains
	query, args := paged(b.String(), args, p, "name", "id")
	return list(ctx, q, query, args, scanServiceAccount)
}

func (q queries) GetTeamProject(ctx context.Context, teamID, id string) (store.Project, error) {
	p, err := scanProject(q.db.QueryRowContext(ctx, `SELECT `+projectCols+` FROM opa_projects WHERE team_id = $1 AND id = $2`, teamID, id))
	if err != nil {
		return p, notFound("get team project", err)
	}
	return p, nil
}
