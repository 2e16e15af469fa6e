package sim

import (
	"strconv"
	"strings"

	"github.com/keyward/keyward/client"
)

// compareVersions orders dotted versions such as "3.20.0" and "3.9.1":
// numeric components compare as numbers, others as strings, and a version
// that is a prefix of another sorts first. It returns -1, 0 or +1.
func compareVersions(a, b string) int {
	as := strings.FieldsFunc(a, isVersionSep)
	bs := strings.FieldsFunc(b, isVersionSep)
	for i := 0; i < len(as) && i < len(bs); i++ {
		if c := compareComponent(as[i], bs[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(as) < len(bs):
		return -1
	case len(as) > len(bs):
		return 1
	}
	return strings.Compare(a, b)
}

func isVersionSep(r rune) bool { return r == '.' || r == '-' || r == '+' }

func compareComponent(a, b string) int {
	ai, aerr := strconv.ParseUint(a, 10, 64)
	bi, berr := strconv.ParseUint(b, 10, 64)
	switch {
	case aerr == nil && berr == nil:
		switch {
		case ai < bi:
			return -1
		case ai > bi:
			return 1
		}
		return 0
	case aerr == nil:
		return -1 // numbers sort before words
	case berr == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// lowestGA returns the lowest GA version among releases of agentType, or ""
// when there is none.
func lowestGA(releases []client.Release, agentType string) string {
	lowest := ""
	for _, r := range releases {
		if !strings.EqualFold(r.Channel, "GA") || (r.AgentType != "" && r.AgentType != agentType) || r.Version == "" {
			continue
		}
		if lowest == "" || compareVersions(r.Version, lowest) < 0 {
			lowest = r.Version
		}
	}
	return lowest
}
