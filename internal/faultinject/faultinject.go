// Package faultinject holds the fault rules an admin sets to make keyward misbehave on purpose:
// answer late, fail with a status, refuse with a rate limit, or drop the connection, on chosen
// routes of one org or OPA team, with a probability and for a number of requests. Rules live in
// the memory of the process that was told (bounded: MaxRules in all, MaxPerScope per org or
// team); the router applies them (internal/httpapi/faults.go).
package faultinject

import (
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/keyward/keyward/internal/ids"
)

// Bounds on the rules one process holds.
const (
	MaxRules    = 1000
	MaxPerScope = 100
)

// Actions a rule takes.
const (
	ActionLatency   = "latency"   // answer late (then normally)
	ActionError     = "error"     // answer Status with the API's own error body
	ActionRateLimit = "rateLimit" // answer 429 with the API's rate-limit headers
	ActionDrop      = "drop"      // close the connection without an answer
)

// ErrFull is returned when a scope, the rules one org made, or the process holds as many rules
// as it may.
var ErrFull = errors.New("faultinject: too many fault rules")

// Rule is one fault rule.
type Rule struct {
	ID string
	// Scope: an org's requests (Org, an org id) or an OPA team's (Team, a team id, and its name).
	Org, Team, TeamName string
	// By is the org whose admin made the rule: at most MaxPerScope rules are made by one org,
	// whatever their scopes, so that one org cannot take every rule the process may hold.
	By string
	// Which routes: Route is a route table pattern with or without its method ("GET
	// /api/v1/agentPools" or "/api/v1/agentPools"); Operation a route's operationId. Empty
	// matches any; both set must both match.
	Route, Operation string
	Action           string
	Status           int // ActionError's status
	// Latency delays the answer by Latency, or by a random duration up to LatencyMax when that
	// is longer. Any action may carry one; ActionLatency only has one.
	Latency, LatencyMax time.Duration
	Probability         float64 // of applying to a matching request; 1 is always
	Count               int     // how many requests it applies to; 0 is unlimited
	Remaining           int     // of Count
	Hits                int     // requests it applied to
	CreatedAt           time.Time
}

// Delay is how long the rule delays this request.
func (r Rule) Delay() time.Duration {
	if r.LatencyMax > r.Latency {
		return r.Latency + rand.N(r.LatencyMax-r.Latency+1)
	}
	return r.Latency
}

func (r Rule) matches(org, team, method, pattern, operation string) bool {
	switch {
	case r.Org != "" && r.Org != org, r.Team != "" && r.Team != team:
		return false
	case r.Count > 0 && r.Remaining == 0:
		return false
	case r.Operation != "" && r.Operation != operation:
		return false
	case r.Route != "" && r.Route != pattern && r.Route != method+" "+pattern:
		return false
	}
	return true
}

// Rules is one process's fault rules, in the order they were added.
type Rules struct {
	mu    sync.Mutex
	rules []*Rule
	count atomic.Int64   // len(rules), read without the lock so that requests pass untouched when there are none
	roll  func() float64 // in [0, 1)
	hits  *prometheus.CounterVec
}

// New returns an empty rule set.
func New() *Rules {
	return &Rules{roll: rand.Float64, hits: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "keyward_faults_injected_total",
		Help: "Requests a fault rule applied to, by action.",
	}, []string{"action"})}
}

// Collector is the rules' metric, keyward_faults_injected_total.
func (rs *Rules) Collector() prometheus.Collector { return rs.hits }

// Add stores r (its ID, Remaining and Hits are set here) and returns it as stored.
func (rs *Rules) Add(r Rule, now time.Time) (Rule, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if len(rs.rules) >= MaxRules {
		return Rule{}, ErrFull
	}
	n, by := 0, 0
	for _, x := range rs.rules {
		if x.Org == r.Org && x.Team == r.Team {
			n++
		}
		if r.By != "" && x.By == r.By {
			by++
		}
	}
	if n >= MaxPerScope || by >= MaxPerScope {
		return Rule{}, ErrFull
	}
	r.ID, r.Remaining, r.Hits, r.CreatedAt = ids.New("flt"), r.Count, 0, now
	rs.rules = append(rs.rules, &r)
	rs.count.Store(int64(len(rs.rules)))
	return r, nil
}

// List returns the rules visible returns true for, oldest first.
func (rs *Rules) List(visible func(Rule) bool) []Rule {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	out := []Rule{}
	for _, r := range rs.rules {
		if visible(*r) {
			out = append(out, *r)
		}
	}
	return out
}

// Delete removes the rule id if visible returns true for it, and reports whether it did.
func (rs *Rules) Delete(id string, visible func(Rule) bool) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for i, r := range rs.rules {
		if r.ID == id && visible(*r) {
			rs.rules = append(rs.rules[:i], rs.rules[i+1:]...)
			rs.count.Store(int64(len(rs.rules)))
			return true
		}
	}
	return false
}

// Apply finds the first rule matching a request of org or team (ids) to the route and, when its
// probability lets it, counts the request against it and returns it.
func (rs *Rules) Apply(org, team, method, pattern, operation string) (Rule, bool) {
	if rs == nil || rs.count.Load() == 0 {
		return Rule{}, false
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, r := range rs.rules {
		if !r.matches(org, team, method, pattern, operation) {
			continue
		}
		if r.Probability < 1 && rs.roll() >= r.Probability {
			return Rule{}, false
		}
		if r.Count > 0 {
			r.Remaining--
		}
		r.Hits++
		rs.hits.WithLabelValues(r.Action).Inc()
		return *r, true
	}
	return Rule{}, false
}
