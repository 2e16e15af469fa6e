package opa

import "time"

// orNull is nil for "" (the spec's strings are nullable where OPA has no value).
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// timestamp formats a time as OPA does; the zero time is OPA's "0001-01-01T00:00:00Z", which
// it sends where a required timestamp has no value.
func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
