package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/keyward/keyward/internal/store"
)

const policyCols = `id, team_id, name, description, active, resource_group_id, body, created_at`

func scanPolicy(r scanner) (store.SecurityPolicy, error) {
	var p store.SecurityPolicy
	var body string
	var created int64
	err := r.Scan(&p.ID, &p.TeamID, &p.Name, &p.Description, &p.Active, &p.ResourceGroupID, &body, &created)
	p.Body, p.CreatedAt = []byte(body), fromMS(created)
	return p, err
}

func (q queries) CreateSecurityPolicy(ctx context.Context, p store.SecurityPolicy) error {
	if _, err := q.exec(ctx, "create security policy", `INSERT INTO opa_security_policies (`+policyCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, p.ID, p.TeamID, p.Name, p.Description, p.Active, p.ResourceGroupID,
		string(p.Body), ms(p.CreatedAt)); err != nil {
		return err
	}
	return q.putPolicyGroups(ctx, p)
}

// putPolicyGroups replaces a policy's principal groups.
func (q queries) putPolicyGroups(ctx context.Context, p store.SecurityPolicy) error {
	return q.replaceGroupLinks(ctx, "security policy group", "opa_security_policy_groups", "policy_id", p.ID, p.GroupIDs)
}

// withPolicyGroups fills in the principal groups of ps in one query.
func (q queries) withPolicyGroups(ctx context.Context, ps []store.SecurityPolicy) ([]store.SecurityPolicy, error) {
	if len(ps) == 0 {
		return ps, nil
	}
	ids := make([]string, len(ps))
	at := make(map[string]int, len(ps))
	for i, p := range ps {
		ids[i], at[p.ID] = p.ID, i
	}
	marks, args := inList(nil, ids)
	pairs, err := list(ctx, q, `SELECT policy_id, group_id FROM opa_security_policy_groups
		WHERE policy_id IN (`+marks+`) ORDER BY policy_id, group_id`, args, scanPair)
	if err != nil {
		return nil, err
	}
	for _, pair := range pairs {
		i := at[pair[0]]
		ps[i].GroupIDs = append(ps[i].GroupIDs, pair[1])
	}
	return ps, nil
}

func (q queries) GetSecurityPolicy(ctx context.Context, teamID, id string) (store.SecurityPolicy, error) {
	p, err := scanPolicy(q.db.QueryRowContext(ctx, `SELECT `+policyCols+` FROM opa_security_policies
		WHERE team_id = $1 AND id = $2`, teamID, id))
	if err != nil {
		return p, notFound("get security policy", err)
	}
	ps, err := q.withPolicyGroups(ctx, []store.SecurityPolicy{p})
	if err != nil {
		return p, err
	}
	return ps[0], nil
}

func (q queries) ListSecurityPolicies(ctx context.Context, teamID string, p store.Page) ([]store.SecurityPolicy, error) {
	query, args := `SELECT `+policyCols+` FROM opa_security_policies WHERE team_id = $1`, []any{teamID}
	if p.Contains != "" {
		// The spec's contains filter matches the name or the description.
		args = append(args, "%"+escapeLike(strings.ToLower(p.Contains))+"%")
		query += fmt.Sprintf(` AND (LOWER(name) LIKE $%d ESCAPE '\' OR LOWER(description) LIKE $%d ESCAPE '\')`, len(args), len(args))
		p.Contains = ""
	}
	query, args = paged(query, args, p, "name", "id")
	ps, err := list(ctx, q, query, args, scanPolicy)
	if err != nil {
		return nil, err
	}
	return q.withPolicyGroups(ctx, ps)
}

func (q queries) UpdateSecurityPolicy(ctx context.Context, p store.SecurityPolicy) error {
	res, err := q.exec(ctx, "update security policy", `UPDATE opa_security_policies SET name = $1, description = $2,
		active = $3, resource_group_id = $4, body = $5 WHERE team_id = $6 AND id = $7`,
		p.Name, p.Description, p.Active, p.ResourceGroupID, string(p.Body), p.TeamID, p.ID)
	if err := mustAffect(res, err, notFound("update security policy", store.ErrNotFound)); err != nil {
		return err
	}
	return q.putPolicyGroups(ctx, p)
}

func (q queries) DeleteSecurityPolicy(ctx context.Context, teamID, id string) error {
	res, err := q.exec(ctx, "delete security policy", `DELETE FROM opa_security_policies WHERE team_id = $1 AND id = $2`, teamID, id)
	return mustAffect(res, err, notFound("delete security policy", store.ErrNotFound))
}

func (q queries) ListSecurityPoliciesOfGroups(ctx context.Context, teamID string, groupIDs []string) ([]store.SecurityPolicy, error) {
	if len(groupIDs) == 0 {
		return nil, nil
	}
	marks, args := inList([]any{teamID}, groupIDs)
	ps, err := list(ctx, q, `SELECT `+policyCols+` FROM opa_security_policies WHERE team_id = $1 AND id IN
		(SELECT policy_id FROM opa_security_policy_groups WHERE group_id IN (`+marks+`)) ORDER BY id`, args, scanPolicy)
	if err != nil {
		return nil, err
	}
	return q.withPolicyGroups(ctx, ps)
}
