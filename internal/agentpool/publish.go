package agentpool

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// PublishRelease adds (or re-dates) a version in the release catalog; a zero release time means
// now. latestVersion, target versions and isLatestGAedVersion follow the catalog.
func (s *Service) PublishRelease(ctx context.Context, r store.Release) (store.Release, error) {
	var causes []string
	if !ValidAgentType(r.AgentType) {
		causes = append(causes, "agentType: must be one of "+strings.Join(AgentTypes, ", "))
	}
	if !slices.Contains(Channels, r.Channel) {
		causes = append(causes, "channel: must be one of "+strings.Join(Channels, ", "))
	}
	if !ValidVersion(r.Version) {
		causes = append(causes, "version: must be a dotted version such as 3.22.0")
	}
	if len(causes) > 0 {
		return r, fault.Invalidf("Release", causes...)
	}
	if r.ReleasedAt.IsZero() {
		r.ReleasedAt = s.Clock.Now()
	}
	r.ReleasedAt = r.ReleasedAt.UTC().Truncate(time.Millisecond)
	return r, s.Store.PutRelease(ctx, r)
}

// Releases lists the catalog of one agent type, or of every type when agentType is empty.
func (s *Service) Releases(ctx context.Context, agentType string) ([]store.Release, error) {
	if agentType != "" && !ValidAgentType(agentType) {
		return nil, fault.Invalidf("Release", "agentType: must be one of "+strings.Join(AgentTypes, ", "))
	}
	types := AgentTypes
	if agentType != "" {
		types = []string{agentType}
	}
	var out []store.Release
	for _, t := range types {
		r, err := s.Store.ListReleases(ctx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, r...)
	}
	return out, nil
}
