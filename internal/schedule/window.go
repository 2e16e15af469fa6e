package schedule

import (
	"fmt"
	"time"
)

// searchHorizon bounds NextEligibleWindow; a schedule whose next eligible
// window is further away than this is treated as having none.
const searchHorizon = 2 * 366 * 24 * time.Hour

// Window is one update window. End = Start + Duration; both are in UTC.
type Window struct {
	Start, End time.Time
}

// Contains reports whether t lies in [Start, End).
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.Start) && t.Before(w.End)
}

func (c compiled) window(start time.Time) Window {
	return Window{Start: start, End: start.Add(c.duration)}
}

// WindowAt returns the window containing t (Start <= t < End), if any.
// When windows overlap the one opened by the latest fire wins.
func WindowAt(s Schedule, t time.Time) (Window, bool, error) {
	c, err := compile(s)
	if err != nil {
		return Window{}, false, err
	}
	return c.windowAt(t)
}

func (c compiled) windowAt(t time.Time) (Window, bool, error) {
	// A window opened by an earlier fire ends no later than the latest
	// fire's window, so only the latest fire at or before t can contain t.
	f, err := c.prevFire(t)
	if err != nil {
		return Window{}, false, err
	}
	w := c.window(f)
	if !w.Contains(t) {
		return Window{}, false, nil
	}
	return w, true, nil
}

// NextWindow returns the first window whose Start is strictly after t.
func NextWindow(s Schedule, t time.Time) (Window, error) {
	c, err := compile(s)
	if err != nil {
		return Window{}, err
	}
	f, err := c.nextFire(t)
	if err != nil {
		return Window{}, err
	}
	return c.window(f), nil
}

// EligibleWindow returns the window containing t if one is open and its
// Start is at least Delay days after releasedAt, else false.
func EligibleWindow(s Schedule, t, releasedAt time.Time) (Window, bool, error) {
	c, err := compile(s)
	if err != nil {
		return Window{}, false, err
	}
	w, ok, err := c.windowAt(t)
	if err != nil || !ok {
		return Window{}, false, err
	}
	// Only the containing window counts: an overlapping window opened
	// earlier started even sooner, so it cannot be eligible either.
	if w.Start.Before(releasedAt.Add(c.delay)) {
		return Window{}, false, nil
	}
	return w, true, nil
}

// NextEligibleWindow returns the first window starting strictly after t
// whose Start is >= releasedAt + Delay days. It searches up to about two
// years past the later of t and releasedAt + Delay and wraps ErrNoWindow if
// nothing qualifies.
func NextEligibleWindow(s Schedule, t, releasedAt time.Time) (Window, error) {
	c, err := compile(s)
	if err != nil {
		return Window{}, err
	}
	from := t
	if earliest := releasedAt.Add(c.delay); earliest.After(t) {
		// Starting the search just before earliest admits a fire exactly at
		// earliest and skips the windows that are too early in one step.
		from = earliest.Add(-time.Nanosecond)
	}
	f, err := c.nextFire(from)
	if err != nil {
		return Window{}, err
	}
	if f.Sub(from) > searchHorizon {
		return Window{}, fmt.Errorf("%w: next eligible window of %q starts %s, beyond the search horizon",
			ErrNoWindow, c.expr, f.Format(time.RFC3339))
	}
	return c.window(f), nil
}
