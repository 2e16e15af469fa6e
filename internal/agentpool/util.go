package agentpool

import "strings"

// storable reports whether s can be stored as text in every backend: PostgreSQL refuses NUL.
func storable(s string) bool { return !strings.ContainsRune(s, 0) }
