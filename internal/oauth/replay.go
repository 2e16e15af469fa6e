package oauth

import (
	"context"
	"sync"
	"time"
)

// Replay remembers client assertion jti values until they expire. Seen
// records jti for clientID until expires and reports whether it was already
// recorded, in which case the assertion is rejected.
type Replay interface {
	Seen(ctx context.Context, clientID, jti string, expires time.Time) (bool, error)
}

// MemoryReplay is an in-process Replay. The zero value is ready to use.
type MemoryReplay struct {
	// Now is the clock used to forget expired entries; nil means time.Now.
	Now func() time.Time

	mu   sync.Mutex
	seen map[replayKey]time.Time
	next time.Time // earliest expiry in seen
}

type replayKey struct{ clientID, jti string }

// NewMemoryReplay returns an empty MemoryReplay.
func NewMemoryReplay() *MemoryReplay { return &MemoryReplay{} }

// Seen implements Replay.
func (m *MemoryReplay) Seen(_ context.Context, clientID, jti string, expires time.Time) (bool, error) {
	now := time.Now()
	if m.Now != nil {
		now = m.Now()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = make(map[replayKey]time.Time)
	}
	if len(m.seen) > 0 && !now.Before(m.next) {
		m.prune(now)
	}
	k := replayKey{clientID, jti}
	if exp, ok := m.seen[k]; ok && now.Before(exp) {
		return true, nil
	}
	m.seen[k] = expires
	if len(m.seen) == 1 || expires.Before(m.next) {
		m.next = expires
	}
	return false, nil
}

// Len returns the number of remembered jti values.
func (m *MemoryReplay) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.seen)
}

func (m *MemoryReplay) prune(now time.Time) {
	m.next = time.Time{}
	for k, exp := range m.seen {
		if !now.Before(exp) {
			delete(m.seen, k)
			continue
		}
		if m.next.IsZero() || exp.Before(m.next) {
			m.next = exp
		}
	}
}
