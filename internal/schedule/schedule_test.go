package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/adhocore/gronx"
)

func utc(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func valid(cron, tz string) Schedule {
	return Schedule{Cron: cron, Timezone: tz, Duration: 60, Delay: 0}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		s    Schedule
		want []string // fields reported, in order; nil means valid
	}{
		{"okta example", valid("0 8 ? * 6#3", "America/New_York"), nil},
		{"weekly by name", valid("0 3 * * MON", "Europe/Berlin"), nil},
		{"lower-case name", valid("0 1 * * thu", ""), nil},
		{"monthly", valid("0 0 1 * *", "UTC"), nil},
		{"last friday", valid("0 3 * * 5L", "Asia/Kolkata"), nil},
		{"ranges and steps", valid("*/15 9-17 * * MON-FRI", ""), nil},
		{"sunday as 7", valid("0 3 * * 7", ""), nil},
		{"last day of month", valid("0 0 L * *", ""), nil},
		{"extra whitespace", valid("  0  3 * *\tMON ", ""), nil},
		{"bounds", Schedule{Cron: "0 0 * * *", Duration: 1, Delay: 0}, nil},
		{"upper bounds", Schedule{Cron: "0 0 * * *", Duration: 10080, Delay: 30}, nil},

		{"empty cron", valid("", ""), []string{FieldCron}},
		{"blank cron", valid("   ", ""), []string{FieldCron}},
		{"four fields", valid("0 0 * *", ""), []string{FieldCron}},
		{"six fields (seconds)", valid("0 0 0 * * *", ""), []string{FieldCron}},
		{"six fields (year)", valid("0 0 * * * 2026", ""), []string{FieldCron}},
		{"seven fields", valid("0 0 0 * * * 2026", ""), []string{FieldCron}},
		{"tag", valid("@daily", ""), []string{FieldCron}},
		{"minute 60", valid("60 0 * * *", ""), []string{FieldCron}},
		{"hour 24", valid("0 24 * * *", ""), []string{FieldCron}},
		{"day 32", valid("0 0 32 * *", ""), []string{FieldCron}},
		{"month 13", valid("0 0 * 13 *", ""), []string{FieldCron}},
		{"weekday 8", valid("0 0 * * 8", ""), []string{FieldCron}},
		{"bad name", valid("0 0 * * FOO", ""), []string{FieldCron}},
		{"bad nth", valid("0 0 * * 6#x", ""), []string{FieldCron}},
		{"garbage", valid("a b c d e", ""), []string{FieldCron}},

		{"unknown zone", valid("0 0 * * *", "Mars/Olympus_Mons"), []string{FieldTimezone}},
		{"Local", valid("0 0 * * *", "Local"), []string{FieldTimezone}},
		{"padded zone", valid("0 0 * * *", " UTC"), []string{FieldTimezone}},
		{"path zone", valid("0 0 * * *", "../etc/passwd"), []string{FieldTimezone}},

		{"zero duration", Schedule{Cron: "0 0 * * *", Duration: 0}, []string{FieldDuration}},
		{"negative duration", Schedule{Cron: "0 0 * * *", Duration: -5}, []string{FieldDuration}},
		{"duration over a week", Schedule{Cron: "0 0 * * *", Duration: 10081}, []string{FieldDuration}},

		{"negative delay", Schedule{Cron: "0 0 * * *", Duration: 60, Delay: -1}, []string{FieldDelay}},
		{"delay 31", Schedule{Cron: "0 0 * * *", Duration: 60, Delay: 31}, []string{FieldDelay}},

		{"everything wrong", Schedule{Cron: "0 0 0 * * *", Timezone: "Nowhere/Else", Duration: 0, Delay: 99},
			[]string{FieldCron, FieldTimezone, FieldDuration, FieldDelay}},
		{"two wrong", Schedule{Cron: "", Timezone: "UTC", Duration: 60, Delay: -3},
			[]string{FieldCron, FieldDelay}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := Validate(tt.s)
			if tt.want == nil {
				if errs != nil {
					t.Fatalf("Validate(%+v) = %v, want nil", tt.s, errs)
				}
				return
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("Validate(%+v) = %v, want fields %v", tt.s, errs, tt.want)
			}
			for i, e := range errs {
				if e.Field != tt.want[i] || e.Message == "" {
					t.Errorf("error %d = %+v, want field %s with a message", i, e, tt.want[i])
				}
			}
		})
	}
}

func TestFieldErrorError(t *testing.T) {
	e := &FieldError{Field: FieldDelay, Message: "must be between 0 and 30 days, got 31"}
	if got, want := e.Error(), "schedule.delay: must be between 0 and 30 days, got 31"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func TestInvalidScheduleIsAnError(t *testing.T) {
	s := Schedule{Cron: "0 3 * * MON", Timezone: "Nowhere/Else", Duration: 60}
	now := utc(2026, 3, 9, 7, 0)
	_, _, err1 := WindowAt(s, now)
	_, err2 := NextWindow(s, now)
	_, _, err3 := EligibleWindow(s, now, now)
	_, err4 := NextEligibleWindow(s, now, now)
	for i, err := range []error{err1, err2, err3, err4} {
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != FieldTimezone {
			t.Errorf("call %d: err = %v, want a *FieldError for %s", i, err, FieldTimezone)
		}
	}
}

// checkWindow fails unless w starts at want, lasts exactly dur, and is in UTC.
func checkWindow(t *testing.T, w Window, want time.Time, dur time.Duration) {
	t.Helper()
	if !w.Start.Equal(want) {
		t.Errorf("Start = %s, want %s", w.Start.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
	}
	if got := w.End.Sub(w.Start); got != dur {
		t.Errorf("End-Start = %s, want %s", got, dur)
	}
	if w.Start.Location() != time.UTC || w.End.Location() != time.UTC {
		t.Errorf("window %v is not in UTC", w)
	}
}

func TestNextWindow(t *testing.T) {
	const ny = "America/New_York"
	monday := Schedule{Cron: "0 3 * * MON", Timezone: ny, Duration: 120}
	tests := []struct {
		name string
		s    Schedule
		from time.Time
		want time.Time
	}{
		// 2026-03-08 spring forward: 03:00 EST = 08:00Z, 03:00 EDT = 07:00Z.
		{"winter monday", monday, utc(2026, 3, 1, 0, 0), utc(2026, 3, 2, 8, 0)},
		{"at a start is not after it", monday, utc(2026, 3, 2, 8, 0), utc(2026, 3, 9, 7, 0)},
		{"day of the change", monday, utc(2026, 3, 8, 12, 0), utc(2026, 3, 9, 7, 0)},
		{"just before start", monday, utc(2026, 3, 9, 7, 0).Add(-time.Nanosecond), utc(2026, 3, 9, 7, 0)},
		{"just after start", monday, utc(2026, 3, 9, 7, 0).Add(time.Nanosecond), utc(2026, 3, 16, 7, 0)},
		// 2026-11-01 fall back: back to 08:00Z.
		{"summer monday", monday, utc(2026, 10, 20, 0, 0), utc(2026, 10, 26, 7, 0)},
		{"first monday after fall back", monday, utc(2026, 10, 26, 7, 0), utc(2026, 11, 2, 8, 0)},
		{"from the repeated hour", monday, utc(2026, 11, 1, 6, 30), utc(2026, 11, 2, 8, 0)},
		{"utc by default", Schedule{Cron: "0 1 * * THU", Duration: 30}, utc(2026, 3, 9, 0, 0), utc(2026, 3, 12, 1, 0)},
		{"monthly", Schedule{Cron: "0 0 1 * *", Duration: 30}, utc(2026, 1, 31, 23, 59), utc(2026, 2, 1, 0, 0)},
		// Nonexistent local time: no fire on 2026-03-08.
		{"gap skipped", Schedule{Cron: "30 2 * * *", Timezone: ny, Duration: 30}, utc(2026, 3, 7, 17, 0), utc(2026, 3, 9, 6, 30)},
		{"before gap", Schedule{Cron: "30 2 * * *", Timezone: ny, Duration: 30}, utc(2026, 3, 6, 17, 0), utc(2026, 3, 7, 7, 30)},
		// Repeated local time: both 01:30 EDT and 01:30 EST fire.
		{"ambiguous first", Schedule{Cron: "30 1 * * *", Timezone: ny, Duration: 30}, utc(2026, 10, 31, 12, 0), utc(2026, 11, 1, 5, 30)},
		{"ambiguous second", Schedule{Cron: "30 1 * * *", Timezone: ny, Duration: 30}, utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)},
		{"after ambiguous", Schedule{Cron: "30 1 * * *", Timezone: ny, Duration: 30}, utc(2026, 11, 1, 6, 30), utc(2026, 11, 2, 6, 30)},
		// Half-hour DST shift (Lord Howe: +11 in summer, +10:30 in winter;
		// winter starts 2026-04-05 02:00 local).
		{"half-hour zone", Schedule{Cron: "0 3 * * *", Timezone: "Australia/Lord_Howe", Duration: 30}, utc(2026, 4, 4, 16, 0), utc(2026, 4, 4, 16, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := NextWindow(tt.s, tt.from)
			if err != nil {
				t.Fatal(err)
			}
			checkWindow(t, w, tt.want, time.Duration(tt.s.Duration)*time.Minute)
		})
	}
}

func TestNextWindowSequences(t *testing.T) {
	tests := []struct {
		name string
		s    Schedule
		from time.Time
		want []time.Time
	}{
		{"third saturday utc", Schedule{Cron: "0 8 ? * 6#3", Duration: 240}, utc(2026, 1, 1, 0, 0),
			[]time.Time{utc(2026, 1, 17, 8, 0), utc(2026, 2, 21, 8, 0), utc(2026, 3, 21, 8, 0), utc(2026, 4, 18, 8, 0)}},
		// Berlin switches to CEST on 2026-03-29.
		{"third saturday berlin", Schedule{Cron: "0 8 ? * 6#3", Timezone: "Europe/Berlin", Duration: 240}, utc(2026, 2, 1, 0, 0),
			[]time.Time{utc(2026, 2, 21, 7, 0), utc(2026, 3, 21, 7, 0), utc(2026, 4, 18, 6, 0)}},
		{"last friday", Schedule{Cron: "0 3 * * 5L", Duration: 60}, utc(2026, 1, 1, 0, 0),
			[]time.Time{utc(2026, 1, 30, 3, 0), utc(2026, 2, 27, 3, 0), utc(2026, 3, 27, 3, 0), utc(2026, 4, 24, 3, 0)}},
		{"last friday new york", Schedule{Cron: "0 3 * * 5L", Timezone: "America/New_York", Duration: 60}, utc(2026, 2, 1, 0, 0),
			[]time.Time{utc(2026, 2, 27, 8, 0), utc(2026, 3, 27, 7, 0)}},
		{"monday across both changes", Schedule{Cron: "0 3 * * MON", Timezone: "America/New_York", Duration: 60}, utc(2026, 2, 28, 0, 0),
			[]time.Time{utc(2026, 3, 2, 8, 0), utc(2026, 3, 9, 7, 0), utc(2026, 3, 16, 7, 0)}},
		{"leap day", Schedule{Cron: "0 0 29 2 *", Duration: 60}, utc(2026, 3, 1, 0, 0),
			[]time.Time{utc(2028, 2, 29, 0, 0), utc(2032, 2, 29, 0, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := tt.from
			for _, want := range tt.want {
				w, err := NextWindow(tt.s, from)
				if err != nil {
					t.Fatal(err)
				}
				checkWindow(t, w, want, time.Duration(tt.s.Duration)*time.Minute)
				from = w.Start
			}
		})
	}
}

func TestWindowAt(t *testing.T) {
	const ny = "America/New_York"
	monday := Schedule{Cron: "0 3 * * MON", Timezone: ny, Duration: 60}
	hourly := Schedule{Cron: "0 * * * *", Duration: 90}
	weekLong := Schedule{Cron: "0 0 * * *", Duration: 10080}
	start := utc(2026, 3, 9, 7, 0) // Monday 03:00 EDT
	tests := []struct {
		name  string
		s     Schedule
		at    time.Time
		want  time.Time // zero: no window
		local string    // expected local End, when checked
	}{
		{"at start (inclusive)", monday, start, start, ""},
		{"inside", monday, start.Add(30 * time.Minute), start, ""},
		{"last instant", monday, start.Add(time.Hour - time.Nanosecond), start, ""},
		{"at end (exclusive)", monday, start.Add(time.Hour), time.Time{}, ""},
		{"just before", monday, start.Add(-time.Nanosecond), time.Time{}, ""},
		{"between fires", monday, utc(2026, 3, 12, 12, 0), time.Time{}, ""},
		{"winter 03:00 EST", monday, utc(2026, 3, 2, 8, 15), utc(2026, 3, 2, 8, 0), ""},
		{"winter 02:30 EST is no window", monday, utc(2026, 3, 2, 7, 30), time.Time{}, ""},
		{"summer", monday, utc(2026, 10, 26, 7, 10), utc(2026, 10, 26, 7, 0), ""},
		{"after fall back", monday, utc(2026, 11, 2, 8, 30), utc(2026, 11, 2, 8, 0), ""},
		{"after fall back 07:30Z is 02:30 EST", monday, utc(2026, 11, 2, 7, 30), time.Time{}, ""},
		// Overlapping windows: the latest fire wins.
		{"overlap latest wins", hourly, utc(2026, 5, 5, 10, 15), utc(2026, 5, 5, 10, 0), ""},
		{"overlap at start", hourly, utc(2026, 5, 5, 10, 0), utc(2026, 5, 5, 10, 0), ""},
		{"week-long daily window", weekLong, utc(2026, 5, 5, 12, 0), utc(2026, 5, 5, 0, 0), ""},
		// Windows spanning a DST change last real elapsed time.
		{"spans spring forward", Schedule{Cron: "30 0 * * SUN", Timezone: ny, Duration: 180},
			utc(2026, 3, 8, 8, 29), utc(2026, 3, 8, 5, 30), "04:30 EDT"},
		{"spans fall back", Schedule{Cron: "30 0 * * SUN", Timezone: ny, Duration: 180},
			utc(2026, 11, 1, 7, 29), utc(2026, 11, 1, 4, 30), "02:30 EST"},
		{"repeated hour, first", Schedule{Cron: "30 1 * * *", Timezone: ny, Duration: 60},
			utc(2026, 11, 1, 6, 15), utc(2026, 11, 1, 5, 30), ""},
		{"repeated hour, second wins", Schedule{Cron: "30 1 * * *", Timezone: ny, Duration: 120},
			utc(2026, 11, 1, 6, 45), utc(2026, 11, 1, 6, 30), ""},
		{"gap day falls back to previous day", Schedule{Cron: "30 2 * * *", Timezone: ny, Duration: 2880},
			utc(2026, 3, 9, 6, 0), utc(2026, 3, 7, 7, 30), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ok, err := WindowAt(tt.s, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.IsZero() {
				if ok {
					t.Fatalf("WindowAt(%s) = %v, want none", tt.at, w)
				}
				return
			}
			if !ok {
				t.Fatalf("WindowAt(%s) found no window, want start %s", tt.at, tt.want)
			}
			checkWindow(t, w, tt.want, time.Duration(tt.s.Duration)*time.Minute)
			if tt.local != "" {
				if got := w.End.In(mustLoc(t, tt.s.Timezone)).Format("15:04 MST"); got != tt.local {
					t.Errorf("local End = %s, want %s", got, tt.local)
				}
			}
		})
	}
}

// TestFiresAreConsistent walks fires forward through both 2026 DST changes
// and checks that WindowAt agrees with NextWindow on every one of them and
// that each fire shows a matching wall clock.
func TestFiresAreConsistent(t *testing.T) {
	crons := []string{"30 1 * * *", "30 2 * * *", "*/20 1-3 * * *", "0 3 * * MON", "15 * * * *", "0 8 ? * 6#3"}
	zones := []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", ""}
	periods := []time.Time{utc(2026, 3, 7, 0, 0), utc(2026, 3, 28, 0, 0), utc(2026, 4, 3, 0, 0), utc(2026, 10, 24, 0, 0), utc(2026, 10, 31, 0, 0)}
	for _, zone := range zones {
		for _, cron := range crons {
			s := Schedule{Cron: cron, Timezone: zone, Duration: 10080}
			loc := mustLoc(t, zone)
			for _, from := range periods {
				prev, err := NextWindow(s, from)
				if err != nil {
					t.Fatalf("%s %q: %v", zone, cron, err)
				}
				for range 60 {
					next, err := NextWindow(s, prev.Start)
					if err != nil {
						t.Fatalf("%s %q: %v", zone, cron, err)
					}
					if due, _ := gronx.New().IsDue(cron, next.Start.In(loc)); !due || !next.Start.After(prev.Start) {
						t.Fatalf("%s %q: fire %s after %s does not match", zone, cron, next.Start.In(loc), prev.Start)
					}
					// Just before a fire the previous window is the only
					// candidate; a week-long weekly window can end an hour
					// early when the fall-back change lies in between.
					before := next.Start.Add(-time.Nanosecond)
					for _, c := range []struct {
						at     time.Time
						want   Window
						wantOK bool
					}{{before, prev, prev.Contains(before)}, {next.Start, next, true}} {
						w, ok, err := WindowAt(s, c.at)
						if err != nil || ok != c.wantOK || (ok && !w.Start.Equal(c.want.Start)) {
							t.Fatalf("%s %q: WindowAt(%s) = %v %v %v, want %v %v", zone, cron, c.at, w, ok, err, c.want, c.wantOK)
						}
					}
					prev = next
				}
			}
		}
	}
}

func TestEligibleWindow(t *testing.T) {
	week := Schedule{Cron: "0 3 * * MON", Timezone: "America/New_York", Duration: 60, Delay: 7}
	noDelay := week
	noDelay.Delay = 0
	first, second := utc(2026, 3, 9, 7, 0), utc(2026, 3, 16, 7, 0)
	release := utc(2026, 3, 9, 6, 0) // Monday 02:00 EDT, an hour before a window
	tests := []struct {
		name    string
		s       Schedule
		at, rel time.Time
		want    time.Time // zero: not eligible
	}{
		{"window too soon after release", week, first.Add(30 * time.Minute), release, time.Time{}},
		{"delay pushes to next week", week, second.Add(30 * time.Minute), release, second},
		{"window closed", week, second.Add(time.Hour), release, time.Time{}},
		{"start exactly release+delay", week, second, first, second},
		{"start one ns short of release+delay", week, second, first.Add(time.Nanosecond), time.Time{}},
		{"no delay", noDelay, first.Add(30 * time.Minute), release, first},
		{"released during the window", noDelay, first.Add(30 * time.Minute), first.Add(10 * time.Minute), time.Time{}},
		{"released at window start", noDelay, first.Add(30 * time.Minute), first, first},
		{"no window open", noDelay, first.Add(-time.Minute), release, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ok, err := EligibleWindow(tt.s, tt.at, tt.rel)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.IsZero() {
				if ok {
					t.Fatalf("EligibleWindow = %v, want none", w)
				}
				return
			}
			if !ok {
				t.Fatalf("EligibleWindow found none, want start %s", tt.want)
			}
			checkWindow(t, w, tt.want, time.Hour)
		})
	}
}

func TestNextEligibleWindow(t *testing.T) {
	week := Schedule{Cron: "0 3 * * MON", Timezone: "America/New_York", Duration: 60, Delay: 7}
	noDelay, maxDelay := week, week
	noDelay.Delay, maxDelay.Delay = 0, 30
	release := utc(2026, 3, 9, 6, 0)
	leap := Schedule{Cron: "0 0 29 2 *", Duration: 60}
	tests := []struct {
		name string
		s    Schedule
		from time.Time
		rel  time.Time
		want time.Time // zero: ErrNoWindow expected
	}{
		{"delay skips the first window", week, release, release, utc(2026, 3, 16, 7, 0)},
		{"no delay", noDelay, release, release, utc(2026, 3, 9, 7, 0)},
		{"start may equal release+delay", week, utc(2026, 3, 9, 7, 0), utc(2026, 3, 9, 7, 0), utc(2026, 3, 16, 7, 0)},
		{"strictly after from", week, utc(2026, 3, 16, 7, 0), utc(2026, 3, 9, 7, 0), utc(2026, 3, 23, 7, 0)},
		{"old release", week, utc(2026, 10, 27, 0, 0), utc(2025, 1, 1, 0, 0), utc(2026, 11, 2, 8, 0)},
		// 2026-03-09 06:00Z + 30 days = 2026-04-08 06:00Z, a Wednesday.
		{"thirty days", maxDelay, release, release, utc(2026, 4, 13, 7, 0)},
		{"rare but within horizon", leap, utc(2026, 3, 1, 0, 0), utc(2026, 3, 1, 0, 0), utc(2028, 2, 29, 0, 0)},
		{"beyond horizon", leap, utc(2028, 3, 1, 0, 0), utc(2028, 3, 1, 0, 0), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := NextEligibleWindow(tt.s, tt.from, tt.rel)
			if tt.want.IsZero() {
				if !errors.Is(err, ErrNoWindow) {
					t.Fatalf("NextEligibleWindow = %v, %v; want ErrNoWindow", w, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkWindow(t, w, tt.want, time.Hour)
		})
	}
	// The horizon limits only the eligible search, not NextWindow.
	if w, err := NextWindow(leap, utc(2028, 3, 1, 0, 0)); err != nil || !w.Start.Equal(utc(2032, 2, 29, 0, 0)) {
		t.Fatalf("NextWindow(leap) = %v, %v; want 2032-02-29", w, err)
	}
}

func TestNeverFires(t *testing.T) {
	for _, cron := range []string{"0 0 30 2 *", "0 0 31 4 *", "0 0 31 2,4,6,9,11 *"} {
		t.Run(cron, func(t *testing.T) {
			s := Schedule{Cron: cron, Timezone: "America/New_York", Duration: 60, Delay: 1}
			if errs := Validate(s); errs != nil {
				t.Fatalf("Validate = %v; the expression is well-formed", errs)
			}
			at := utc(2026, 6, 1, 0, 0)
			begin := time.Now()
			_, ok1, err1 := WindowAt(s, at)
			_, err2 := NextWindow(s, at)
			_, ok3, err3 := EligibleWindow(s, at, at)
			_, err4 := NextEligibleWindow(s, at, at)
			if ok1 || ok3 {
				t.Error("a window was reported open")
			}
			for i, err := range []error{err1, err2, err3, err4} {
				if !errors.Is(err, ErrNoWindow) || !strings.Contains(err.Error(), cron) {
					t.Errorf("call %d: err = %v, want ErrNoWindow naming %q", i, err, cron)
				}
			}
			if d := time.Since(begin); d > 5*time.Second {
				t.Errorf("searches took %s", d)
			}
		})
	}
}
