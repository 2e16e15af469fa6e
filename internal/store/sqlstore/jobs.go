package sqlstore

import (
	"context"
	"strings"

	"github.com/keyward/keyward/internal/store"
)

const jobColumns = `id, org_id, pool_id, name, agent_type, enabled, notify_admin, reason, sort_order, status, target_version,
	scheduled, cron, timezone, duration, delay_days, last_updated, window_end, version, created_at, updated_at`

func jobArgs(j store.PoolUpdate) []any {
	s := store.Schedule{}
	if j.Schedule != nil {
		s = *j.Schedule
	}
	return []any{j.ID, j.OrgID, j.PoolID, j.Name, j.AgentType, j.Enabled, j.NotifyAdmin, j.Reason, j.SortOrder, j.Status,
		j.TargetVersion, j.Schedule != nil, s.Cron, s.Timezone, s.Duration, s.Delay, ms(s.LastUpdated),
		ms(j.WindowEnd), j.Version, ms(j.CreatedAt), ms(j.UpdatedAt)}
}

func scanJob(r scanner) (store.PoolUpdate, error) {
	var j store.PoolUpdate
	var s store.Schedule
	var scheduled bool
	var lastUpdated, windowEnd, created, updated int64
	err := r.Scan(&j.ID, &j.OrgID, &j.PoolID, &j.Name, &j.AgentType, &j.Enabled, &j.NotifyAdmin, &j.Reason, &j.SortOrder,
		&j.Status, &j.TargetVersion, &scheduled, &s.Cron, &s.Timezone, &s.Duration, &s.Delay,
		&lastUpdated, &windowEnd, &j.Version, &created, &updated)
	if scheduled {
		s.LastUpdated = fromMS(lastUpdated)
		j.Schedule = &s
	}
	j.WindowEnd, j.CreatedAt, j.UpdatedAt = fromMS(windowEnd), fromMS(created), fromMS(updated)
	return j, err
}

func (q queries) CreatePoolUpdate(ctx context.Context, j store.PoolUpdate) error {
	if _, err := q.exec(ctx, "create job", `INSERT INTO jobs (`+jobColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
		$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`, jobArgs(j)...); err != nil {
		return err
	}
	return q.insertJobAgents(ctx, j)
}

func (q queries) insertJobAgents(ctx context.Context, j store.PoolUpdate) error {
	for _, a := range j.Agents {
		if _, err := q.exec(ctx, "create job agent", `INSERT INTO job_agents (job_id, agent_id, position, status, message,
			attempt, instruction_id, delivered, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			j.ID, a.AgentID, a.Position, a.Status, a.Message, a.Attempt, a.InstructionID, a.Delivered, ms(a.ChangedAt)); err != nil {
			return err
		}
	}
	return nil
}

func (q queries) GetPoolUpdate(ctx context.Context, poolID, id string) (store.PoolUpdate, error) {
	j, err := scanJob(q.db.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE pool_id = $1 AND id = $2`+q.forUpdate(),
		poolID, id))
	if err != nil {
		return j, notFound("get job", err)
	}
	jobs := []store.PoolUpdate{j}
	if err := q.loadJobAgents(ctx, jobs); err != nil {
		return j, err
	}
	return jobs[0], nil
}

func (q queries) ListPoolUpdates(ctx context.Context, poolID string) ([]store.PoolUpdate, error) {
	return q.listJobs(ctx, `pool_id = $1`, poolID)
}

func (q queries) ListPoolUpdatesByStatus(ctx context.Context, statuses ...string) ([]store.PoolUpdate, error) {
	marks, args := inList(nil, statuses)
	return q.listJobs(ctx, `status IN (`+marks+`)`, args...)
}

func (q queries) ListPoolUpdatesWithAgentStatus(ctx context.Context, jobStatus string, agentStatuses ...string) ([]store.PoolUpdate, error) {
	marks, args := inList([]any{jobStatus}, agentStatuses)
	// A correlated EXISTS reads only the agents of the jobs in jobStatus, through the primary key.
	return q.listJobs(ctx, `status = $1 AND EXISTS (SELECT 1 FROM job_agents ja
		WHERE ja.job_id = jobs.id AND ja.status IN (`+marks+`))`, args...)
}

func (q queries) listJobs(ctx context.Context, where string, args ...any) ([]store.PoolUpdate, error) {
	jobs, err := list(ctx, q, `SELECT `+jobColumns+` FROM jobs WHERE `+where+` ORDER BY created_at, id`, args, scanJob)
	if err != nil {
		return nil, err
	}
	return jobs, q.loadJobAgents(ctx, jobs)
}

const jobAgentColumns = `job_id, agent_id, position, status, message, attempt, instruction_id, delivered, changed_at`

func scanJobAgent(r scanner) (store.PoolUpdateAgent, error) {
	var a store.PoolUpdateAgent
	var changed int64
	err := r.Scan(&a.JobID, &a.AgentID, &a.Position, &a.Status, &a.Message, &a.Attempt, &a.InstructionID, &a.Delivered, &changed)
	a.ChangedAt = fromMS(changed)
	return a, err
}

// loadJobAgents fills in the agents of jobs with one query.
func (q queries) loadJobAgents(ctx context.Context, jobs []store.PoolUpdate) error {
	if len(jobs) == 0 {
		return nil
	}
	index := make(map[string]int, len(jobs))
	jobIDs := make([]string, len(jobs))
	for i, j := range jobs {
		index[j.ID], jobIDs[i] = i, j.ID
	}
	marks, args := inList(nil, jobIDs)
	agents, err := list(ctx, q, `SELECT `+jobAgentColumns+` FROM job_agents WHERE job_id IN (`+marks+`)
		ORDER BY job_id, position`, args, scanJobAgent)
	for _, a := range agents {
		i := index[a.JobID]
		jobs[i].Agents = append(jobs[i].Agents, a)
	}
	return err
}

func (q queries) SavePoolUpdate(ctx context.Context, j store.PoolUpdate) error {
	args := jobArgs(j)
	args[18] = j.Version + 1
	args[19] = j.Version // created_at never changes; its slot carries the expected version
	res, err := q.exec(ctx, "save job", `UPDATE jobs SET name = $4, agent_type = $5, enabled = $6, notify_admin = $7,
		reason = $8, sort_order = $9, status = $10, target_version = $11, scheduled = $12, cron = $13,
		timezone = $14, duration = $15, delay_days = $16, last_updated = $17, window_end = $18, version = $19, updated_at = $21
		WHERE id = $1 AND org_id = $2 AND pool_id = $3 AND version = $20`, args...)
	if err := mustAffect(res, err, errStale("save job")); err != nil {
		return err
	}
	return q.saveJobAgents(ctx, j)
}

// saveJobAgents writes only the progress rows that changed: rewriting them all would touch every
// row and index entry of the job on each save, most of them for nothing.
func (q queries) saveJobAgents(ctx context.Context, j store.PoolUpdate) error {
	stored := []store.PoolUpdate{{ID: j.ID}}
	if err := q.loadJobAgents(ctx, stored); err != nil {
		return err
	}
	old := make(map[string]store.PoolUpdateAgent, len(stored[0].Agents))
	for _, a := range stored[0].Agents {
		old[a.AgentID] = a
	}
	var added store.PoolUpdate
	added.ID = j.ID
	for _, a := range j.Agents {
		a.JobID = j.ID
		prev, ok := old[a.AgentID]
		delete(old, a.AgentID)
		switch {
		case !ok:
			added.Agents = append(added.Agents, a)
		case !sameProgress(prev, a):
			if _, err := q.exec(ctx, "save job agent", `UPDATE job_agents SET position = $3, status = $4, message = $5,
				attempt = $6, instruction_id = $7, delivered = $8, changed_at = $9 WHERE job_id = $1 AND agent_id = $2`,
				j.ID, a.AgentID, a.Position, a.Status, a.Message, a.Attempt, a.InstructionID, a.Delivered, ms(a.ChangedAt)); err != nil {
				return err
			}
		}
	}
	for agentID := range old {
		if _, err := q.exec(ctx, "save job agents", `DELETE FROM job_agents WHERE job_id = $1 AND agent_id = $2`, j.ID, agentID); err != nil {
			return err
		}
	}
	return q.insertJobAgents(ctx, added)
}

// sameProgress compares two rows as stored (times in milliseconds).
func sameProgress(a, b store.PoolUpdateAgent) bool {
	return a.Position == b.Position && a.Status == b.Status && a.Message == b.Message && a.Attempt == b.Attempt &&
		a.InstructionID == b.InstructionID && a.Delivered == b.Delivered && ms(a.ChangedAt) == ms(b.ChangedAt)
}

func (q queries) DeletePoolUpdate(ctx context.Context, poolID, id string) error {
	res, err := q.exec(ctx, "delete job", `DELETE FROM jobs WHERE pool_id = $1 AND id = $2`, poolID, id)
	return mustAffect(res, err, notFound("delete job", store.ErrNotFound))
}

func (q queries) FindPoolUpdateAgent(ctx context.Context, instructionID string) (store.PoolUpdateAgent, error) {
	if instructionID == "" {
		return store.PoolUpdateAgent{}, notFound("find job agent", store.ErrNotFound)
	}
	a, err := scanJobAgent(q.db.QueryRowContext(ctx, `SELECT `+jobAgentColumns+` FROM job_agents WHERE instruction_id = $1`, instructionID))
	if err != nil {
		return a, notFound("find job agent", err)
	}
	return a, nil
}

func (q queries) ListPoolUpdateAgentsByAgent(ctx context.Context, agentID string) ([]store.PoolUpdateAgent, error) {
	cols := "ja." + strings.ReplaceAll(jobAgentColumns, ", ", ", ja.")
	return list(ctx, q, `SELECT `+cols+` FROM job_agents ja JOIN jobs j ON j.id = ja.job_id
		WHERE ja.agent_id = $1 ORDER BY j.created_at, j.id`, []any{agentID}, scanJobAgent)
}
