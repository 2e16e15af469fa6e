package agentpool

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// Settings are a pool's update settings as the API shows them.
type Settings struct {
	PoolID, PoolName, AgentType, ReleaseChannel string
	ContinueOnError                             bool
	LatestVersion, MinimalSupportedVersion      string
}

// SettingsInput is an update of a pool's settings; nil fields keep their value.
type SettingsInput struct {
	AgentType       string
	ReleaseChannel  *string
	ContinueOnError *bool
}

// storedSettings returns a pool's settings, or the defaults (GA, stop on error) when the pool was
// never configured.
func storedSettings(ctx context.Context, q store.Pools, p store.Pool) (store.PoolSettings, error) {
	st, err := q.GetPoolSettings(ctx, p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return store.PoolSettings{PoolID: p.ID, AgentType: p.Type, ReleaseChannel: "GA"}, nil
	}
	return st, err
}

func (s *Service) settingsView(ctx context.Context, q store.Releases, p store.Pool, st store.PoolSettings) (Settings, error) {
	cat, err := LoadCatalog(ctx, q, p.Type)
	if err != nil {
		return Settings{}, err
	}
	latest, _ := cat.Latest(st.ReleaseChannel, s.Clock.Now())
	return Settings{PoolID: p.ID, PoolName: p.Name, AgentType: p.Type, ReleaseChannel: st.ReleaseChannel,
		ContinueOnError: st.ContinueOnError, LatestVersion: latest.Version,
		MinimalSupportedVersion: MinimalSupportedVersion(p.Type)}, nil
}

// settingsPool is the pool whose settings are asked for. Okta names an unknown pool here by the
// type it stores settings under: "Resource not found: <id> (AppInstance)".
func (s *Service) settingsPool(ctx context.Context, q store.Queries, orgID, poolID string) (store.Pool, error) {
	p, err := s.Pool(ctx, q, orgID, poolID)
	if f, ok := fault.As(err); ok && f.Kind == fault.NotFound {
		return p, fault.Missing(poolID, "AppInstance")
	}
	return p, err
}

// GetSettings returns a pool's update settings (defaults for a pool never configured).
func (s *Service) GetSettings(ctx context.Context, orgID, poolID string) (Settings, error) {
	p, err := s.settingsPool(ctx, s.Store, orgID, poolID)
	if err != nil {
		return Settings{}, err
	}
	st, err := storedSettings(ctx, s.Store, p)
	if err != nil {
		return Settings{}, err
	}
	return s.settingsView(ctx, s.Store, p, st)
}

// UpdateSettings changes a pool's release channel and failure behaviour. latestVersion and
// minimalSupportedVersion are computed, so they are not taken from the input.
func (s *Service) UpdateSettings(ctx context.Context, orgID, poolID string, in SettingsInput) (Settings, error) {
	var out Settings
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		p, err := s.settingsPool(ctx, q, orgID, poolID)
		if err != nil {
			return err
		}
		var causes []string
		switch {
		case in.AgentType == "":
			causes = append(causes, "agentType: is required")
		case in.AgentType != p.Type:
			causes = append(causes, "agentType: must be the pool's agent type, "+p.Type)
		}
		if in.ReleaseChannel != nil && !slices.Contains(Channels, *in.ReleaseChannel) {
			causes = append(causes, "releaseChannel: must be one of "+strings.Join(Channels, ", "))
		}
		if len(causes) > 0 {
			return fault.Invalidf("AgentPoolUpdateSetting", causes...)
		}
		st, err := storedSettings(ctx, q, p)
		if err != nil {
			return err
		}
		if in.ReleaseChannel != nil {
			st.ReleaseChannel = *in.ReleaseChannel
		}
		if in.ContinueOnError != nil {
			st.ContinueOnError = *in.ContinueOnError
		}
		if err := q.PutPoolSettings(ctx, st); err != nil {
			return err
		}
		out, err = s.settingsView(ctx, q, p, st)
		return err
	})
	return out, err
}

// ContinueOnError reports a pool's failure behaviour, for the rollout engine.
func ContinueOnError(ctx context.Context, q store.Pools, p store.Pool) (bool, error) {
	st, err := storedSettings(ctx, q, p)
	return st.ContinueOnError, err
}
