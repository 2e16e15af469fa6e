package scenario

import (
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// TestCheckoutEvents follows a server account on the event stream: the first password set, a
// checkout, a check-in and the rotation that follows, recorded for the team with no password in
// them; the server's enrollment is in the log too.
func TestCheckoutEvents(t *testing.T) {
	backends(t, func(t *testing.T, postgres bool) {
		e := newCheckoutEnv(t, postgres)
		evs := stream(t, e.s, apptest.AdminToken, "resource=account/"+e.accountID, "")
		pwA := e.revealOnceRotated("a")
		e.must(e.users["a"].CheckinResource(e.ctx, e.accountID))
		e.waitAvailable()

		want := []string{"rotation.started", "rotation.succeeded", "checkout", "checkin", "rotation.started", "rotation.succeeded"}
		for i, typ := range want {
			ev := next(t, evs, "")
			if ev.Type != typ || ev.Team != "acme" || ev.Org != "" || ev.Resource != "account/"+e.accountID {
				t.Fatalf("event %d: %+v, want %s", i, ev, typ)
			}
			if strings.Contains(string(ev.Before)+string(ev.After)+ev.Summary, pwA) {
				t.Fatalf("event %d shows the password: %+v", i, ev)
			}
			if typ == "checkout" && (ev.RequestID == "" || ev.Actor == "keyward" || !strings.Contains(string(ev.After), `"state":"checked_out"`)) {
				t.Fatalf("checkout event %+v", ev)
			}
		}
		enrolled, _ := listEvents(t, e.s, apptest.AdminToken, "type=server.enrolled")
		if len(enrolled) != 1 || enrolled[0].Team != "acme" || !strings.Contains(enrolled[0].Summary, "vault-1") {
			t.Fatalf("enrollment events %+v", enrolled)
		}
	})
}
