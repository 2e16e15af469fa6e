package scenario

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/store/storetest"
)

// TestLifecycleActionsNeverConflict runs two keyward processes on one PostgreSQL schema, each with
// a pool of four connections, with live agents heartbeating to both and both engines ticking,
// while every job gets a stream of lifecycle actions of its own (pause, edit, resume on on-demand
// jobs; deactivate, edit, activate on scheduled ones) spread over the two processes. Only the one
// stream changes each job's status, so every action is legal when it arrives and must succeed:
// an action is never refused with 409 because other jobs or agents were written meanwhile.
func TestLifecycleActionsNeverConflict(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time two-process test")
	}
	const pools, perPool, rounds = 8, 5, 21 // 16 jobs × 3 actions × 21 rounds = 1,008 actions
	url := storetest.PostgresURL(t)
	servers := make([]*apptest.Server, 2)
	for i := range servers {
		p := startProcess(t, url, "KEYWARD_VIRTUAL_CLOCK=false", "KEYWARD_TICK_INTERVAL=20ms", "KEYWARD_DB_MAX_CONNS=4")
		servers[i] = apptest.Remote(t, p.URL)
	}
	var streams []*actionStream
	var agents []*agent
	for p := range pools {
		e := &env{t: t, ctx: context.Background(), s: servers[p%len(servers)]}
		poolID, a := e.pool(fmt.Sprintf("site-%02d", p), perPool)
		agents = append(agents, a...)
		onDemand := e.createJob(poolID, nil, a...)
		// A window a month away: the scheduled job stays Scheduled however long the test runs.
		sched := map[string]any{"cron": "0 3 1 1 *", "timezone": "UTC", "duration": 60}
		scheduled := e.createJob(poolID, sched, a...)
		streams = append(streams,
			&actionStream{pool: poolID, job: onDemand.ID, actions: []string{"pause", "", "resume"}, body: jobDefinition(nil, a...)},
			&actionStream{pool: poolID, job: scheduled.ID, actions: []string{"deactivate", "", "activate"}, body: jobDefinition(sched, a...)})
	}

	ctx, stopAgents := context.WithCancel(context.Background())
	var beats, beatErrs atomic.Int64
	var agentsDone sync.WaitGroup
	hc := &http.Client{Timeout: 30 * time.Second}
	for i, a := range agents {
		apis := make([]*client.Agent, len(servers))
		for j, s := range servers {
			apis[j] = client.NewAgent(s.URL, a.cred, client.WithHTTPClient(hc))
		}
		agentsDone.Go(func() {
			for n := i; ctx.Err() == nil; n++ {
				_, err := apis[n%len(apis)].Heartbeat(ctx, client.HeartbeatRequest{Version: oldVersion, Healthy: true})
				if err != nil && ctx.Err() == nil {
					beatErrs.Add(1)
					t.Errorf("%s heartbeat: %v", a.name, err)
				}
				beats.Add(1)
				time.Sleep(time.Duration(10+n%20) * time.Millisecond)
			}
		})
	}

	var mu sync.Mutex
	counts := map[int]int{} // answers by status code
	var actionsDone sync.WaitGroup
	for i, st := range streams {
		actionsDone.Go(func() {
			for n := range rounds * len(st.actions) {
				s := servers[(i+n)%len(servers)]
				action := st.actions[n%len(st.actions)]
				code, body, err := st.do(s, action)
				if err != nil {
					t.Errorf("job %s %q: %v", st.job, action, err)
					continue
				}
				mu.Lock()
				counts[code]++
				mu.Unlock()
				if code/100 != 2 {
					t.Errorf("job %s %q: status %d: %s", st.job, action, code, body)
				}
			}
		})
	}
	actionsDone.Wait()
	stopAgents()
	agentsDone.Wait()
	t.Logf("%d actions answered %v; %d heartbeats, %d failed", pools*2*rounds*3, counts, beats.Load(), beatErrs.Load())
	if counts[http.StatusConflict] > 0 {
		t.Errorf("%d actions answered 409", counts[http.StatusConflict])
	}
}

// actionStream is the one sequence of requests that changes one job: each action in turn, ""
// being an edit that sends the job's own definition again.
type actionStream struct {
	pool, job string
	actions   []string
	body      map[string]any
}

// do sends one action to s and returns the status and body of the answer.
func (st *actionStream) do(s *apptest.Server, action string) (int, string, error) {
	path, body := "/api/v1/agentPools/"+st.pool+"/updates/"+st.job, any(st.body)
	if action != "" {
		path, body = path+"/"+action, nil
	}
	status, data, err := send(context.Background(), s, "POST", path, body)
	return status, string(data), err
}
