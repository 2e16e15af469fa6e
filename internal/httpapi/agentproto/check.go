package agentproto

import (
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/limits"
)

// The request decoder has already refused NUL, invalid UTF-8 and over-long text in every field
// (package limits); these checks say what each field must hold besides.

func checkName(name string) []string {
	if name == "" {
		return []string{"name: is required"}
	}
	return limits.Causes(limits.Check("name", name, limits.Name))
}

// checkVersion accepts the dotted versions agents report ("3.20.0"), the same form the admin API
// accepts for agents and releases.
func checkVersion(v string) []string {
	switch {
	case v == "":
		return []string{"version: is required"}
	case !agentpool.ValidVersion(v):
		return []string{"version: must be a dotted version such as 3.20.0"}
	}
	return nil
}

func checkMessage(m string) []string {
	return limits.Causes(limits.Check("message", m, limits.Message))
}

// seconds rounds an interval up to whole seconds, at least one: agents count in seconds.
func seconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}
