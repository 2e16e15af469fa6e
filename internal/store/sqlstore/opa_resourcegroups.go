package sqlstore

import (
	"context"
	"sort"

	"github.com/keyward/keyward/internal/store"
)

const rgCols = `r.id, r.team_id, r.name, r.description, r.created_at`

func scanResourceGroup(r scanner) (store.ResourceGroup, error) {
	var rg store.ResourceGroup
	var created int64
	err := r.Scan(&rg.ID, &rg.TeamID, &rg.Name, &rg.Description, &created)
	rg.CreatedAt = fromMS(created)
	return rg, err
}

func (q queries) CreateResourceGroup(ctx context.Context, rg store.ResourceGroup) error {
	if _, err := q.exec(ctx, "create resource group", `INSERT INTO opa_resource_groups (id, team_id, name, description, created_at)
		VALUES ($1, $2, $3, $4, $5)`, rg.ID, rg.TeamID, rg.Name, rg.Description, ms(rg.CreatedAt)); err != nil {
		return err
	}
	return q.putAdminGroups(ctx, rg)
}

// putAdminGroups replaces a resource group's owner groups.
func (q queries) putAdminGroups(ctx context.Context, rg store.ResourceGroup) error {
	return q.replaceGroupLinks(ctx, "resource group admin", "opa_resource_group_admins", "resource_group_id", rg.ID, rg.AdminGroupIDs)
}

// replaceGroupLinks replaces the rows of table linking owner (by ownerCol) to groups.
func (q queries) replaceGroupLinks(ctx context.Context, what, table, ownerCol, owner string, groupIDs []string) error {
	if _, err := q.exec(ctx, "clear "+what+"s", `DELETE FROM `+table+` WHERE `+ownerCol+` = $1`, owner); err != nil {
		return err
	}
	for _, g := range groupIDs {
		if _, err := q.exec(ctx, "add "+what, `INSERT INTO `+table+` (`+ownerCol+`, group_id) VALUES ($1, $2)`, owner, g); err != nil {
			return err
		}
	}
	return nil
}

// withAdminGroups fills in the owner groups and the delegated security admin groups of rgs.
func (q queries) withAdminGroups(ctx context.Context, rgs []store.ResourceGroup) ([]store.ResourceGroup, error) {
	if len(rgs) == 0 {
		return rgs, nil
	}
	ids := make([]string, len(rgs))
	at := map[string]int{}
	for i, rg := range rgs {
		ids[i], at[rg.ID] = rg.ID, i
	}
	for _, t := range []struct {
		table string
		field func(*store.ResourceGroup) *[]string
	}{
		{"opa_resource_group_admins", func(rg *store.ResourceGroup) *[]string { return &rg.AdminGroupIDs }},
		{"opa_resource_group_security_admins", func(rg *store.ResourceGroup) *[]string { return &rg.SecurityAdminGroupIDs }},
	} {
		marks, args := inList(nil, ids)
		pairs, err := list(ctx, q, `SELECT resource_group_id, group_id FROM `+t.table+` WHERE resource_group_id IN (`+marks+`)`,
			args, scanPair)
		if err != nil {
			return nil, err
		}
		for _, p := range pairs {
			f := t.field(&rgs[at[p[0]]])
			*f = append(*f, p[1])
		}
	}
	for i := range rgs {
		sort.Strings(rgs[i].AdminGroupIDs)
		sort.Strings(rgs[i].SecurityAdminGroupIDs)
	}
	return rgs, nil
}

func (q queries) GetResourceGroup(ctx context.Context, teamID, id string) (store.ResourceGroup, error) {
	rg, err := scanResourceGroup(q.db.QueryRowContext(ctx, `SELECT `+rgCols+` FROM opa_resource_groups r WHERE r.team_id = $1 AND r.id = $2`, teamID, id))
	if err != nil {
		return rg, notFound("get resource group", err)
	}
	rgs, err := q.withAdminGroups(ctx, []store.ResourceGroup{rg})
	if err != nil {
		return rg, err
	}
	return rgs[0], nil
}

// resourceGroupExists is store.ErrNotFound unless the team has the resource group; it reads
// only the group's row, not its owner and security admin lists.
func (q queries) resourceGroupExists(ctx context.Context, teamID, id string) error {
	var one int
	err := q.db.QueryRowContext(ctx, `SELECT 1 FROM opa_resource_groups WHERE team_id = $1 AND id = $2`, teamID, id).Scan(&one)
	if err != nil {
		return notFound("get resource group", err)
	}
	return nil
}

func (q queries) ListResourceGroups(ctx context.Context, teamID string, p store.Page) ([]store.ResourceGroup, error) {
	query, args := paged(`SELECT `+rgCols+` FROM opa_resource_groups r WHERE r.team_id = $1`, []any{teamID}, p, "r.name", "r.id")
	rgs, err := list(ctx, q, query, args, scanResourceGroup)
	if err != nil {
		return nil, err
	}
	return q.withAdminGroups(ctx, rgs)
}

func (q queries) UpdateResourceGroup(ctx context.Context, rg store.ResourceGroup) error {
	res, err := q.exec(ctx, "update resource group", `UPDATE opa_resource_groups SET name = $1, description = $2
		WHERE team_id = $3 AND id = $4`, rg.Name, rg.Description, rg.TeamID, rg.ID)
	if err := mustAffect(res, err, notFound("update resource group", store.ErrNotFound)); err != nil {
		return err
	}
	return q.putAdminGroups(ctx, rg)
}

func (q queries) DeleteResourceGroup(ctx context.Context, teamID, id string) error {
	if err := q.resourceGroupExists(ctx, teamID, id); err != nil {
		return err
	}
	var n int
	if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM opa_projects WHERE resource_group_id = $1`, id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return conflict("delete resource group: it holds projects")
	}
	res, err := q.exec(ctx, "delete resource group", `DELETE FROM opa_resource_groups WHERE team_id = $1 AND id = $2`, teamID, id)
	return mustAffect(res, err, notFound("delete resource group", store.ErrNotFound))
}

func (q queries) ListResourceGroupIDsOwnedBy(ctx context.Context, teamID string, groupIDs []string) ([]string, error) {
	return q.resourceGroupIDsListing(ctx, "opa_resource_group_admins", teamID, groupIDs)
}

// resourceGroupIDsListing returns the team's resource groups that a group list table (owners or
// delegated security admins) pairs with any of the groups.
func (q queries) resourceGroupIDsListing(ctx context.Context, table, teamID string, groupIDs []string) ([]string, error) {
	if len(groupIDs) == 0 {
		return nil, nil
	}
	marks, args := inList([]any{teamID}, groupIDs)
	return list(ctx, q, `SELECT DISTINCT a.resource_group_id FROM `+table+` a
		JOIN opa_resource_groups r ON r.id = a.resource_group_id
		WHERE r.team_id = $1 AND a.group_id IN (`+marks+`) ORDER BY a.resource_group_id`, args, scanString)
}

func (q queries) SetResourceGroupSecurityAdmins(ctx context.Context, teamID, id string, groupIDs []string) error {
	if err := q.resourceGroupExists(ctx, teamID, id); err != nil {
		return err
	}
	if _, err := q.exec(ctx, "clear resource group security admins", `DELETE FROM opa_resource_group_security_admins WHERE resource_group_id = $1`, id); err != nil {
		return err
	}
	for _, g := range groupIDs {
		if _, err := q.exec(ctx, "add resource group security admin", `INSERT INTO opa_resource_group_security_admins (resource_group_id, group_id)
			SELECT $1, g.id FROM opa_groups g WHERE g.team_id = $2 AND g.id = $3`, id, teamID, g); err != nil {
			return err
		}
	}
	return nil
}

func (q queries) ListResourceGroupIDsSecuredBy(ctx context.Context, teamID string, groupIDs []string) ([]string, error) {
	return q.resourceGroupIDsListing(ctx, "opa_resource_group_security_admins", teamID, groupIDs)
}
