package schedule

import (
	"errors"
	"fmt"
	"time"

	"github.com/adhocore/gronx"
)

// ErrNoWindow reports that no (eligible) window could be found: the cron
// never fires (e.g. "0 0 30 2 *") or the search horizon was exhausted.
var ErrNoWindow = errors.New("schedule: no window found")

// maxZoneHops bounds how many UTC-offset periods of the time zone one fire
// search may cross (two per year in DST zones); it guarantees termination
// even if every period pushes the candidate past its own end.
const maxZoneHops = 64

// compiled is a validated schedule ready for evaluation.
type compiled struct {
	expr     string
	loc      *time.Location
	duration time.Duration
	delay    time.Duration
}

func compile(s Schedule) (compiled, error) {
	if errs := Validate(s); errs != nil {
		joined := make([]error, len(errs))
		for i, e := range errs {
			joined[i] = e
		}
		return compiled{}, fmt.Errorf("schedule: invalid: %w", errors.Join(joined...))
	}
	loc, _ := loadLocation(s.Timezone)
	return compiled{
		expr:     s.Cron,
		loc:      loc,
		duration: time.Duration(s.Duration) * time.Minute,
		// Days are 24 hours of elapsed time, independent of DST.
		delay: time.Duration(s.Delay) * 24 * time.Hour,
	}, nil
}

// fixedZone returns the zone in force at t and the bounds of the period in
// which that UTC offset applies (zero bounds mean unbounded).
//
// Searching inside one period with a fixed-offset zone keeps gronx away from
// DST transitions, whose handling in gronx depends on where a search starts.
// Within the period the fixed zone shows exactly the real wall clock, so the
// fires found are exactly the instants at which the wall clock matches.
func (c compiled) fixedZone(t time.Time) (*time.Location, time.Time, time.Time) {
	tl := t.In(c.loc)
	name, offset := tl.Zone()
	start, end := tl.ZoneBounds()
	return time.FixedZone(name, offset), start, end
}

// nextFire returns the first fire strictly after t.
func (c compiled) nextFire(t time.Time) (time.Time, error) {
	from, incl := t, false
	for range maxZoneHops {
		zone, _, end := c.fixedZone(from)
		f, err := gronx.NextTickAfter(c.expr, from.In(zone), incl)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: %q never fires after %s: %v", ErrNoWindow, c.expr, t.UTC().Format(time.RFC3339), err)
		}
		if !f.After(t) {
			return time.Time{}, fmt.Errorf("schedule: cron search for %q went backwards from %s", c.expr, t.UTC().Format(time.RFC3339))
		}
		if end.IsZero() || f.Before(end) {
			return f.UTC(), nil
		}
		// The candidate belongs to a later offset period, where the wall
		// clock reads differently: search again from that period's start.
		from, incl = end, true
	}
	return time.Time{}, fmt.Errorf("%w: %q does not fire within %d time zone changes after %s", ErrNoWindow, c.expr, maxZoneHops, t.UTC().Format(time.RFC3339))
}

// prevFire returns the latest fire at or before t.
func (c compiled) prevFire(t time.Time) (time.Time, error) {
	from := t
	for range maxZoneHops {
		zone, start, _ := c.fixedZone(from)
		f, err := gronx.PrevTickBefore(c.expr, from.In(zone), true)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: %q never fires before %s: %v", ErrNoWindow, c.expr, t.UTC().Format(time.RFC3339), err)
		}
		if f.After(t) {
			return time.Time{}, fmt.Errorf("schedule: cron search for %q went forwards from %s", c.expr, t.UTC().Format(time.RFC3339))
		}
		if start.IsZero() || !f.Before(start) {
			return f.UTC(), nil
		}
		// Continue in the previous offset period, from its last instant.
		from = start.Add(-time.Nanosecond)
	}
	return time.Time{}, fmt.Errorf("%w: %q does not fire within %d time zone changes before %s", ErrNoWindow, c.expr, maxZoneHops, t.UTC().Format(time.RFC3339))
}
