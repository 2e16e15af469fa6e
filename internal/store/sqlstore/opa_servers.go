package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/store"
)

const serverCols = `id, team_id, resource_group_id, project_id, hostname, os_type, os, agent_version, labels,
	credential_hash, registered_at, last_seen`

func scanServer(r scanner) (store.Server, error) {
	var s store.Server
	var labels string
	var registered, seen int64
	err := r.Scan(&s.ID, &s.TeamID, &s.ResourceGroupID, &s.ProjectID, &s.Hostname, &s.OSType, &s.OS, &s.AgentVersion,
		&labels, &s.CredentialHash, &registered, &seen)
	if err != nil {
		return s, err
	}
	s.RegisteredAt, s.LastSeen = fromMS(registered), fromMS(seen)
	if err := json.Unmarshal([]byte(labels), &s.Labels); err != nil {
		return s, fmt.Errorf("server %s labels: %w", s.ID, err)
	}
	return s, nil
}

func labelsJSON(l map[string]string) string {
	if l == nil {
		l = map[string]string{}
	}
	b, _ := json.Marshal(l) // a map of strings always encodes
	return string(b)
}

func (q queries) CreateServer(ctx context.Context, s store.Server) error {
	_, err := q.exec(ctx, "create server", `INSERT INTO opa_servers (`+serverCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, s.ID, s.TeamID, s.ResourceGroupID, s.ProjectID, s.Hostname,
		s.OSType, s.OS, s.AgentVersion, labelsJSON(s.Labels), s.CredentialHash, ms(s.RegisteredAt), ms(s.LastSeen))
	return err
}

func (q queries) ReenrollServer(ctx context.Context, s store.Server) error {
	res, err := q.exec(ctx, "re-enroll server", `UPDATE opa_servers SET os_type = $1, os = $2, agent_version = $3, labels = $4,
		credential_hash = $5, last_seen = $6 WHERE id = $7`, s.OSType, s.OS, s.AgentVersion, labelsJSON(s.Labels), s.CredentialHash,
		ms(s.LastSeen), s.ID)
	return mustAffect(res, err, notFound("re-enroll server", store.ErrNotFound))
}

func (q queries) GetServer(ctx context.Context, teamID, projectID, id string) (store.Server, error) {
	s, err := scanServer(q.db.QueryRowContext(ctx, `SELECT `+serverCols+` FROM opa_servers
		WHERE team_id = $1 AND project_id = $2 AND id = $3`, teamID, projectID, id))
	if err != nil {
		return s, notFound("get server", err)
	}
	return s, nil
}

func (q queries) GetServerByHostname(ctx context.Context, projectID, hostname string) (store.Server, error) {
	s, err := scanServer(q.db.QueryRowContext(ctx, `SELECT `+serverCols+` FROM opa_servers
		WHERE project_id = $1 AND hostname = $2`, projectID, hostname))
	if err != nil {
		return s, notFound("get server by hostname", err)
	}
	return s, nil
}

func (q queries) GetServerByCredential(ctx context.Context, credentialHash string) (store.Server, error) {
	s, err := scanServer(q.db.QueryRowContext(ctx, `SELECT `+serverCols+` FROM opa_servers WHERE credential_hash = $1`, credentialHash))
	if err != nil {
		return s, notFound("get server by credential", err)
	}
	return s, nil
}

func (q queries) ListServers(ctx context.Context, teamID string, f store.ServerFilter, p store.Page) ([]store.Server, error) {
	var b strings.Builder
	b.WriteString(`SELECT ` + serverCols + ` FROM opa_servers WHERE team_id = $1`)
	args := []any{teamID}
	eq := func(col, v string) {
		if v != "" {
			args = append(args, v)
			fmt.Fprintf(&b, " AND %s = $%d", col, len(args))
		}
	}
	eq("resource_group_id", f.ResourceGroupID)
	eq("project_id", f.ProjectID)
	eq("hostname", f.Hostname)
	eq("os_type", f.OSType)
	if f.HostnameContains != "" {
		args = append(args, "%"+escapeLike(strings.ToLower(f.HostnameContains))+"%")
		fmt.Fprintf(&b, ` AND LOWER(hostname) LIKE $%d ESCAPE '\'`, len(args))
	}
	// Servers page by id: a hostname is unique only within its project.
	query, args := paged(b.String(), args, p, "", "id")
	return list(ctx, q, query, args, scanServer)
}

func (q queries) DeleteServer(ctx context.Context, teamID, projectID, id string) error {
	res, err := q.exec(ctx, "delete server", `DELETE FROM opa_servers WHERE team_id = $1 AND project_id = $2 AND id = $3`,
		teamID, projectID, id)
	return mustAffect(res, err, notFound("delete server", store.ErrNotFound))
}

func (q queries) SeeServer(ctx context.Context, id string, at time.Time) error {
	res, err := q.exec(ctx, "see server", `UPDATE opa_servers SET last_seen = $1 WHERE id = $2`, ms(at), id)
	return mustAffect(res, err, notFound("see server", store.ErrNotFound))
}

func (q queries) CountServers(ctx context.Context, teamID, projectID string, activeSince time.Time) (int, int, error) {
	var active, all int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN last_seen >= $3 THEN 1 ELSE 0 END), 0)
		FROM opa_servers WHERE team_id = $1 AND project_id = $2`, teamID, projectID, ms(activeSince)).Scan(&all, &active)
	if err != nil {
		return 0, 0, fmt.Errorf("count servers: %w", err)
	}
	return active, all - active, nil
}

func (q queries) CountServersByProject(ctx context.Context, teamID string, projectIDs []string, activeSince time.Time) (map[string][2]int, error) {
	out := make(map[string][2]int, len(projectIDs))
	if len(projectIDs) == 0 {
		return out, nil
	}
	marks, args := inList([]any{teamID, ms(activeSince)}, projectIDs)
	rows, err := q.db.QueryContext(ctx, `SELECT project_id, COUNT(*), COALESCE(SUM(CASE WHEN last_seen >= $2 THEN 1 ELSE 0 END), 0)
		FROM opa_servers WHERE team_id = $1 AND project_id IN (`+marks+`) GROUP BY project_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("count servers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var all, active int
		if err := rows.Scan(&id, &all, &active); err != nil {
			return nil, fmt.Errorf("count servers: %w", err)
		}
		out[id] = [2]int{active, all - active}
	}
	return out, rows.Err()
}
