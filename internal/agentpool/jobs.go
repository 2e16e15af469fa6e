package agentpool

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/limits"
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
	Job      store.Job
	Agents   map[string]store.Agent
	Now      time.Time
	LatestGA string
}

// getJob reads a job of a pool of the org, with NotFound faults in Okta's wording.
func (s *Service) getJob(ctx context.Context, q store.Queries, orgID, poolID, jobID string) (store.Pool, store.Job, error) {
	p, err := s.Pool(ctx, q, orgID, poolID)
	if err != nil {
		return p, store.Job{}, err
	}
	if !storable(jobID) {
		return p, store.Job{}, fault.Missing(jobID, "AgentPoolUpdate")
	}
	j, err := q.GetJob(ctx, p.ID, jobID)
	if errors.Is(err, store.ErrNotFound) {
		return p, j, fault.Missing(jobID, "AgentPoolUpdate")
	}
	return p, j, err
}

// View loads what the API shows with a job.
func (s *Service) View(ctx context.Context, q store.Queries, j store.Job) (JobView, error) {
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
// (false) ones.
func (s *Service) ListJobs(ctx context.Context, orgID, poolID string, scheduled *bool) ([]JobView, error) {
	p, err := s.Pool(ctx, s.Store, orgID, poolID)
	if err != nil {
		return nil, err
	}
	jobs, err := s.Store.ListJobs(ctx, p.ID)
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
	var view JobView
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		p, err := s.Pool(ctx, q, orgID, poolID)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		j := store.Job{ID: ids.New(ids.UpdateJob), OrgID: orgID, PoolID: p.ID, CreatedAt: now}
		if err := s.apply(ctx, q, p, &j, in, now); err != nil {
			return err
		}
		if err := q.CreateJob(ctx, j); err != nil {
			return err
		}
		if err := MirrorAgents(ctx, q, store.Job{}, j); err != nil {
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
		if err := q.DeleteJob(ctx, j.PoolID, j.ID); err != nil {
			return err
		}
		cleared := Clone(j)
		cleared.Agents, err = clearedAgents(ctx, q, j.Agents)
		if err != nil {
			return err
		}
		return MirrorAgents(ctx, q, j, cleared)
	})
}

// clearedAgents is what a deleted job's agents show next: the progress of the remaining job that
// touched each last, or nothing when no other job did.
func clearedAgents(ctx context.Context, q store.Queries, in []store.JobAgent) ([]store.JobAgent, error) {
	out := make([]store.JobAgent, len(in))
	for i, a := range in {
		a.Status, a.Message = "", ""
		rows, err := q.ListJobAgentsByAgent(ctx, a.AgentID)
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
func (s *Service) apply(ctx context.Context, q store.Queries, p store.Pool, j *store.Job, in JobInput, now time.Time) error {
	causes := checkInput(in, p, now)
	agents, agentCauses, err := s.checkAgents(ctx, q, p, j.ID, in)
	if err != nil {
		return err
	}
	causes = append(causes, agentCauses...)
	target, targetCauses, err := s.resolveTarget(ctx, q, p, in.TargetVersion, now)
	if err != nil {
		return err
	}
	causes = append(causes, targetCauses...)
	if len(causes) > 0 {
		return fault.Invalidf("AgentPoolUpdate", causes...)
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
	j.Agents = make([]store.JobAgent, len(agents))
	for i, a := range agents {
		j.Agents[i] = store.JobAgent{JobID: j.ID, AgentID: a.ID, Position: i, Status: StatusScheduled, Message: MsgQueued, ChangedAt: now}
	}
	return nil
}

func checkInput(in JobInput, p store.Pool, now time.Time) []string {
	var causes []string
	if strings.TrimSpace(in.Name) == "" {
		causes = append(causes, "name: is required")
	}
	causes = append(causes, limits.Causes(limits.Check("name", strings.TrimSpace(in.Name), limits.Name),
		limits.Check("reason", in.Reason, limits.Reason))...)
	// Clients (Okta's SDKs among them) read sortOrder as a 32-bit integer.
	if in.SortOrder < math.MinInt32 || in.SortOrder > math.MaxInt32 {
		causes = append(causes, "sortOrder: must be a 32-bit integer")
	}
	switch {
	case in.AgentType == "":
		causes = append(causes, "agentType: is required")
	case !ValidAgentType(in.AgentType):
		causes = append(causes, "agentType: must be one of "+strings.Join(AgentTypes, ", "))
	case in.AgentType != p.Type:
		causes = append(causes, "agentType: must be the pool's agent type, "+p.Type)
	}
	if in.Schedule != nil {
		for _, fe := range schedule.Validate(*in.Schedule) {
			causes = append(causes, fe.Error())
		}
		if len(causes) == 0 {
			if _, err := schedule.NextWindow(*in.Schedule, now); err != nil {
				causes = append(causes, schedule.FieldCron+": the expression never opens a window")
			}
		}
	}
	return causes
}

// checkAgents resolves the agent ids: each must be an agent of the pool, listed once, recent
// enough to auto-update, and (for a scheduled job) in no other scheduled job.
func (s *Service) checkAgents(ctx context.Context, q store.Queries, p store.Pool, jobID string, in JobInput) ([]store.Agent, []string, error) {
	if len(in.AgentIDs) == 0 {
		return nil, []string{"agents: at least one agent is required"}, nil
	}
	if len(in.AgentIDs) > MaxJobAgents {
		return nil, []string{"agents: at most " + itoa(MaxJobAgents) + " agents per update"}, nil
	}
	all, err := q.ListAgents(ctx, []string{p.ID})
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]store.Agent{}
	for _, a := range all {
		byID[a.ID] = a
	}
	owner := map[string]string{}
	if in.Schedule != nil {
		jobs, err := q.ListJobs(ctx, p.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, other := range jobs {
			if other.Schedule != nil && other.ID != jobID {
				for _, a := range other.Agents {
					owner[a.AgentID] = other.ID
				}
			}
		}
	}
	var causes []string
	seen := map[string]bool{}
	out := make([]store.Agent, 0, len(in.AgentIDs))
	minimal := MinimalSupportedVersion(p.Type)
	for i, id := range in.AgentIDs {
		a, ok := byID[id]
		switch {
		case id == "":
			causes = append(causes, fmt.Sprintf("agents[%d].id: is required", i))
		case !ok:
			causes = append(causes, fmt.Sprintf("agents[%d].id: %s is not an agent of pool %s", i, id, p.ID))
		case seen[id]:
			causes = append(causes, fmt.Sprintf("agents[%d].id: %s is listed more than once", i, id))
		case owner[id] != "":
			causes = append(causes, fmt.Sprintf("agents[%d].id: %s already belongs to scheduled update %s", i, id, owner[id]))
		case CompareVersions(a.Version, minimal) < 0:
			causes = append(causes, fmt.Sprintf("agents[%d].id: %s runs %s, older than the minimal supported version %s", i, id, a.Version, minimal))
		default:
			out = append(out, a)
		}
		seen[id] = true
	}
	return out, causes, nil
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
