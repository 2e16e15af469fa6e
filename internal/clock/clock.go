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

// The virtual clock stays within [Earliest, Latest]. Beyond year 9999 a time has no RFC 3339 form,
// so nothing stamped with it (a release, a job's schedule) could be encoded again; Latest leaves
// a wide margin for times computed ahead of the clock.
var (
	Earliest = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	Latest   = time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// ErrOutOfRange is returned when a virtual clock would move outside [Earliest, Latest].
var ErrOutOfRange = errors.New("clock: the virtual clock must stay between " +
	Earliest.Format(time.RFC3339) + " and " + Latest.Format(time.RFC3339))

// CheckRange returns ErrOutOfRange for a time the virtual clock must not show.
func CheckRange(t time.Time) error {
	if t.Before(Earliest) || t.After(Latest) {
		return ErrOutOfRange
	}
	return nil
}

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

// Set moves the clock to t, which must not be before the current virtual time nor out of range.
func (v *Virtual) Set(t time.Time) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if t.Before(v.now) {
		return ErrBackwards
	}
	if err := CheckRange(t); err != nil {
		return err
	}
	v.now = t.UTC()
	return nil
}

// Advance moves the clock forward by d (d must not be negative, nor take the clock out of range).
func (v *Virtual) Advance(d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, ErrBackwards
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := CheckRange(v.now.Add(d)); err != nil {
		return v.now, err
	}
	v.now = v.now.Add(d)
	return v.now, nil
}
