package sqlstore

import (
	"context"

	"github.com/keyward/keyward/internal/store"
)

const enrollmentCols = `id, team_id, resource_group_id, project_id, secret_hash, description, created_by_user, issued_at`

func scanEnrollmentToken(r scanner) (store.EnrollmentToken, error) {
	var t store.EnrollmentToken
	var issued int64
	err := r.Scan(&t.ID, &t.TeamID, &t.ResourceGroupID, &t.ProjectID, &t.SecretHash, &t.Description, &t.CreatedByUser, &issued)
	t.IssuedAt = fromMS(issued)
	return t, err
}

func (q queries) CreateEnrollmentToken(ctx context.Context, t store.EnrollmentToken) error {
	_, err := q.exec(ctx, "create enrollment token", `INSERT INTO opa_enrollment_tokens (`+enrollmentCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, t.ID, t.TeamID, t.ResourceGroupID, t.ProjectID, t.SecretHash, t.Description, t.CreatedByUser, ms(t.IssuedAt))
	return err
}

func (q queries) GetEnrollmentToken(ctx context.Context, teamID, projectID, id string) (store.EnrollmentToken, error) {
	t, err := scanEnrollmentToken(q.db.QueryRowContext(ctx, `SELECT `+enrollmentCols+` FROM opa_enrollment_tokens
		WHERE team_id = $1 AND project_id = $2 AND id = $3`, teamID, projectID, id))
	if err != nil {
		return t, notFound("get enrollment token", err)
	}
	return t, nil
}

func (q queries) GetEnrollmentTokenBySecret(ctx context.Context, secretHash string) (store.EnrollmentToken, error) {
	t, err := scanEnrollmentToken(q.db.QueryRowContext(ctx, `SELECT `+enrollmentCols+` FROM opa_enrollment_tokens
		WHERE secret_hash = $1`, secretHash))
	if err != nil {
		return t, notFound("get enrollment token by secret", err)
	}
	return t, nil
}

func (q queries) ListEnrollmentTokens(ctx context.Context, teamID, projectID string, p store.Page) ([]store.EnrollmentToken, error) {
	query, args := paged(`SELECT `+enrollmentCols+` FROM opa_enrollment_tokens WHERE team_id = $1 AND project_id = $2`,
		[]any{teamID, projectID}, p, "", "id")
	return list(ctx, q, query, args, scanEnrollmentToken)
}

func (q queries) DeleteEnrollmentToken(ctx context.Context, teamID, projectID, id string) error {
	res, err := q.exec(ctx, "delete enrollment token", `DELETE FROM opa_enrollment_tokens WHERE team_id = $1 AND project_id = $2 AND id = $3`,
		teamID, projectID, id)
	return mustAffect(res, err, notFound("delete enrollment token", store.ErrNotFound))
}
