package rollout

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/jobs"
	"github.com/keyward/keyward/internal/schedule"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/sqlite"
)

// fixture is an engine over an in-memory SQLite store with a virtual clock, one AD pool and
// its agents (all on 3.20.0; the newest GA release is 3.22.0).
type fixture struct {
	t      *testing.T
	ctx    context.Context
	store  store.Store
	clock  *clock.Virtual
	eng    *Engine
	jobs   *jobs.Runner // runs eng's due work, alone
	pools  *agentpool.Service
	pool   store.Pool
	agents []store.Agent
}

const (
	oldVersion = "3.20.0"
	newVersion = "3.22.0"
)

func newFixture(t *testing.T, agents int) *fixture {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	// Sunday 2026-03-08 12:00Z, the day New York moves to daylight saving time.
	vc := clock.NewVirtual(time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC))
	f := &fixture{t: t, ctx: ctx, store: s, clock: vc, pools: &agentpool.Service{Store: s, Clock: vc}}
	f.eng = New(Options{Store: s, Clock: vc, Config: Config{UpdateTimeout: 30 * time.Minute, HeartbeatInterval: 30 * time.Second}})
	f.jobs = f.runner(f.eng)
	f.must(s.CreateOrg(ctx, store.Org{ID: "org", Name: "org", CreatedAt: vc.Now()}))
	for _, r := range agentpool.DefaultReleases(vc.Now()) {
		f.must(s.PutRelease(ctx, r))
	}
	if f.pool, err = f.pools.CreatePool(ctx, "org", "corp", "AD"); err != nil {
		t.Fatal(err)
	}
	for i := range agents {
		a, err := f.pools.CreateAgent(ctx, "org", f.pool.ID, fmt.Sprintf("DC-%02d", i+1), oldVersion)
		if err != nil {
			t.Fatal(err)
		}
		f.agents = append(f.agents, a)
	}
	return f
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// job creates a job over the given agents (indexes into f.agents).
func (f *fixture) job(sc *schedule.Schedule, enabled bool, agents ...int) store.PoolUpdate {
	f.t.Helper()
	in := agentpool.JobInput{Name: "update", AgentType: "AD", Schedule: sc, Enabled: enabled}
	for _, i := range agents {
		in.AgentIDs = append(in.AgentIDs, f.agents[i].ID)
	}
	v, err := f.pools.CreateJob(f.ctx, "org", f.pool.ID, in)
	f.must(err)
	return v.Job
}

func (f *fixture) get(jobID string) store.PoolUpdate {
	f.t.Helper()
	j, err := f.store.GetPoolUpdate(f.ctx, f.pool.ID, jobID)
	f.must(err)
	return j
}

func (f *fixture) tick() {
	f.t.Helper()
	f.must(f.eng.Tick(f.ctx))
}

func (f *fixture) heartbeat(agent int, version string) *Instruction {
	f.t.Helper()
	res, err := f.eng.Heartbeat(f.ctx, "org", f.agents[agent].ID, HeartbeatInput{Version: version, Healthy: true})
	f.must(err)
	if !res.Now.Equal(f.clock.Now()) || res.HeartbeatInterval != 30*time.Second {
		f.t.Errorf("heartbeat answer %+v", res)
	}
	return res.Instruction
}

func (f *fixture) progress(agent int, instructionID, state string) error {
	return f.eng.Progress(f.ctx, "org", f.agents[agent].ID, instructionID, state, "")
}

func (f *fixture) advance(d time.Duration) {
	f.t.Helper()
	_, err := f.jobs.AdvanceBy(f.ctx, d)
	f.must(err)
}

// runner is a runner of eng's due work on the fixture's store and clock, as one process has.
func (f *fixture) runner(eng *Engine) *jobs.Runner {
	r := jobs.New(jobs.Options{Store: f.store, Clock: f.clock, Lease: LeaseName, Interval: time.Hour})
	r.Register(eng.Kind())
	return r
}

// registrar is the principal of a registration token of the fixture's pool.
func (f *fixture) registrar() *auth.Principal {
	return &auth.Principal{Kind: auth.KindRegistration, OrgID: "org", Actor: ids.New(ids.RegToken), Pool: f.pool.ID}
}

// resetFirst puts a job's first agent back in the queue.
func resetFirst(j store.PoolUpdate) store.PoolUpdate {
	j.Agents[0].Status, j.Agents[0].InstructionID = agentpool.StatusScheduled, ""
	return j
}
