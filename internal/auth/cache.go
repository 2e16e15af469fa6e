package auth

import (
	"sync"
	"time"
)

// Verified API tokens are remembered briefly so that a request does not read the store for the
// credential it presented a moment ago, and so that a caller over its rate limit is refused
// without touching the store at all (the router asks Known before authenticating).
//
// Bounds: an entry lives credentialTTL; a token revoked through this process is forgotten at
// once (ForgetCredentials); another process sharing the database sees a revocation within
// credentialTTL. The cache holds at most maxCachedCredentials entries.
const (
	credentialTTL        = time.Second
	maxCachedCredentials = 10_000
)

type credentialCache struct {
	mu      sync.Mutex
	entries map[string]cachedCredential // by credential hash
}

type cachedCredential struct {
	p       Principal
	expires time.Time
}

func (c *credentialCache) get(hash string, now time.Time) (Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || !now.Before(e.expires) {
		return Principal{}, false
	}
	return e.p, true
}

func (c *credentialCache) put(hash string, p Principal, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cachedCredential{}
	}
	if len(c.entries) >= maxCachedCredentials {
		for h, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, h)
			}
		}
		if len(c.entries) >= maxCachedCredentials {
			clear(c.entries)
		}
	}
	c.entries[hash] = cachedCredential{p: p, expires: now.Add(credentialTTL)}
}

func (c *credentialCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
}

// ForgetCredentials drops every remembered credential: whatever revokes or deletes an API token
// or an org calls it, so that this process refuses the token from the next request on.
func (s *Service) ForgetCredentials() { s.tokens.clear() }
