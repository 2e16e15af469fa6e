package seed

import (
	"context"
	"errors"

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
	for _, it := range items {
		p, found, err := findPool(ctx, r.Store, orgID, it.Type, it.Name)
		if err != nil {
			return err
		}
		if !found {
			if p, err = r.Pools.CreatePool(ctx, orgID, it.Name, it.Type); err != nil {
				return err
			}
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

// findPool returns the org's pool of the type with the name.
func findPool(ctx context.Context, q store.Pools, orgID, poolType, name string) (store.Pool, bool, error) {
	ps, err := orgPools(ctx, q, orgID, poolType)
	for _, p := range ps {
		if p.Name == name {
			return p, true, nil
		}
	}
	return store.Pool{}, false, err
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
	for _, t := range agentTypes() {
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
