package agentpool

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/semver"

	"github.com/keyward/keyward/internal/store"
)

// minimalSupported is the oldest version of each agent type that can auto-update; older agents
// must be upgraded by hand (Okta documents 5.16.0 for the LDAP agent).
var minimalSupported = map[string]string{
	"AD": "3.10.0", "IWA": "1.13.0", "LDAP": "5.16.0", "MFA": "1.4.0", "OPP": "2.0.0", "RUM": "1.0.0", "Radius": "2.17.0",
}

// MinimalSupportedVersion is the oldest version of agentType that supports auto-update.
func MinimalSupportedVersion(agentType string) string { return minimalSupported[agentType] }

// DefaultReleases is the built-in catalog written on first start: for each agent type, three GA
// versions a month apart ending a week ago, and one newer EA and BETA version.
func DefaultReleases(now time.Time) []store.Release {
	base := map[string][3]int{
		"AD": {3, 20, 0}, "IWA": {1, 13, 0}, "LDAP": {5, 20, 0}, "MFA": {1, 4, 0}, "OPP": {2, 1, 0}, "RUM": {1, 2, 0}, "Radius": {2, 17, 0},
	}
	var out []store.Release
	for _, t := range AgentTypes {
		v := base[t]
		for i := 0; i < 3; i++ {
			out = append(out, store.Release{AgentType: t, Channel: "GA", Version: version(v[0], v[1]+i, v[2]),
				ReleasedAt: now.AddDate(0, 0, -7-30*(2-i))})
		}
		out = append(out,
			store.Release{AgentType: t, Channel: "EA", Version: version(v[0], v[1]+3, 0), ReleasedAt: now.AddDate(0, 0, -3)},
			store.Release{AgentType: t, Channel: "BETA", Version: version(v[0], v[1]+4, 0), ReleasedAt: now.AddDate(0, 0, -1)})
	}
	return out
}

func version(major, minor, patch int) string {
	return strconv.Itoa(major) + "." + strconv.Itoa(minor) + "." + strconv.Itoa(patch)
}

// CompareVersions orders dotted versions numerically ("3.9.0" < "3.10.0").
func CompareVersions(a, b string) int {
	return semver.Compare("v"+strings.TrimPrefix(a, "v"), "v"+strings.TrimPrefix(b, "v"))
}

// channelIncludes says which releases a channel sees: each channel also gets everything of the
// more stable channels (EA agents may take GA releases, and so on).
var channelIncludes = map[string][]string{
	"GA": {"GA"}, "EA": {"GA", "EA"}, "BETA": {"GA", "EA", "BETA"}, "TEST": {"GA", "EA", "BETA", "TEST"},
}

// Catalog is the releases of one agent type.
type Catalog []store.Release

// LoadCatalog reads the releases of agentType.
func LoadCatalog(ctx context.Context, q store.Releases, agentType string) (Catalog, error) {
	r, err := q.ListReleases(ctx, agentType)
	return Catalog(r), err
}

// Latest returns the newest release visible on channel, published no later than now.
func (c Catalog) Latest(channel string, now time.Time) (store.Release, bool) {
	var best store.Release
	found := false
	for _, r := range c {
		if !slices.Contains(channelIncludes[channel], r.Channel) || r.ReleasedAt.After(now) {
			continue
		}
		if !found || CompareVersions(r.Version, best.Version) > 0 {
			best, found = r, true
		}
	}
	return best, found
}

// Find returns the release of version, on any channel.
func (c Catalog) Find(version string) (store.Release, bool) {
	for _, r := range c {
		if r.Version == version {
			return r, true
		}
	}
	return store.Release{}, false
}
