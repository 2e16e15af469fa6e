package schedule

import (
	"fmt"
	"strings"
	"time"

	// Embedded zone data keeps timezone validation identical on hosts
	// (e.g. minimal containers) that ship without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/adhocore/gronx"
)

// Limits of the schedule fields.
const (
	MinDuration = 1           // minutes
	MaxDuration = 7 * 24 * 60 // minutes: one week
	MinDelay    = 0           // days
	MaxDelay    = 30          // days
)

// Field names reported in FieldError.Field; they follow the JSON path of the
// schedule inside an update job so API errors can point at the culprit.
const (
	FieldCron     = "schedule.cron"
	FieldTimezone = "schedule.timezone"
	FieldDuration = "schedule.duration"
	FieldDelay    = "schedule.delay"
)

// Schedule is the schedule of an agent update job.
type Schedule struct {
	Cron     string // 5-field cron, evaluated on the wall clock of Timezone
	Timezone string // IANA name; empty means UTC
	Duration int    // window length in minutes of elapsed time
	Delay    int    // days a release must age before its first window
}

// FieldError describes one invalid schedule field.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Validate reports every invalid field of s at once, in field order; it
// returns nil when s is valid.
func Validate(s Schedule) []*FieldError {
	var errs []*FieldError
	add := func(field, msg string) { errs = append(errs, &FieldError{Field: field, Message: msg}) }

	if msg := checkCron(s.Cron); msg != "" {
		add(FieldCron, msg)
	}
	if _, err := loadLocation(s.Timezone); err != nil {
		add(FieldTimezone, err.Error())
	}
	if s.Duration < MinDuration || s.Duration > MaxDuration {
		add(FieldDuration, fmt.Sprintf("must be between %d and %d minutes, got %d", MinDuration, MaxDuration, s.Duration))
	}
	if s.Delay < MinDelay || s.Delay > MaxDelay {
		add(FieldDelay, fmt.Sprintf("must be between %d and %d days, got %d", MinDelay, MaxDelay, s.Delay))
	}
	return errs
}

// checkCron returns why expr is unacceptable, or "" if it is fine.
func checkCron(expr string) string {
	fields := strings.Fields(expr)
	switch {
	case len(fields) == 0:
		return "must not be empty"
	case len(fields) != 5:
		// gronx would also take seconds/year fields and @tags; the contract
		// is the 5-field form only, so reject those before asking gronx.
		return fmt.Sprintf("must have 5 fields (minute hour day-of-month month day-of-week), got %d", len(fields))
	case !gronx.IsValid(expr):
		return fmt.Sprintf("%q is not a valid cron expression", expr)
	}
	return ""
}

// loadLocation resolves an IANA zone name; empty means UTC.
func loadLocation(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	// "Local" is accepted by time.LoadLocation but would make the schedule
	// depend on the server's configuration.
	if name == "Local" {
		return nil, fmt.Errorf("%q is not an IANA time zone name", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return loc, nil
}
