// Package schedule validates the schedules of agent update jobs
// ({cron, timezone, duration, delay} in Okta's Agent Pools API) and computes
// the update windows they define. It owns the meaning of a schedule; callers
// store and transport schedules but ask this package when a window is open.
//
// # Semantics
//
// Cron is a 5-field expression "minute hour day-of-month month day-of-week"
// evaluated by github.com/adhocore/gronx: Unix day numbering 0-7 (0 and 7
// are Sunday), names such as MON or JAN, "?" in the day fields, "L" and the
// "n#k" (k-th weekday n of the month) and "nL" (last weekday n) forms, e.g.
// "0 8 ? * 6#3" (third Saturday, 08:00) or "0 3 * * 5L" (last Friday, 03:00).
// Expressions with seconds or year fields, @tags and empty strings are
// rejected. When both day fields are restricted, gronx matches a day that
// satisfies either of them, as standard cron does.
//
// Timezone is an IANA zone name; empty means UTC. "Local" is rejected because
// it would tie a job to the server's configuration.
//
// Each fire of the cron, read on the wall clock of Timezone, opens a window
// [Start, Start+Duration) of Duration minutes of elapsed time (1..10080, at
// most one week). A window may outlast the gap to the next fire, so windows
// can overlap; the window containing an instant is the one opened by the
// latest fire at or before it. Windows are returned in UTC.
//
// Delay is 0..30 days of 24 hours each: a release published at R may only be
// rolled out in windows whose Start is at or after R + Delay*24h.
//
// # Daylight saving time
//
// A fire happens at every instant at which the local wall clock shows a
// matching minute, so "0 3 * * MON" in America/New_York opens at 03:00 local
// on every Monday: 08:00Z in winter and 07:00Z in summer. Duration is
// measured in elapsed time, so a window spanning a DST change ends at a wall
// clock time shifted by the change (a 3h window opening at 00:30 on
// 2026-03-08 in New York ends at 04:30 EDT).
//
// Local times that do not exist (the spring-forward gap, 02:00-02:59 on
// 2026-03-08 in New York) never appear on the wall clock, so they do not
// fire: "30 2 * * *" has no window that day. This matches gronx's own
// searches; it does not shift the fire to 03:30 as time.Date would.
//
// Local times that occur twice (the fall-back hour, 01:00-01:59 on 2026-11-01
// in New York) fire at both instants: "30 1 * * *" opens windows at 05:30Z
// (EDT) and 06:30Z (EST) that day. gronx alone answers differently depending
// on where a search starts, so each search runs with a fixed UTC offset
// within one offset period of the zone and moves to the next period when
// needed; this keeps WindowAt and NextWindow consistent with each other.
//
// # Termination
//
// Cron searches are bounded: an expression that can never fire, such as
// "0 0 30 2 *", yields an error wrapping ErrNoWindow instead of looping, and
// NextEligibleWindow gives up about two years after the later of its start
// time and the release's earliest eligible start.
package schedule
