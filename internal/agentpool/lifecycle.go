package agentpool

import (
	"context"
	"fmt"
	"slices"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/schedule"
	"github.com/keyward/keyward/internal/store"
)

// Actions are the lifecycle operations on a job and the job statuses each is allowed from.
var Actions = map[string][]string{
	"activate":   {StatusScheduled},
	"deactivate": {StatusScheduled},
	"pause":      {StatusScheduled, StatusInProgress},
	"resume":     {StatusPaused},
	"retry":      {StatusFailed},
	"stop":       {StatusScheduled, StatusInProgress, StatusPaused},
}

func illegal(action, status string) error {
	return fault.Invalidf("AgentPoolUpdate",
		fmt.Sprintf("Cannot %s an agent pool update whose status is %s.", action, status))
}

// Act applies a lifecycle action; an action not allowed from the job's status is refused with
// a fault that names both, and the job is left as it was.
func (s *Service) Act(ctx context.Context, orgID, poolID, jobID, action string) (JobView, error) {
	allowed, known := Actions[action]
	if !known {
		return JobView{}, fault.Invalidf("AgentPoolUpdate", "unknown action "+action)
	}
	var view JobView
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		_, j, err := s.getJob(ctx, q, orgID, poolID, jobID)
		if err != nil {
			return err
		}
		if !slices.Contains(allowed, j.Status) {
			return illegal(action, j.Status)
		}
		before, now := Clone(j), s.Clock.Now()
		switch action {
		case "activate", "deactivate":
			j.Enabled = action == "activate"
		case "pause":
			j.Status = StatusPaused
		case "resume":
			if err := s.restart(&j); err != nil {
				return err
			}
		case "retry":
			for i, a := range j.Agents {
				if a.Status == StatusFailed || a.Status == StatusCancelled {
					SetAgent(&j, i, StatusScheduled, MsgQueued, now)
				}
			}
			if err := s.restart(&j); err != nil {
				return err
			}
		case "stop":
			for i, a := range j.Agents {
				if a.Status == StatusScheduled {
					SetAgent(&j, i, StatusCancelled, MsgCancelled, now)
				}
			}
			j.Status, j.WindowEnd = StatusCancelled, zeroTime
		}
		j.UpdatedAt = now
		view, err = s.saveAndView(ctx, q, before, j)
		return err
	})
	return view, err
}

// restart puts a paused or failed job back to work: an on-demand job, or a scheduled one inside
// an open window, runs at once; a scheduled job outside its windows waits for the next one.
func (s *Service) restart(j *store.PoolUpdate) error {
	if j.Schedule == nil {
		j.Status = StatusInProgress
		return nil
	}
	w, open, err := schedule.WindowAt(ScheduleOf(j), s.Clock.Now())
	if err != nil {
		return err
	}
	if open && j.Enabled {
		j.Status, j.WindowEnd = StatusInProgress, w.End
		return nil
	}
	j.Status, j.WindowEnd = StatusScheduled, zeroTime
	return nil
}

// ScheduleOf is a job's schedule in the schedule package's terms.
func ScheduleOf(j *store.PoolUpdate) schedule.Schedule {
	if j.Schedule == nil {
		return schedule.Schedule{}
	}
	return schedule.Schedule{Cron: j.Schedule.Cron, Timezone: j.Schedule.Timezone, Duration: j.Schedule.Duration, Delay: j.Schedule.Delay}
}
