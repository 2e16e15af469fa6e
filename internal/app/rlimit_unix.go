//go:build unix

package app

import (
	"math"
	"syscall"
)

// openFileLimit is the process's soft limit on open descriptors (Go raises it to the hard limit
// at start).
func openFileLimit() int {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil || r.Cur > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(r.Cur)
}
