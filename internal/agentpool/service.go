package agentpool

import (
	"context"
	"errors"
	"strings"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/limits"
	"github.com/keyward/keyward/internal/store"
)

// Service is the Agent Pools domain over a store.
type Service struct {
	Store      store.Store
	Clock      clock.Clock
	Thresholds Thresholds
	Events     *events.Log // records job and agent status changes (nil: none)
}

// Pool returns a pool of the org, or a NotFound fault naming it.
func (s *Service) Pool(ctx context.Context, q store.Pools, orgID, poolID string) (store.Pool, error) {
	if !storable(poolID) {
		return store.Pool{}, fault.Missing(poolID, "AgentPool")
	}
	p, err := q.GetPool(ctx, orgID, poolID)
	if errors.Is(err, store.ErrNotFound) {
		return p, fault.Missing(poolID, "AgentPool")
	}
	return p, err
}

// CreatePool creates a pool (the admin API's stand-in for installing a first agent).
func (s *Service) CreatePool(ctx context.Context, orgID, name, agentType string) (store.Pool, error) {
	name, causes := checkName(name)
	if !ValidAgentType(agentType) {
		causes = append(causes, "type: must be one of "+strings.Join(AgentTypes, ", "))
	}
	if len(causes) > 0 {
		return store.Pool{}, fault.Invalidf("AgentPool", causes...)
	}
	p := store.Pool{ID: ids.New(ids.Pool), OrgID: orgID, Name: name, Type: agentType, CreatedAt: s.Clock.Now()}
	err := s.Store.CreatePool(ctx, p)
	if errors.Is(err, store.ErrConflict) {
		return p, fault.Invalidf("AgentPool", "name: a pool of type "+agentType+" named "+name+" already exists")
	}
	return p, err
}

// CreateAgent adds an agent to a pool as if it had just connected.
func (s *Service) CreateAgent(ctx context.Context, orgID, poolID, name, version string) (store.Agent, error) {
	p, err := s.Pool(ctx, s.Store, orgID, poolID)
	if err != nil {
		return store.Agent{}, err
	}
	name, causes := checkName(name)
	if !ValidVersion(version) {
		causes = append(causes, "version: must be a dotted version such as 3.20.0")
	}
	if len(causes) > 0 {
		return store.Agent{}, fault.Invalidf("Agent", causes...)
	}
	now := s.Clock.Now()
	a := store.Agent{ID: ids.New(ids.Agent), OrgID: orgID, PoolID: p.ID, Name: name, Type: p.Type, Version: version,
		Healthy: true, LastConnection: now, CreatedAt: now}
	err = s.Store.CreateAgent(ctx, a)
	if errors.Is(err, store.ErrConflict) {
		return a, fault.Invalidf("Agent", "name: the pool already has an agent named "+name)
	}
	return a, err
}

// CreateRegistrationToken returns a new token (shown once) admitting agents into a pool.
func (s *Service) CreateRegistrationToken(ctx context.Context, orgID, poolID string) (store.RegistrationToken, string, error) {
	p, err := s.Pool(ctx, s.Store, orgID, poolID)
	if err != nil {
		return store.RegistrationToken{}, "", err
	}
	secret := ids.Secret()
	t := store.RegistrationToken{ID: ids.New(ids.RegToken), OrgID: orgID, PoolID: p.ID, Hash: ids.Hash(secret), CreatedAt: s.Clock.Now()}
	return t, secret, s.Store.CreateRegistrationToken(ctx, t)
}

// ValidVersion accepts the dotted versions agents report and releases carry ("3.20.0"; two or
// three numbers of at most 9 digits, so that they compare as integers and stay short).
func ValidVersion(v string) bool {
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 9 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// checkName trims a pool or agent name and says what is wrong with it.
func checkName(name string) (string, []string) {
	name = strings.TrimSpace(name)
	var causes []string
	if name == "" {
		causes = append(causes, "name: must not be empty")
	}
	return name, append(causes, limits.Causes(limits.Check("name", name, limits.Name))...)
}
