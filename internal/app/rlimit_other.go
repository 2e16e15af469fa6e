//go:build !unix

package app

// openFileLimit is a generous guess where the platform has no descriptor limit to read.
func openFileLimit() int { return 10000 }
