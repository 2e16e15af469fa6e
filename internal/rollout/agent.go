package rollout

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// Registration is what a registering agent is told; Credential is shown only here.
type Registration struct {
	AgentID, PoolID, AgentType, Credential string
	HeartbeatInterval                      time.Duration
}

// Register admits an agent into the registration token's pool. An agent of that name already
// in the pool is the same agent coming back: it keeps its id and gets a new credential, which
// makes the old one stop working.
func (e *Engine) Register(ctx context.Context, p *auth.Principal, name, version string) (Registration, error) {
	if p == nil || p.Pool == "" {
		return Registration{}, errors.New("rollout: register needs a registration principal")
	}
	secret := ids.Secret()
	var reg Registration
	err := e.inTx(ctx, func(q store.Queries) error {
		pool, err := q.GetPool(ctx, p.OrgID, p.Pool)
		if errors.Is(err, store.ErrNotFound) {
			return fault.Missing(p.Pool, "AgentPool")
		}
		if err != nil {
			return err
		}
		now := e.clock.Now()
		a, err := q.GetAgentByName(ctx, pool.ID, name)
		switch {
		case errors.Is(err, store.ErrNotFound):
			a = store.Agent{ID: ids.New(ids.Agent), OrgID: pool.OrgID, PoolID: pool.ID, Name: name, Type: pool.Type,
				Version: version, Healthy: true, LastConnection: now, CredentialHash: ids.Hash(secret), CreatedAt: now}
			err = q.CreateAgent(ctx, a) // a concurrent registration of the name: ErrConflict, run again
		case err == nil:
			a.Version, a.Healthy, a.HealthMessage, a.LastConnection = version, true, "", now
			a.CredentialHash = ids.Hash(secret)
			err = q.UpdateAgent(ctx, a)
		}
		if err != nil {
			return err
		}
		reg = Registration{AgentID: a.ID, PoolID: pool.ID, AgentType: pool.Type, Credential: secret,
			HeartbeatInterval: e.cfg.HeartbeatInterval}
		_, err = e.reconcile(ctx, q, a, false)
		return err
	})
	return reg, err
}

// HeartbeatInput is what an agent reports in a heartbeat.
type HeartbeatInput struct {
	Version string
	Healthy bool
	Message string
}

// Instruction is work handed to an agent.
type Instruction struct {
	ID, Type, JobID, TargetVersion string
	Attempt                        int
}

// InstructionUpdate is the type of an update instruction.
const InstructionUpdate = "update"

// HeartbeatResult is the answer to a heartbeat; Instruction is nil when there is nothing to do.
type HeartbeatResult struct {
	Now               time.Time
	HeartbeatInterval time.Duration
	Instruction       *Instruction
}

// Heartbeat records an agent's version and health, completes its update when it reports the
// target version, and hands it a pending update instruction. The instruction is marked
// delivered in the same transaction, under the job's version check, so that it is handed out
// once per attempt however many heartbeats race for it, on however many processes.
//
// Recording the heartbeat and touching jobs are separate transactions: most heartbeats come from
// agents with no update under way, and those then write one row and read no job, so they never
// conflict with the jobs being saved around them.
func (e *Engine) Heartbeat(ctx context.Context, orgID, agentID string, in HeartbeatInput) (HeartbeatResult, error) {
	res := HeartbeatResult{HeartbeatInterval: e.cfg.HeartbeatInterval}
	var a store.Agent
	err := e.inTx(ctx, func(q store.Queries) error {
		var err error
		if a, err = q.GetAgent(ctx, orgID, agentID); err != nil {
			return err
		}
		res.Now = e.clock.Now()
		a.Version, a.Healthy, a.HealthMessage, a.LastConnection = in.Version, in.Healthy, in.Message, res.Now
		return q.UpdateAgent(ctx, a)
	})
	if err != nil {
		return res, err
	}
	rows, err := e.store.ListPoolUpdateAgentsByAgent(ctx, agentID)
	if err != nil || !slices.ContainsFunc(rows, func(r store.PoolUpdateAgent) bool { return busy(r.Status) }) {
		return res, err
	}
	err = e.inTx(ctx, func(q store.Queries) error {
		var err error
		res.Instruction, err = e.reconcile(ctx, q, a, true)
		return err
	})
	return res, err
}

// reconcile brings the jobs in which agent a is mid-update up to date with what a just
// reported: an update reaching the target version succeeds, and (when deliver is set) an
// instruction not yet handed out is handed out, unless a is already busy with another one.
func (e *Engine) reconcile(ctx context.Context, q store.Queries, a store.Agent, deliver bool) (*Instruction, error) {
	rows, err := q.ListPoolUpdateAgentsByAgent(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	var offer, offerBefore *store.PoolUpdate // the job whose instruction may be handed out, as read
	offerChanged, occupied := false, false
	for _, r := range rows {
		if !busy(r.Status) {
			continue
		}
		j, err := q.GetPoolUpdate(ctx, a.PoolID, r.JobID)
		if err != nil {
			return nil, err
		}
		before := agentpool.Clone(j)
		changed, err := e.advanceNow(ctx, q, &j)
		if err != nil {
			return nil, err
		}
		i, err := agentIndex(&j, a.ID)
		if err != nil {
			return nil, err
		}
		ja := j.Agents[i]
		switch {
		case busy(ja.Status) && a.Version == j.TargetVersion:
			msg := agentpool.MsgSucceeded
			if ja.Status == agentpool.StatusInProgress && !ja.Delivered {
				msg = agentpool.MsgCurrent // it got there without being told
			}
			agentpool.SetAgent(&j, i, agentpool.StatusSuccess, msg, e.clock.Now())
			if _, err := e.advanceNow(ctx, q, &j); err != nil {
				return nil, err
			}
			changed = true
		case ja.Status == agentpool.StatusInProgress && !ja.Delivered:
			if deliver && offer == nil {
				offer, offerBefore, offerChanged = &j, &before, changed
				continue
			}
			// Another job's instruction is offered first; this one waits for a later heartbeat.
		case busy(ja.Status):
			occupied = true
		}
		if changed {
			if err := e.save(ctx, q, before, j); err != nil {
				return nil, err
			}
		}
	}
	if offer == nil {
		return nil, nil
	}
	var in *Instruction
	if !occupied {
		i, err := agentIndex(offer, a.ID)
		if err != nil {
			return nil, err
		}
		ja := &offer.Agents[i]
		ja.Delivered, offerChanged = true, true
		in = &Instruction{ID: ja.InstructionID, Type: InstructionUpdate, JobID: offer.ID, TargetVersion: offer.TargetVersion, Attempt: ja.Attempt}
	}
	if offerChanged {
		if err := e.save(ctx, q, *offerBefore, *offer); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// advanceNow applies to j what is due now.
func (e *Engine) advanceNow(ctx context.Context, q store.Queries, j *store.PoolUpdate) (bool, error) {
	return advance(ctx, j, e.clock.Now(), e.cfg.UpdateTimeout, newFacts(q))
}

// agentIndex is the position of an agent in a job.
func agentIndex(j *store.PoolUpdate, agentID string) (int, error) {
	for i, a := range j.Agents {
		if a.AgentID == agentID {
			return i, nil
		}
	}
	return -1, fmt.Errorf("rollout: agent %s is not in job %s: %w", agentID, j.ID, store.ErrNotFound)
}
