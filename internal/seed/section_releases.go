package seed

import (
	"context"
	"slices"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/store"
)

// release is a version of the release catalog (server-wide: every org sees it). releasedAt
// defaults to the moment of the first load.
type release struct {
	AgentType  string     `json:"agentType"`
	Channel    string     `json:"channel"`
	Version    string     `json:"version"`
	ReleasedAt *time.Time `json:"releasedAt,omitempty"`
}

func loadReleases(ctx context.Context, r *run, _ string, items []release) error {
	for _, it := range items {
		known, err := r.Store.ListReleases(ctx, it.AgentType)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(known, func(k store.Release) bool { return k.Channel == it.Channel && k.Version == it.Version }) {
			continue
		}
		x := store.Release{AgentType: it.AgentType, Channel: it.Channel, Version: it.Version}
		if it.ReleasedAt != nil {
			x.ReleasedAt = *it.ReleasedAt
		}
		if _, err := r.Pools.PublishRelease(ctx, x); err != nil {
			return err
		}
		r.made("releases")
	}
	return nil
}

func exportReleases(ctx context.Context, s *Service, _ string) ([]release, error) {
	var out []release
	for _, t := range agentpool.AgentTypes {
		rs, err := s.Store.ListReleases(ctx, t)
		if err != nil {
			return nil, err
		}
		for _, x := range rs {
			at := x.ReleasedAt.UTC()
			out = append(out, release{AgentType: x.AgentType, Channel: x.Channel, Version: x.Version, ReleasedAt: &at})
		}
	}
	return out, nil
}
