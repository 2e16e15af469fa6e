package agentpool

import (
	"strconv"
	"strings"
)

func itoa(i int) string { return strconv.Itoa(i) }

// storable reports whether s can be stored as text in every backend: PostgreSQL refuses NUL.
func storable(s string) bool { return !strings.ContainsRune(s, 0) }
