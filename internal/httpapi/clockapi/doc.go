// Package clockapi serves keyward's clock control under /keyward/v1/clock (admin credential):
// read the clock and, when the server runs with a virtual clock, set it or move it forward. A
// move goes through the background-work runner (package jobs) so that update windows, timeouts
// and completions, and every other kind of due work, happen in time order during the jump, as if
// the time had passed.
package clockapi
