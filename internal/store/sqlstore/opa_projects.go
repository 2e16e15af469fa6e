package sqlstore

import (
	"context"
	"database/sql"

	"github.com/keyward/keyward/internal/store"
)

const projectCols = `id, team_id, resource_group_id, name, ssh_certificate_type, next_unix_uid, next_unix_gid, gateway_selector,
	create_server_users, force_shared_ssh_users, persistent_server_user_accounts, require_preauth_for_creds,
	server_account_management, shared_admin_user_name, shared_standard_user_name, user_on_demand_period, created_at`

func scanProject(r scanner) (store.Project, error) {
	var p store.Project
	var persistent sql.NullBool
	var onDemand sql.NullInt64
	var created int64
	err := r.Scan(&p.ID, &p.TeamID, &p.ResourceGroupID, &p.Name, &p.SSHCertificateType, &p.NextUnixUID, &p.NextUnixGID,
		&p.GatewaySelector, &p.CreateServerUsers, &p.ForceSharedSSHUsers, &persistent, &p.RequirePreauthForCreds,
		&p.ServerAccountManagement, &p.SharedAdminUserName, &p.SharedStandardUserName, &onDemand, &created)
	p.PersistentServerUserAccounts, p.UserOnDemandPeriod, p.CreatedAt = nullBool(persistent), nullInt(onDemand), fromMS(created)
	return p, err
}

// settings are a project's columns after its ids, in projectCols order, up to created_at.
func settings(p store.Project) []any {
	return []any{p.Name, p.SSHCertificateType, p.NextUnixUID, p.NextUnixGID, p.GatewaySelector, p.CreateServerUsers,
		p.ForceSharedSSHUsers, p.PersistentServerUserAccounts, p.RequirePreauthForCreds, p.ServerAccountManagement,
		p.SharedAdminUserName, p.SharedStandardUserName, p.UserOnDemandPeriod}
}

func (q queries) CreateProject(ctx context.Context, p store.Project) error {
	args := append([]any{p.ID, p.TeamID, p.ResourceGroupID}, settings(p)...)
	_, err := q.exec(ctx, "create project", `INSERT INTO opa_projects (`+projectCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`, append(args, ms(p.CreatedAt))...)
	return err
}

func (q queries) GetProject(ctx context.Context, teamID, resourceGroupID, id string) (store.Project, error) {
	p, err := scanProject(q.db.QueryRowContext(ctx, `SELECT `+projectCols+` FROM opa_projects
		WHERE team_id = $1 AND resource_group_id = $2 AND id = $3`, teamID, resourceGroupID, id))
	if err != nil {
		return p, notFound("get project", err)
	}
	return p, nil
}

func (q queries) ListProjects(ctx context.Context, teamID, resourceGroupID string, p store.Page) ([]store.Project, error) {
	query, args := paged(`SELECT `+projectCols+` FROM opa_projects WHERE team_id = $1 AND resource_group_id = $2`,
		[]any{teamID, resourceGroupID}, p, "name", "id")
	return list(ctx, q, query, args, scanProject)
}

func (q queries) UpdateProject(ctx context.Context, p store.Project) error {
	args := append(settings(p), p.TeamID, p.ResourceGroupID, p.ID)
	res, err := q.exec(ctx, "update project", `UPDATE opa_projects SET name = $1, ssh_certificate_type = $2, next_unix_uid = $3,
		next_unix_gid = $4, gateway_selector = $5, create_server_users = $6, force_shared_ssh_users = $7,
		persistent_server_user_accounts = $8, require_preauth_for_creds = $9, server_account_management = $10,
		shared_admin_user_name = $11, shared_standard_user_name = $12, user_on_demand_period = $13
		WHERE team_id = $14 AND resource_group_id = $15 AND id = $16`, args...)
	return mustAffect(res, err, notFound("update project", store.ErrNotFound))
}

func (q queries) DeleteProject(ctx context.Context, teamID, resourceGroupID, id string) error {
	res, err := q.exec(ctx, "delete project", `DELETE FROM opa_projects WHERE team_id = $1 AND resource_group_id = $2 AND id = $3`,
		teamID, resourceGroupID, id)
	return mustAffect(res, err, notFound("delete project", store.ErrNotFound))
}
