package agentpool

import (
	"strconv"

	"github.com/keyward/keyward/internal/limits"
)

func itoa(i int) string { return strconv.Itoa(i) }

// storable reports whether s can be stored as text in every backend: PostgreSQL refuses NUL and
// invalid UTF-8.
func storable(s string) bool { return limits.Storable(s) }
