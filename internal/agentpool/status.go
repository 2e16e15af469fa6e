package agentpool

import (
	"time"

	"github.com/keyward/keyward/internal/store"
)

// Thresholds turn heartbeat age into an operational status.
type Thresholds struct {
	Disrupted time.Duration // silent longer than this: DISRUPTED
	Inactive  time.Duration // silent longer than this: INACTIVE
}

// AgentStatus derives an agent's operationalStatus at now: deactivated or long silent agents are
// INACTIVE; agents silent past the disrupted threshold are DISRUPTED; connected agents that
// report a problem are DEGRADED; the rest are OPERATIONAL.
func AgentStatus(a store.Agent, now time.Time, th Thresholds) string {
	age := now.Sub(a.LastConnection)
	switch {
	case a.Deactivated || a.LastConnection.IsZero() || age > th.Inactive:
		return Inactive
	case age > th.Disrupted:
		return Disrupted
	case !a.Healthy:
		return Degraded
	}
	return Operational
}

// Counts are a pool's agents by operational status.
type Counts struct {
	Operational, Degraded, Disrupted, Inactive int
}

// Add counts one agent status.
func (c *Counts) Add(status string) {
	switch status {
	case Operational:
		c.Operational++
	case Degraded:
		c.Degraded++
	case Disrupted:
		c.Disrupted++
	default:
		c.Inactive++
	}
}

// PoolStatus derives a pool's operationalStatus from its agents, ignoring inactive ones: all
// operational → OPERATIONAL, none → DISRUPTED, some → DEGRADED; a pool whose agents are all
// inactive (or that has none) is INACTIVE.
func (c Counts) PoolStatus() string {
	active := c.Operational + c.Degraded + c.Disrupted
	switch {
	case active == 0:
		return Inactive
	case c.Operational == active:
		return Operational
	case c.Operational == 0:
		return Disrupted
	}
	return Degraded
}
