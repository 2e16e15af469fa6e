package sqlstore

import (
	"context"
	"strings"

	"github.com/keyward/keyward/internal/store"
)

const groupCols = `g.id, g.team_id, g.name, g.roles, g.created_at`

func scanGroup(r scanner) (store.OPAGroup, error) {
	var g store.OPAGroup
	var roles string
	var created int64
	err := r.Scan(&g.ID, &g.TeamID, &g.Name, &roles, &created)
	g.Roles, g.CreatedAt = strings.Fields(roles), fromMS(created)
	return g, err
}

func (q queries) CreateOPAGroup(ctx context.Context, g store.OPAGroup) error {
	_, err := q.exec(ctx, "create opa group", `INSERT INTO opa_groups (id, team_id, name, roles, created_at) VALUES ($1, $2, $3, $4, $5)`,
		g.ID, g.TeamID, g.Name, strings.Join(g.Roles, " "), ms(g.CreatedAt))
	return err
}

func (q queries) GetOPAGroupByName(ctx context.Context, teamID, name string) (store.OPAGroup, error) {
	g, err := scanGroup(q.db.QueryRowContext(ctx, `SELECT `+groupCols+` FROM opa_groups g WHERE g.team_id = $1 AND g.name = $2`, teamID, name))
	if err != nil {
		return g, notFound("get opa group", err)
	}
	return g, nil
}

func (q queries) ListOPAGroups(ctx context.Context, teamID string, p store.Page) ([]store.OPAGroup, error) {
	query, args := paged(`SELECT `+groupCols+` FROM opa_groups g WHERE g.team_id = $1`, []any{teamID}, p, "g.name", "g.id")
	return list(ctx, q, query, args, scanGroup)
}

func (q queries) ListOPAGroupsByID(ctx context.Context, teamID string, ids []string) ([]store.OPAGroup, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	marks, args := inList([]any{teamID}, ids)
	return list(ctx, q, `SELECT `+groupCols+` FROM opa_groups g WHERE g.team_id = $1 AND g.id IN (`+marks+`) ORDER BY g.id`, args, scanGroup)
}

func (q queries) UpdateOPAGroupRoles(ctx context.Context, teamID, id string, roles []string) error {
	res, err := q.exec(ctx, "update opa group", `UPDATE opa_groups SET roles = $1 WHERE team_id = $2 AND id = $3`,
		strings.Join(roles, " "), teamID, id)
	return mustAffect(res, err, notFound("update opa group", store.ErrNotFound))
}

func (q queries) DeleteOPAGroup(ctx context.Context, teamID, id string) error {
	res, err := q.exec(ctx, "delete opa group", `DELETE FROM opa_groups WHERE team_id = $1 AND id = $2`, teamID, id)
	return mustAffect(res, err, notFound("delete opa group", store.ErrNotFound))
}

// AddOPAGroupMember inserts the membership only when group and user are both the team's.
func (q queries) AddOPAGroupMember(ctx context.Context, teamID, groupID, userID string) error {
	res, err := q.exec(ctx, "add opa group member", `INSERT INTO opa_group_members (group_id, user_id)
		SELECT g.id, u.id FROM opa_groups g, opa_users u WHERE g.team_id = $1 AND g.id = $2 AND u.team_id = $1 AND u.id = $3
		ON CONFLICT (group_id, user_id) DO NOTHING`, teamID, groupID, userID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	// Nothing inserted: either already a member, or one of the two is not the team's.
	var n int
	err = q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM opa_group_members m JOIN opa_groups g ON g.id = m.group_id
		WHERE g.team_id = $1 AND m.group_id = $2 AND m.user_id = $3`, teamID, groupID, userID).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound("add opa group member", store.ErrNotFound)
	}
	return nil
}

func (q queries) RemoveOPAGroupMember(ctx context.Context, teamID, groupID, userID string) error {
	res, err := q.exec(ctx, "remove opa group member", `DELETE FROM opa_group_members WHERE group_id = $1 AND user_id = $2
		AND group_id IN (SELECT id FROM opa_groups WHERE team_id = $3)`, groupID, userID, teamID)
	return mustAffect(res, err, notFound("remove opa group member", store.ErrNotFound))
}

func (q queries) ListOPAGroupMembers(ctx context.Context, teamID, groupID string, p store.Page) ([]store.OPAUser, error) {
	query, args := paged(`SELECT `+userCols+` FROM opa_users u JOIN opa_group_members m ON m.user_id = u.id
		WHERE u.team_id = $1 AND m.group_id = $2`, []any{teamID, groupID}, p, "u.name", "u.id")
	return list(ctx, q, query, args, scanUser)
}

func (q queries) ListOPAUserGroups(ctx context.Context, teamID, userID string, p store.Page) ([]store.OPAGroup, error) {
	query, args := paged(`SELECT `+groupCols+` FROM opa_groups g JOIN opa_group_members m ON m.group_id = g.id
		WHERE g.team_id = $1 AND m.user_id = $2`, []any{teamID, userID}, p, "g.name", "g.id")
	return list(ctx, q, query, args, scanGroup)
}

func (q queries) ListOPAAdminGroupIDs(ctx context.Context, teamID string, groupIDs []string) ([]string, error) {
	if len(groupIDs) == 0 {
		return nil, nil
	}
	marks, args := inList([]any{teamID}, groupIDs)
	return list(ctx, q, `SELECT DISTINCT a.group_id FROM opa_resource_group_admins a JOIN opa_groups g ON g.id = a.group_id
		WHERE g.team_id = $1 AND a.group_id IN (`+marks+`) ORDER BY a.group_id`, args, scanString)
}

func scanString(r scanner) (string, error) {
	var s string
	err := r.Scan(&s)
	return s, err
}

// scanPair reads a row of two strings, such as an (owner id, member id) link.
func scanPair(r scanner) ([2]string, error) {
	var p [2]string
	err := r.Scan(&p[0], &p[1])
	return p, err
}
