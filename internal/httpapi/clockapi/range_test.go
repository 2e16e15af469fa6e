package clockapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/clock"
)

// A clock past year 9999 would stamp things no answer could encode: such moves are refused, and
// the clock stays where it was.
func TestClockMovesStayEncodable(t *testing.T) {
	s := apptest.Start(t, apptest.Options{VirtualClock: true})
	ctx := context.Background()
	near := clock.Latest.Add(-time.Hour)
	if got, err := s.Client.SetClock(ctx, near); err != nil || !got.Now.Equal(near) {
		t.Fatalf("set an hour before the latest time: %+v, %v", got, err)
	}
	for _, tc := range []struct{ body, cause string }{
		{`{"set":"9999-12-31T23:59:59Z"}`, "set: the clock must stay between"},
		{`{"advance":"61m"}`, "advance: the clock must stay between"},
	} {
		status, body := postClock(t, s, apptest.AdminToken, tc.body)
		if status != 400 || !strings.Contains(body, `"errorCode":"E0000001"`) || !strings.Contains(body, tc.cause) {
			t.Errorf("%s: %d %s, want 400 naming the field", tc.body, status, body)
		}
	}
	if c, _ := s.Client.GetClock(ctx); !c.Now.Equal(near) {
		t.Fatalf("refused moves changed the clock to %s", c.Now)
	}
	if got, err := s.Client.AdvanceClock(ctx, time.Hour); err != nil || !got.Now.Equal(clock.Latest) {
		t.Fatalf("advance to the latest time: %+v, %v", got, err)
	}
}
