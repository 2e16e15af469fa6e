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
	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/sim"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/postgres"
	"github.com/keyward/keyward/internal/store/storetest"
)

// deliveries records, from the agents' side, every instruction handed out and which server
// handed it out.
type deliveries struct {
	mu       sync.Mutex
	byID     map[string]int      // instruction id → times received
	byAgent  map[string][]string // agent name → instruction ids, in order
	byServer map[int]int
}

func (d *deliveries) add(agent string, server int, in client.Instruction) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.byID[in.ID]++
	d.byAgent[agent] = append(d.byAgent[agent], fmt.Sprintf("%s#%d", in.ID, in.Attempt))
	d.byServer[server]++
}

// spreadAPI speaks the agent protocol with one credential to several servers in turn, as
// agents behind a load balancer do, and records the instructions it receives.
type spreadAPI struct {
	name string
	apis []*client.Agent
	next atomic.Uint64
	log  *deliveries
}

func (s *spreadAPI) pick() (int, *client.Agent) {
	i := int(s.next.Add(1) % uint64(len(s.apis)))
	return i, s.apis[i]
}

func (s *spreadAPI) Heartbeat(ctx context.Context, req client.HeartbeatRequest) (*client.HeartbeatResponse, error) {
	i, api := s.pick()
	res, err := api.Heartbeat(ctx, req)
	if err == nil && res.Instruction != nil {
		s.log.add(s.name, i, *res.Instruction)
	}
	return res, err
}

func (s *spreadAPI) ReportProgress(ctx context.Context, id string, p client.Progress) error {
	_, api := s.pick()
	return api.ReportProgress(ctx, id, p)
}

// TestThreeServersShareOneDatabase runs 200 simulated agents in 10 pools against three keyward
// processes (child processes of the test, each a whole server) sharing one PostgreSQL schema,
// with an on-demand job in each pool. Every agent must end on the target version with exactly
// one instruction handed out for its one attempt. It waits as long as the fleet advances.
func TestThreeServersShareOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time fleet test")
	}
	const pools, perPool = 10, 20
	url := storetest.PostgresURL(t)
	servers := make([]*apptest.Server, 3)
	for i := range servers {
		p := startProcess(t, url, "KEYWARD_VIRTUAL_CLOCK=false", "KEYWARD_TICK_INTERVAL=20ms", "KEYWARD_UPDATE_TIMEOUT=1m",
			"KEYWARD_DB_MAX_CONNS=4")
		servers[i] = apptest.Remote(t, p.URL)
	}
	st, err := postgres.Open(context.Background(), url, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	log := &deliveries{byID: map[string]int{}, byAgent: map[string][]string{}, byServer: map[int]int{}}
	stats := sim.NewStats()
	behaviour := sim.Behaviour{Heartbeat: 250 * time.Millisecond, StartJitter: 250 * time.Millisecond,
		UpdateDuration: 20 * time.Millisecond, ReconnectDelay: 10 * time.Millisecond}

	var fleet []*sim.Agent
	poolIDs := make([]string, pools)
	jobIDs := make([]string, pools)
	for p := range pools {
		e := &env{t: t, ctx: context.Background(), s: servers[p%len(servers)]}
		poolID, agents := e.pool(fmt.Sprintf("site-%02d", p), perPool)
		poolIDs[p] = poolID
		jobIDs[p] = e.createJob(poolID, nil, agents...).ID
		for i, a := range agents {
			api := &spreadAPI{name: a.name, log: log}
			for _, s := range servers {
				api.apis = append(api.apis, client.NewAgent(s.URL, a.cred, client.WithHTTPClient(hc)))
			}
			spec := sim.AgentSpec{Name: a.name, Version: oldVersion, API: api}
			fleet = append(fleet, sim.NewAgent(spec, behaviour, uint64(p*perPool+i+1), stats))
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for _, a := range fleet {
		wg.Go(func() { a.Run(ctx) })
	}
	// The fleet is given as long as it keeps moving: a busy machine may take minutes, but a fleet
	// where no agent advances for stallLimit is stuck.
	const stallLimit = 2 * time.Minute
	watch := progressWatch{last: time.Now()}
	finished := false
	for !finished && time.Since(watch.last) < stallLimit {
		time.Sleep(100 * time.Millisecond)
		var err error
		if finished, err = watch.poll(ctx, st, poolIDs, jobIDs); err != nil {
			t.Error(err)
			break
		}
	}
	cancel()
	wg.Wait()
	snap := stats.Snapshot()
	t.Logf("fleet: %s; instructions by server %v", snap.Line(), log.byServer)
	if !finished {
		t.Fatalf("not every job ended in Success: no agent advanced for %s (%d steps made): %s",
			stallLimit, watch.score, snap.Summary(0, 0))
	}

	bg := context.Background()
	for p, poolID := range poolIDs {
		j, err := st.GetPoolUpdate(bg, poolID, jobIDs[p])
		if err != nil {
			t.Fatal(err)
		}
		for _, ja := range j.Agents {
			if ja.Status != agentpool.StatusSuccess || ja.Attempt != 1 || !ja.Delivered {
				t.Errorf("job %s agent %s: %s, attempt %d, delivered %v", j.ID, ja.AgentID, ja.Status, ja.Attempt, ja.Delivered)
			}
		}
		agents, err := st.ListAgents(bg, []string{poolID})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range agents {
			if a.Version != newVersion {
				t.Errorf("agent %s runs %s, want %s", a.Name, a.Version, newVersion)
			}
		}
	}
	if len(log.byAgent) != pools*perPool || len(log.byID) != pools*perPool {
		t.Errorf("%d agents received %d distinct instructions, want %d each", len(log.byAgent), len(log.byID), pools*perPool)
	}
	for name, got := range log.byAgent {
		if len(got) != 1 {
			t.Errorf("%s received %v, want exactly one instruction", name, got)
		}
	}
	for id, n := range log.byID {
		if n != 1 {
			t.Errorf("instruction %s handed out %d times", id, n)
		}
	}
	if len(log.byServer) < 2 {
		t.Errorf("instructions came from servers %v; the agents talked to all three", log.byServer)
	}
	if snap.UpdatesFailed+snap.UpdatesAbandoned+snap.HeartbeatErrors > 0 {
		t.Errorf("fleet errors: %s", snap.Summary(0, 0))
	}
}

// progressWatch tells a fleet that advances, however slowly, from one that is stuck.
type progressWatch struct {
	score int       // steps made by every job's agents so far
	last  time.Time // when score last grew
}

// stepsMade ranks an agent's status in a job by how far along its update it is.
var stepsMade = map[string]int{
	agentpool.StatusInProgress: 1, agentpool.StatusPendingCompletion: 2,
	agentpool.StatusSuccess: 3, agentpool.StatusFailed: 3, agentpool.StatusCancelled: 3,
}

// poll reads the jobs, notes any progress, and reports whether every job ended in Success; a job
// that ended otherwise is an error.
func (w *progressWatch) poll(ctx context.Context, st store.Store, poolIDs, jobIDs []string) (bool, error) {
	score, done := 0, true
	for p, poolID := range poolIDs {
		j, err := st.GetPoolUpdate(ctx, poolID, jobIDs[p])
		if err != nil {
			return false, nil // a read that fails now may succeed on the next poll
		}
		if j.Status == agentpool.StatusFailed || j.Status == agentpool.StatusCancelled {
			return false, fmt.Errorf("job %s ended %s", j.ID, j.Status)
		}
		done = done && j.Status == agentpool.StatusSuccess
		for _, a := range j.Agents {
			score += stepsMade[a.Status]
		}
	}
	if score > w.score {
		w.score, w.last = score, time.Now()
	}
	return done, nil
}
