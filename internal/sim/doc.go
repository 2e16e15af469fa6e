// Package sim runs simulated keyward agents, or simulated OPA servers.
//
// [Main] is the entry point of the "keyward sim" subcommand. It creates or
// reuses, by name, a number of agent pools, registers simulated agents in
// them and lets every agent run in its own goroutine until the context is
// cancelled: each one heartbeats at a fixed interval and carries out the
// update instructions keyward hands out (reporting started, then installed or
// failed, then reconnecting on the new version). A live progress line is
// printed at most once a second, and a summary on exit.
//
// The sim talks to keyward only through the public client package. Its core
// is usable on its own: [NewFleet] sets up pools and agents, [Fleet.Run]
// runs them, an [Agent] can be driven with any [AgentAPI], and [Stats]
// collects what happened.
//
// With an enrollment token it runs OPA servers instead (servers.go): [NewServerFleet] enrolls
// them over the server-agent protocol and [ServerFleet.Run] heartbeats them, carrying out the
// instructions they are handed.
package sim
