package rollout

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/store"
)

// storeFacts reads facts through q. Pool settings and catalogs are remembered: within one
// transaction or one tick they do not change, and a tick asks for them once per job.
type storeFacts struct {
	q        store.Queries
	settings map[string]bool              // continueOnError by pool id
	catalogs map[string]agentpool.Catalog // by agent type
}

func newFacts(q store.Queries) *storeFacts {
	return &storeFacts{q: q, settings: map[string]bool{}, catalogs: map[string]agentpool.Catalog{}}
}

func (f *storeFacts) ContinueOnError(ctx context.Context, j *store.PoolUpdate) (bool, error) {
	if v, ok := f.settings[j.PoolID]; ok {
		return v, nil
	}
	p, err := f.q.GetPool(ctx, j.OrgID, j.PoolID)
	if err != nil {
		return false, err
	}
	v, err := agentpool.ContinueOnError(ctx, f.q, p)
	if err != nil {
		return false, err
	}
	f.settings[j.PoolID] = v
	return v, nil
}

func (f *storeFacts) ReleasedAt(ctx context.Context, j *store.PoolUpdate) (time.Time, error) {
	cat, ok := f.catalogs[j.AgentType]
	if !ok {
		var err error
		if cat, err = agentpool.LoadCatalog(ctx, f.q, j.AgentType); err != nil {
			return time.Time{}, err
		}
		f.catalogs[j.AgentType] = cat
	}
	r, _ := cat.Find(j.TargetVersion) // a version missing from the catalog is held back by nothing
	return r.ReleasedAt, nil
}

func (f *storeFacts) AgentVersion(ctx context.Context, j *store.PoolUpdate, agentID string) (string, error) {
	a, err := f.q.GetAgent(ctx, j.OrgID, agentID)
	return a.Version, err
}
