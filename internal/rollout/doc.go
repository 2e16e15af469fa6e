// Package rollout runs agent update jobs: it answers the agent protocol (register, heartbeat,
// progress reports) and moves jobs and their agents along as agents report and time passes.
// Package agentpool owns the jobs and their lifecycle actions; this package owns what happens
// between the actions.
//
// # Per agent (one row of a job, one attempt at a time)
//
//	Scheduled ──job starts it──► InProgress ──"installed"──► PendingCompletion
//	   │          (attempt+1,        │  instruction handed out        │
//	   │           new instruction)  │  on the next heartbeat,        │ heartbeat on the
//	   │                             │  exactly once                  │ target version
//	   │                             ▼                                ▼
//	   │                 "failed", or no progress for UpdateTimeout ──► Failed    Success
//	   │
//	   ├── already on the target version when its turn comes ──► Success ("already on the target version")
//	   └── job stopped, or failed with continueOnError=false ──► Cancelled
//
// Retry (package agentpool) puts Failed and Cancelled agents back to Scheduled; their next start
// is a new attempt with a new instruction, and reports on the old instruction get 409. The timeout
// runs from the last status change, so an agent gets UpdateTimeout to install and again to
// reconnect.
//
// # Per job (moves made here; lifecycle actions are agentpool's)
//
//	on demand:  InProgress ──one agent at a time, in list order──► Success | Failed
//	scheduled:  Scheduled ──eligible window opens (enabled only)──► InProgress (WindowEnd set)
//	            InProgress ──window closes with agents queued──► Scheduled (in-flight agent finishes)
//	            InProgress, Scheduled ──no agent queued or in flight──► Success | Failed
//	any run:    an agent Failed, continueOnError=false ──► Failed, queued agents Cancelled
//	Paused:     no agent starts; the in-flight one finishes.  Cancelled: the in-flight one finishes.
//
// A run ends Failed if any agent failed, else Success; only then is schedule.lastUpdated set.
//
// Every rule lives in one function, advance, which applies to a job whatever is due at a moment.
// The tick, heartbeats and progress reports all call it inside their transaction, so a job is
// always judged the same way whoever touches it; dueAt tells when advance would next change a
// job, and must agree with it.
//
// # Several processes
//
// Processes sharing one PostgreSQL database coordinate only through it:
//
//   - Every change is a read-modify-write of one job in one transaction, saved with
//     a check of the job's version (compare-and-swap, store.UpdateJobs.SaveJob). Handing out an
//     instruction is such a change (Delivered=true), so two heartbeats racing on two processes
//     cannot both hand it out: one commits; the other waits (SQLite serialises writers) or is
//     rolled back (PostgreSQL: a serialization failure, or store.ErrStale from the version
//     check), runs again, and finds it delivered.
//   - The rollout is a kind of due work on a jobs.Runner (Kind): only the holder of the runner's
//     lease (LeaseName) ticks. The lease only saves work: were two processes to tick at once,
//     the version checks would still let one move per job win. Heartbeats and progress reports
//     are served by any process.
//
// River (riverqueue/river) was considered for the tick and rejected: its jobs are scheduled and
// its leader elected on the database's and the machine's real time, while keyward's rules follow
// an injectable clock that a user can jump weeks ahead (Advance). A queue would hold jobs
// scheduled for real moments that a virtual jump never reaches; a scan of the jobs against the
// engine's clock, under a lease, follows any clock.
//
// # The virtual clock
//
// The runner's jump (jobs.Runner.Advance) moves a *clock.Virtual through every moment at which
// a job falls due on the way (the next moment each tick returns, as NextDue would), ticking at
// each, so that windows open and close and updates time out in order, as if the time had passed
// with the agents silent.
package rollout
