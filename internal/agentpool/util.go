package agentpool

import "github.com/keyward/keyward/internal/limits"

// storable reports whether s can be stored as text in every backend: PostgreSQL refuses NUL and
// invalid UTF-8.
func storable(s string) bool { return limits.Storable(s) }
