package sqlstore

import (
	"context"

	"github.com/keyward/keyward/internal/store"
)

func (q queries) GetProjectSettings(ctx context.Context, teamID, projectID, kind string) (store.ProjectSettings, error) {
	s := store.ProjectSettings{TeamID: teamID, ProjectID: projectID, Kind: kind}
	var body string
	var modified int64
	err := q.db.QueryRowContext(ctx, `SELECT body, modified_at FROM opa_project_settings
		WHERE team_id = $1 AND project_id = $2 AND kind = $3`, teamID, projectID, kind).Scan(&body, &modified)
	if err != nil {
		return s, notFound("get project settings", err)
	}
	s.Body, s.ModifiedAt = []byte(body), fromMS(modified)
	return s, nil
}

// PutProjectSettings upserts: one statement on both backends, so two writers never both insert.
// A row of another team is never overwritten (project ids are unique across teams anyway).
func (q queries) PutProjectSettings(ctx context.Context, s store.ProjectSettings) error {
	res, err := q.exec(ctx, "put project settings", `INSERT INTO opa_project_settings (team_id, project_id, kind, body, modified_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (project_id, kind) DO UPDATE SET body = excluded.body, modified_at = excluded.modified_at
		WHERE opa_project_settings.team_id = excluded.team_id`, s.TeamID, s.ProjectID, s.Kind, string(s.Body), ms(s.ModifiedAt))
	return mustAffect(res, err, notFound("put project settings", store.ErrNotFound))
}
