package eventsapi

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/keyward/keyward/internal/httpapi/wire"
)

// Default bounds on open streams. A stream lives as long as its client wants, so once begun it
// gives back its slot among the requests served at once (those would run out); streams are
// bounded here instead: in all, and per org, so that one org's admins cannot hold every stream.
const (
	DefaultMaxStreams       = 64
	DefaultMaxStreamsPerOrg = 8
)

// streamSlots counts the open streams, in all and per org.
type streamSlots struct {
	mu     sync.Mutex
	total  int
	perOrg map[string]int
}

// take claims a stream for org within the bounds; false when either is reached.
func (s *streamSlots) take(org string, maxTotal, maxPerOrg int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.total >= maxTotal || s.perOrg[org] >= maxPerOrg {
		return false
	}
	if s.perOrg == nil {
		s.perOrg = map[string]int{}
	}
	s.total++
	s.perOrg[org]++
	return true
}

// give returns a stream taken for org.
func (s *streamSlots) give(org string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total--
	if s.perOrg[org]--; s.perOrg[org] <= 0 {
		delete(s.perOrg, org)
	}
}

// tooManyStreams is the answer to a stream over the bounds: 429 in Okta's format, with
// Retry-After, so that a client backs off and reconnects.
func tooManyStreams(maxPerOrg int) *wire.Error {
	return &wire.Error{Status: http.StatusTooManyRequests, Code: wire.CodeRateLimit,
		Summary: "Too many event streams are open (at most " + strconv.Itoa(maxPerOrg) +
			" per org); close one or retry later",
		Header: http.Header{"Retry-After": {"5"}}}
}
