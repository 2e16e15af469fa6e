package agentpool

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/schedule"
	"github.com/keyward/keyward/internal/store"
)

// MaxJobAgents bounds one job's agents list, so that one request's work stays bounded.
const MaxJobAgents = 1000

// JobInput is the editable part of an AgentPoolUpdate. A nil Schedule makes an on-demand job.
type JobInput struct {
	Name          string
	AgentType     string
	AgentIDs      []string
	Enabled       bool
	NotifyAdmin   bool
	Reason        string
	SortOrder     int
	TargetVersion string
	Schedule      *schedule.Schedule
}

// JobView is a job with what its API representation needs.
type JobView struct {
	Job      store.PoolUpdate
	Agents   map[string]store.Agent
	Now      time.Time
	LatestGA string
}

// getJob reads a job of a pool of the org, with NotFound faults in Okta's wording.
func (s *Service) getJob(ctx context.Context, q store.Queries, orgID, poolID, jobID string) (store.Pool, store.PoolUpdate, error) {
	p, err := s.Pool(ctx, q, orgID, poolID)
	if err != nil {
		return p, store.PoolUpdate{}, err
	}
	if !storable(jobID) {
		return p, store.PoolUpdate{}, fault.Missing(jobID, "AgentPoolUpdate")
	}
	j, err := q.GetPoolUpdate(ctx, p.ID, jobID)
	if errors.Is(err, store.ErrNotFound) {
		return p, j, fault.Missing(jobID, "AgentPoolUpdate")
	}
	return p, j, err
}

// View loads what the API shows with a job.
func (s *Service) View(ctx context.Context, q store.Queries, j store.PoolUpdate) (JobView, error) {
	agents, err := q.ListAgents(ctx, []string{j.PoolID})
	if err != nil {
		return JobView{}, err
	}
	v := JobView{Job: j, Agents: make(map[string]store.Agent, len(agents)), Now: s.Clock.Now()}
	for _, a := range agents {
		v.Agents[a.ID] = a
	}
	cat, err := LoadCatalog(ctx, q, j.AgentType)
	if err != nil {
		return v, err
	}
	latest, _ := cat.Latest("GA", v.Now)
	v.LatestGA = latest.Version
	return v, nil
}

// GetJob returns one job.
func (s *Service) GetJob(ctx context.Context, orgID, poolID, jobID string) (JobView, error) {
	_, j, err := s.getJob(ctx, s.Store, orgID, poolID, jobID)
	if err != nil {
		return JobView{}, err
	}
	return s.View(ctx, s.Store, j)
}

// ListJobs returns a pool's jobs; scheduled, when set, keeps only scheduled (true) or on-demand
// (false) ones. An unknown pool has no jobs: Okta answers it with an empty list, not 404.
func (s *Service) ListJobs(ctx context.Context, orgID, poolID string, scheduled *bool) ([]JobView, error) {
	p, err := s.Pool(ctx, s.Store, orgID, poolID)
	if f, ok := fault.As(err); ok && f.Kind == fault.NotFound {
		return []JobView{}, nil
	}
	if err != nil {
		return nil, err
	}
	jobs, err := s.Store.ListPoolUpdates(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	out := make([]JobView, 0, len(jobs))
	for _, j := range jobs {
		if scheduled != nil && *scheduled != (j.Schedule != nil) {
			continue
		}
		v, err := s.View(ctx, s.Store, j)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// CreateJob validates and stores a new job. A scheduled job waits for its window (Scheduled);
// an on-demand job starts at once (InProgress).
func (s *Service) CreateJob(ctx context.Context, orgID, poolID string, in JobInput) (JobView, error) {
	if err := checkShape(in, s.Clock.Now()); err != nil {
		return JobView{}, err
	}
	var view JobView
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		p, err := s.Pool(ctx, q, orgID, poolID)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		j := store.PoolUpdate{ID: ids.New(ids.UpdateJob), OrgID: orgID, PoolID: p.ID, CreatedAt: now}
		if err := s.apply(ctx, q, p, &j, in, now); err != nil {
			return err
		}
		if err := q.CreatePoolUpdate(ctx, j); err != nil {
			return err
		}
		if err := MirrorAgents(ctx, q, store.PoolUpdate{}, j); err != nil {
			return err
		}
		if err := s.Events.Record(ctx, q, events.Change{Type: EventJobCreated, Org: orgID, Resource: jobResource(j),
			Summary: "update job " + j.ID + " of pool " + p.ID + " created: " + j.Status, After: stateOf(j)}); err != nil {
			return err
		}
		view, err = s.View(ctx, q, j)
		return err
	})
	return view, err
}

// UpdateJob replaces a job's editable fields and queues its agents again. A running job cannot
// be changed; a paused job stays paused.
func (s *Service) UpdateJob(ctx context.Context, orgID, poolID, jobID string, in JobInput) (JobView, error) {
	if err := checkShape(in, s.Clock.Now()); err != nil {
		return JobView{}, err
	}
	var view JobView
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		p, j, err := s.getJob(ctx, q, orgID, poolID, jobID)
		if err != nil {
			return err
		}
		if j.Status == StatusInProgress {
			return illegal("update", j.Status)
		}
		before, paused := Clone(j), j.Status == StatusPaused
		now := s.Clock.Now()
		if err := s.apply(ctx, q, p, &j, in, now); err != nil {
			return err
		}
		if paused {
			j.Status = StatusPaused
		}
		view, err = s.saveAndView(ctx, q, before, j)
		return err
	})
	return view, err
}

// DeleteJob removes a job that is not running.
func (s *Service) DeleteJob(ctx context.Context, orgID, poolID, jobID string) error {
	return s.Store.InTx(ctx, func(q store.Queries) error {
		_, j, err := s.getJob(ctx, q, orgID, poolID, jobID)
		if err != nil {
			return err
		}
		if j.Status == StatusInProgress {
			return illegal("delete", j.Status)
		}
		if err := q.DeletePoolUpdate(ctx, j.PoolID, j.ID); err != nil {
			return err
		}
		cleared := Clone(j)
		cleared.Agents, err = clearedAgents(ctx, q, j.Agents)
		if err != nil {
			return err
		}
		if err := MirrorAgents(ctx, q, j, cleared); err != nil {
			return err
		}
		return s.Events.Record(ctx, q, events.Change{Type: EventJobDeleted, Org: orgID, Resource: jobResource(j),
			Summary: "update job " + j.ID + " of pool " + j.PoolID + " deleted", Before: stateOf(j)})
	})
}

// clearedAgents is what a deleted job's agents show next: the progress of the remaining job that
// touched each last, or nothing when no other job did.
func clearedAgents(ctx context.Context, q store.PoolUpdates, in []store.PoolUpdateAgent) ([]store.PoolUpdateAgent, error) {
	out := make([]store.PoolUpdateAgent, len(in))
	for i, a := range in {
		a.Status, a.Message = "", ""
		rows, err := q.ListPoolUpdateAgentsByAgent(ctx, a.AgentID)
		if err != nil {
			return nil, err
		}
		var last time.Time
		for _, r := range rows {
			if r.JobID != a.JobID && !r.ChangedAt.Before(last) {
				a.Status, a.Message, last = r.Status, r.Message, r.ChangedAt
			}
		}
		out[i] = a
	}
	return out, nil
}

// apply validates in against the pool and writes it into j, queueing every agent again.
func (s *Service) apply(ctx context.Context, q store.Queries, p store.Pool, j *store.PoolUpdate, in JobInput, now time.Time) error {
	causes := checkInput(in, &p, now)
	agents, agentCauses, err := s.checkAgents(ctx, q, p, j.ID, in)
	if err != nil {
		return err
	}
	causes = append(causes, fault.ParseCauses(agentCauses...)...)
	target, targetCauses, err := s.resolveTarget(ctx, q, p, in.TargetVersion, now)
	if err != nil {
		return err
	}
	causes = append(causes, fault.ParseCauses(targetCauses...)...)
	if len(causes) > 0 {
		return fault.InvalidFields(causes...)
	}
	j.Name, j.AgentType, j.Enabled, j.NotifyAdmin = strings.TrimSpace(in.Name), in.AgentType, in.Enabled, in.NotifyAdmin
	j.Reason, j.SortOrder, j.TargetVersion, j.UpdatedAt = in.Reason, in.SortOrder, target, now
	var last time.Time
	if j.Schedule != nil {
		last = j.Schedule.LastUpdated
	}
	j.Schedule, j.WindowEnd, j.Status = nil, time.Time{}, StatusInProgress
	if in.Schedule != nil {
		sc := *in.Schedule
		j.Schedule = &store.Schedule{Cron: sc.Cron, Timezone: sc.Timezone, Duration: sc.Duration, Delay: sc.Delay, LastUpdated: last}
		j.Status = StatusScheduled
	}
	j.Agents = make([]store.PoolUpdateAgent, len(agents))
	for i, a := range agents {
		j.Agents[i] = store.PoolUpdateAgent{JobID: j.ID, AgentID: a.ID, Position: i, Status: StatusScheduled, Message: MsgQueued, ChangedAt: now}
	}
	return nil
}

// resolveTarget defaults the target version to the newest release on the pool's channel and
// checks a given one is a published release of the pool's agent type.
func (s *Service) resolveTarget(ctx context.Context, q store.Queries, p store.Pool, target string, now time.Time) (string, []string, error) {
	cat, err := LoadCatalog(ctx, q, p.Type)
	if err != nil {
		return "", nil, err
	}
	if target != "" {
		if r, ok := cat.Find(target); !ok || r.ReleasedAt.After(now) {
			return "", []string{"targetVersion: " + target + " is not a released version of the " + p.Type + " agent"}, nil
		}
		return target, nil, nil
	}
	st, err := storedSettings(ctx, q, p)
	if err != nil {
		return "", nil, err
	}
	latest, ok := cat.Latest(st.ReleaseChannel, now)
	if !ok {
		return "", []string{"targetVersion: no " + p.Type + " release is published on the " + st.ReleaseChannel + " channel"}, nil
	}
	return latest.Version, nil, nil
}
