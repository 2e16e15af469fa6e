// Package events is keyward's event log: every state change worth watching (update jobs and
// their agents, server enrollment, checkouts, check-ins and rotations, clock moves) is recorded
// through Log.Record, in the transaction that makes the change, with the rules' clock time, the
// actor and request that caused it, and a before/after summary. The log is bounded (Retention,
// run as a kind of due work), logged at INFO, and read back through the admin API's list and
// Server-Sent Events stream (internal/httpapi/eventsapi), which Notifier wakes.
package events
