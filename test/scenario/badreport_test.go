package scenario

import (
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
)

// TestFailedReportWithUnstorableMessage checks that a failure report whose message no store can
// hold (PostgreSQL refuses NUL) is refused whole with a 400 the agent can act on, leaving the job
// as it was, and that the agent's report sent again without it fails the job as it should.
func TestFailedReportWithUnstorableMessage(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg)
		poolID, a, j, in := e.startOnDemand(1)
		if err := a[0].report(in, client.ProgressStarted, ""); err != nil {
			t.Fatal(err)
		}
		for _, msg := range []string{"exit\x00code 1603", strings.Repeat("x", 1025)} {
			err := a[0].report(in, client.ProgressFailed, msg)
			if client.StatusCode(err) != 400 || client.ErrorCode(err) != "E0000001" || !strings.Contains(err.Error(), "message") {
				t.Fatalf("report %q: %v, want 400 E0000001 naming message", msg, err)
			}
			e.expect(poolID, j.ID, inprog, inprog)
		}
		if err := a[0].report(in, client.ProgressFailed, "exit code 1603"); err != nil {
			t.Fatal(err)
		}
		e.advance(time.Second)
		if u := e.expect(poolID, j.ID, failed, failed); u.Agents[0].UpdateMessage != "exit code 1603" {
			t.Errorf("failed agent's message %q", u.Agents[0].UpdateMessage)
		}
	})
}
