package pam

import (
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/store"
)

// Service is the OPA domain over a store.
type Service struct {
	Store store.Store
	Clock clock.Clock
	// UserTokenTTL is how long a minted user bearer token lives (one hour when zero).
	UserTokenTTL time.Duration
	// EnrollmentKey derives enrollment-token secrets from token ids (enrollment.go).
	EnrollmentKey []byte
	// ServerStaleAfter is how long a server may be silent before it counts as stale (servers.go).
	ServerStaleAfter time.Duration
	// Box seals the shared accounts' passwords at rest (rotation.go).
	Box *secret.Box
	// Events records enrollments, checkouts, check-ins and rotations (events.go; nil: none).
	Events *events.Log
}

// newID returns a random (version 4) UUID, the form OPA's ids take.
func newID() string { return uuid.NewString() }

// missing maps the store's ErrNotFound to a NotFound fault naming id and typ.
func missing(err error, id, typ string) error {
	if errors.Is(err, store.ErrNotFound) {
		return fault.Missing(id, typ)
	}
	return err
}

// taken maps the store's ErrConflict to a Conflict fault saying the name is in use.
func taken(err error, typ, name, scope string) error {
	if errors.Is(err, store.ErrConflict) {
		return fault.Conflictf("a %s named %s already exists in the %s", typ, name, scope)
	}
	return err
}
