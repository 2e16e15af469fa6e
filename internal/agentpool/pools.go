package agentpool

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// PoolPage is one page of listAgentPools.
type PoolPage struct {
	Pools  []PoolView
	Now    time.Time
	After  string // cursor of the next page; empty on the last page
	Latest map[string]string
}

// PoolView is a pool with its agents.
type PoolView struct {
	Pool   store.Pool
	Agents []store.Agent
}

// cursor remembers, for each pool type with pools left, the last pool id returned.
type cursor map[string]string

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || len(c) == 0 {
		return nil, fault.Invalidf("after", "after: not a cursor from a Link header")
	}
	for t, id := range c {
		if !ValidAgentType(t) || !storable(id) {
			return nil, fault.Invalidf("after", "after: not a cursor from a Link header")
		}
	}
	return c, nil
}

// ListPools returns up to limit pools of each type (or only of poolType), continuing after the
// cursor. Each type is read by key range, so a page costs the same however many pools exist.
func (s *Service) ListPools(ctx context.Context, orgID, poolType string, limit int, after string) (PoolPage, error) {
	if limit < 1 || limit > 200 {
		return PoolPage{}, fault.Invalidf("limitPerPoolType", "limitPerPoolType: must be between 1 and 200")
	}
	if poolType != "" && !ValidAgentType(poolType) {
		return PoolPage{}, fault.Invalidf("poolType", "poolType: must be one of AD, IWA, LDAP, MFA, OPP, RUM, Radius")
	}
	start := cursor{}
	types := AgentTypes
	if poolType != "" {
		types = []string{poolType}
	}
	if after != "" {
		c, err := decodeCursor(after)
		if err != nil {
			return PoolPage{}, err
		}
		start = c
		types = slices.DeleteFunc(slices.Clone(types), func(t string) bool { _, ok := c[t]; return !ok })
	}
	page := PoolPage{Now: s.Clock.Now()}
	next := cursor{}
	var poolIDs []string
	for _, t := range types {
		pools, err := s.Store.ListPools(ctx, orgID, t, start[t], limit+1)
		if err != nil {
			return page, err
		}
		if len(pools) > limit {
			pools = pools[:limit]
			next[t] = pools[limit-1].ID
		}
		for _, p := range pools {
			page.Pools = append(page.Pools, PoolView{Pool: p})
			poolIDs = append(poolIDs, p.ID)
		}
	}
	agents, err := s.Store.ListAgents(ctx, poolIDs)
	if err != nil {
		return page, err
	}
	byPool := map[string][]store.Agent{}
	for _, a := range agents {
		byPool[a.PoolID] = append(byPool[a.PoolID], a)
	}
	for i := range page.Pools {
		page.Pools[i].Agents = byPool[page.Pools[i].Pool.ID]
	}
	if len(next) > 0 {
		page.After = next.encode()
	}
	page.Latest, err = s.latestGA(ctx, page.Pools, page.Now)
	return page, err
}

// latestGA maps each agent type on the page to its newest GA version, for isLatestGAedVersion.
func (s *Service) latestGA(ctx context.Context, pools []PoolView, now time.Time) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range pools {
		if _, done := out[p.Pool.Type]; done {
			continue
		}
		cat, err := LoadCatalog(ctx, s.Store, p.Pool.Type)
		if err != nil {
			return nil, err
		}
		r, _ := cat.Latest("GA", now)
		out[p.Pool.Type] = r.Version
	}
	return out, nil
}
