// Package scenario drives update rollouts end to end: real keyward servers (SQLite and
// PostgreSQL, one process or several sharing a database), jobs made through the Okta API, and
// agents speaking the agent protocol through package client, step by step under a virtual
// clock or as a simulated fleet in real time. BenchmarkRollout10k measures a large rollout.
package scenario
