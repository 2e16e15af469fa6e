// Package clockapi serves keyward's clock control under /keyward/v1/clock (admin credential):
// read the clock and, when the server runs with a virtual clock, set it or move it forward. A
// move goes through the rollout engine so that update windows, timeouts and completions that
// fall due during the jump happen in order, as if the time had passed.
package clockapi
