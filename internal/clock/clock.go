// Package clock gives keyward one injectable notion of "now".
//
// Every time-dependent rule (update windows, heartbeat freshness, timeouts) reads a Clock passed in
// by the composition root. The real clock follows the machine; the virtual clock starts at the real
// time and moves only when told to, so a user can jump to the next update window.
package clock

import (
	"errors"
	"sync"
	"time"
)

// Clock tells the current time.
type Clock interface {
	Now() time.Time
}

// Real is the machine's clock.
type Real struct{}

// Now returns the current UTC time.
func (Real) Now() time.Time { return time.Now().UTC() }

// ErrBackwards is returned when a virtual clock would move into the past.
var ErrBackwards = errors.New("clock: the virtual clock cannot move backwards")

// Virtual is a clock that moves only through Set and Advance.
type Virtual struct {
	mu  sync.Mutex
	now time.Time
}

// NewVirtual returns a virtual clock standing at start.
func NewVirtual(start time.Time) *Virtual { return &Virtual{now: start.UTC()} }

// Now returns the virtual time.
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

// Set moves the clock to t, which must not be before the current virtual time.
func (v *Virtual) Set(t time.Time) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if t.Before(v.now) {
		return ErrBackwards
	}
	v.now = t.UTC()
	return nil
}

// Advance moves the clock forward by d (d must not be negative).
func (v *Virtual) Advance(d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, ErrBackwards
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.now = v.now.Add(d)
	return v.now, nil
}
