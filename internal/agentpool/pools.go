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
	pools, agents, err := s.Store.ListPoolsPage(ctx, orgID, types, start, limit)
	if err != nil {
		return page, err
	}
	page.Pools = make([]PoolView, 0, len(pools))
	ofType := 0
	for i, p := range pools {
		// Pools come type by type; a type's limit+1st pool only tells that more follow.
		if i > 0 && pools[i-1].Type != p.Type {
			ofType = 0
		}
		if ofType++; ofType > limit {
			next[p.Type] = pools[i-1].ID
			continue
		}
		page.Pools = append(page.Pools, PoolView{Pool: p})
	}
	// Agents come pool by pool, in page order: each pool's are one run of the slice.
	for i := range page.Pools {
		id := page.Pools[i].Pool.ID
		n := 0
		for n < len(agents) && agents[n].PoolID == id {
			n++
		}
		if n > 0 {
			page.Pools[i].Agents, agents = agents[:n:n], agents[n:]
		}
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
