package seed

import (
	"context"
	"errors"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/store"
)

// pool is an agent pool with its agents, matched by type and name.
type pool struct {
	Name   string  `json:"name"`
	Type   string  `json:"type"`
	Agents []agent `json:"agents,omitempty"`
}

// agent is an agent of a pool, matched by name; it is made as if it had just connected.
type agent struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

func loadPools(ctx context.Context, r *run, orgID string, items []pool) error {
	// The org's pools are listed once per type, not once per item: a document of many pools
	// would otherwise hold its transaction for a time growing with their number squared.
	known := map[string]map[string]store.Pool{} // type → name → pool
	for _, it := range items {
		byName, ok := known[it.Type]
		if !ok {
			ps, err := orgPools(ctx, r.Store, orgID, it.Type)
			if err != nil {
				return err
			}
			byName = make(map[string]store.Pool, len(ps))
			for _, p := range ps {
				if _, dup := byName[p.Name]; !dup { // the first by id, as a look-up by name finds
					byName[p.Name] = p
				}
			}
			known[it.Type] = byName
		}
		p, found := byName[it.Name]
		if !found {
			var err error
			if p, err = r.Pools.CreatePool(ctx, orgID, it.Name, it.Type); err != nil {
				return err
			}
			byName[it.Name] = p
			r.made("pools")
		}
		for _, a := range it.Agents {
			_, err := r.Store.GetAgentByName(ctx, p.ID, a.Name)
			if err == nil {
				continue
			}
			if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if _, err := r.Pools.CreateAgent(ctx, orgID, p.ID, a.Name, a.Version); err != nil {
				return err
			}
			r.made("agents")
		}
	}
	return nil
}

// orgPools lists the org's pools of one type, by id.
func orgPools(ctx context.Context, q store.Pools, orgID, poolType string) ([]store.Pool, error) {
	const size = 200
	var out []store.Pool
	after := ""
	for {
		ps, err := q.ListPools(ctx, orgID, poolType, after, size)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
		if len(ps) < size {
			return out, nil
		}
		after = ps[len(ps)-1].ID
	}
}

func exportPools(ctx context.Context, s *Service, orgID string) ([]pool, error) {
	var out []pool
	for _, t := range agentpool.AgentTypes {
		ps, err := orgPools(ctx, s.Store, orgID, t)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			agents, err := s.Store.ListAgents(ctx, []string{p.ID})
			if err != nil {
				return nil, err
			}
			it := pool{Name: p.Name, Type: p.Type}
			for _, a := range agents {
				it.Agents = append(it.Agents, agent{Name: a.Name, Version: a.Version})
			}
			byName(it.Agents, func(a agent) string { return a.Name })
			out = append(out, it)
		}
	}
	return byName(out, func(p pool) string { return p.Type + "/" + p.Name }), nil
}
