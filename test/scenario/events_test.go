package scenario

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// event is an event of the admin API's log.
type event struct {
	ID        int64           `json:"id"`
	Time      time.Time       `json:"time"`
	Type      string          `json:"type"`
	Actor     string          `json:"actor"`
	RequestID string          `json:"requestId"`
	Org       string          `json:"org"`
	Team      string          `json:"team"`
	Resource  string          `json:"resource"`
	Summary   string          `json:"summary"`
	Before    json.RawMessage `json:"before"`
	After     json.RawMessage `json:"after"`
	sseID     string          // the stream's id: line
	sseType   string          // the stream's event: line
}

func (ev event) status(which json.RawMessage) string {
	var s struct{ Status string }
	_ = json.Unmarshal(which, &s)
	return s.Status
}

// stream opens the event stream with the admin token (and lastID as Last-Event-ID when set)
// and returns its events as they come; the stream closes with the test.
func stream(t *testing.T, s *apptest.Server, token, query, lastID string) <-chan event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", s.URL+"/keyward/v1/events/stream?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan event)
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); resp.Body.Close(); <-done })
	go func() {
		defer close(done)
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		var ev event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				ev.sseID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				ev.sseType = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				id, typ := ev.sseID, ev.sseType
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev); err != nil {
					t.Errorf("stream data %q: %v", line, err)
					return
				}
				ev.sseID, ev.sseType = id, typ
			case line == "" && ev.sseID != "":
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
				ev = event{}
			}
		}
	}()
	return out
}

// next is the next event of the stream whose type starts with one of prefixes.
func next(t *testing.T, c <-chan event, prefixes ...string) event {
	t.Helper()
	for ev := range c {
		for _, p := range prefixes {
			if strings.HasPrefix(ev.Type, p) {
				return ev
			}
		}
	}
	t.Fatal("the stream ended")
	return event{}
}

// listEvents pages the event log with token and query.
func listEvents(t *testing.T, s *apptest.Server, token, query string) ([]event, string) {
	t.Helper()
	req, err := http.NewRequest("GET", s.URL+"/keyward/v1/events?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+token)
	resp, err := s.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("list events ?%s: %d", query, resp.StatusCode)
	}
	var page struct {
		Events []event `json:"events"`
		Next   string  `json:"next"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	return page.Events, page.Next
}

// TestEventStreamFollowsARollout follows an on-demand job over two agents on the stream: the
// job's creation, each agent's update in turn, then the job's success, in the order they
// happened, each with its time, actor and request.
func TestEventStreamFollowsARollout(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg)
		evs := stream(t, e.s, apptest.AdminToken, "", "")
		poolID, agents := e.pool("dc", 2)
		j := e.createJob(poolID, nil, agents...)
		created := next(t, evs, "job.", "agent.")
		if created.Type != "job.created" || created.Resource != "job/"+j.ID || created.status(created.After) != inprog ||
			created.Actor == "" || created.RequestID == "" || created.sseType != "job.created" ||
			created.sseID != fmt.Sprint(created.ID) || created.Org == "" {
			t.Fatalf("first event %+v", created)
		}
		e.advance(time.Second)
		for _, a := range agents {
			ev := next(t, evs, "job.", "agent.")
			if ev.Type != "agent.status" || ev.Resource != "agent/"+a.id || ev.status(ev.Before) != sched || ev.status(ev.After) != inprog {
				t.Fatalf("%s starts: %+v", a.name, ev)
			}
			in := a.heartbeat()
			a.update(in)
			var seen []string
			for ev.status(ev.After) != success {
				ev = next(t, evs, "job.", "agent.")
				if ev.Resource != "agent/"+a.id {
					t.Fatalf("while %s updates: %+v", a.name, ev)
				}
				seen = append(seen, ev.status(ev.After))
			}
			if ev.Actor != a.id || ev.RequestID == "" { // the agent's reconnection completed it
				t.Fatalf("%s's success recorded as %+v", a.name, ev)
			}
			if seen[0] != pending {
				t.Errorf("%s went through %v", a.name, seen)
			}
			e.advance(30 * time.Second)
		}
		done := next(t, evs, "job.", "agent.")
		if done.Type != "job.status" || done.status(done.Before) != inprog || done.status(done.After) != success || done.ID <= created.ID {
			t.Fatalf("last event %+v", done)
		}
		e.expect(poolID, j.ID, success, success, success)

		// The list shows the same, filtered; a reconnecting stream resumes after Last-Event-ID.
		jobEvents, _ := listEvents(t, e.s, apptest.AdminToken, "type=job&resource=job/"+j.ID)
		if len(jobEvents) != 2 || jobEvents[0].ID != created.ID || jobEvents[1].ID != done.ID {
			t.Fatalf("job events %+v", jobEvents)
		}
		again := stream(t, e.s, apptest.AdminToken, "type=job.status", fmt.Sprint(created.ID))
		if ev := next(t, again, ""); ev.ID != done.ID {
			t.Fatalf("resumed stream starts with %+v", ev)
		}
	})
}

// TestEventListFiltersAndPages checks the list's filters, paging and scope: clock moves and
// another org's job, seen only by the org it belongs to.
func TestEventListFiltersAndPages(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg)
		start := e.advance(time.Second)
		for range 3 {
			e.advance(time.Minute)
		}
		all, nextID := listEvents(t, e.s, apptest.AdminToken, "type=clock&limit=2")
		if len(all) != 2 || nextID != fmt.Sprint(all[1].ID) || all[0].Type != "clock.moved" || all[0].Org != "" {
			t.Fatalf("first page %+v next %q", all, nextID)
		}
		rest, last := listEvents(t, e.s, apptest.AdminToken, "type=clock&limit=2&after="+nextID)
		if len(rest) != 2 || last != fmt.Sprint(rest[1].ID) || rest[0].ID <= all[1].ID {
			t.Fatalf("second page %+v", rest)
		}
		if end, last := listEvents(t, e.s, apptest.AdminToken, "type=clock&after="+last); len(end) != 0 || last != "" {
			t.Fatalf("past the end %+v %q", end, last)
		}
		since, _ := listEvents(t, e.s, apptest.AdminToken, "type=clock.moved&since="+url.QueryEscape(start.Add(time.Minute).Format(time.RFC3339Nano)))
		if len(since) != 3 {
			t.Fatalf("since a minute after the first move: %+v", since)
		}
		for _, bad := range []string{"since=yesterday", "after=-1", "limit=0", "limit=1001", "after=x"} {
			req, _ := http.NewRequest("GET", e.s.URL+"/keyward/v1/events?"+bad, nil)
			req.Header.Set("Authorization", "SSWS "+apptest.AdminToken)
			resp, err := e.s.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("?%s: %d, want 400", bad, resp.StatusCode)
			}
		}

		// Another org's job events are its own; the server's clock moves are everyone's.
		_, token := otherOrg(t, e.s)
		poolID, agents := e.pool("dc", 1)
		e.createJob(poolID, nil, agents...)
		if mine, _ := listEvents(t, e.s, apptest.AdminToken, "type=job"); len(mine) != 1 {
			t.Fatalf("own job events %+v", mine)
		}
		theirs, _ := listEvents(t, e.s, token, "")
		for _, ev := range theirs {
			if ev.Type != "clock.moved" {
				t.Fatalf("another org sees %+v", ev)
			}
		}
		if len(theirs) != 4 {
			t.Fatalf("another org sees %d clock moves, want 4", len(theirs))
		}
	})
}

// otherOrg creates another org with an admin token of its own.
func otherOrg(t *testing.T, s *apptest.Server) (orgID, token string) {
	t.Helper()
	ctx, now := context.Background(), time.Now()
	org := store.Org{ID: ids.New(ids.Org), Name: "other", CreatedAt: now}
	if err := s.App.Store().CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	token = "00other-org-admin-token-0123456789-abcdefghijk"
	if err := s.App.Store().CreateAPIToken(ctx, store.APIToken{ID: ids.New(ids.Token), OrgID: org.ID, Name: "admin",
		Hash: ids.Hash(token), Admin: true, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	return org.ID, token
}

// TestEventRetention checks that the log keeps at most --events-max events and none older than
// --events-max-age on keyward's clock, pruned as the clock passes.
func TestEventRetention(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		s := apptest.Start(t, apptest.Options{Postgres: pg, VirtualClock: true, Configure: func(c *config.Config) {
			c.TickInterval = time.Hour
			c.EventsMax = 3
			c.EventsMaxAge = time.Hour
		}})
		ctx := context.Background()
		for range 5 {
			if _, err := s.Client.AdvanceClock(ctx, time.Second); err != nil {
				t.Fatal(err)
			}
		}
		// Each move prunes on its way, before recording itself: at most one over the bound.
		if evs, _ := listEvents(t, s, apptest.AdminToken, ""); len(evs) != 4 {
			t.Fatalf("%d events kept, want 4 (3 and the last move)", len(evs))
		}
		if _, err := s.Client.AdvanceClock(ctx, 2*time.Hour); err != nil {
			t.Fatal(err)
		}
		evs, _ := listEvents(t, s, apptest.AdminToken, "")
		if len(evs) != 1 || !strings.Contains(evs[0].Summary, "clock moved") {
			t.Fatalf("after two hours: %+v", evs)
		}
	})
}

// TestEventStreamSeesOtherServers streams from one server while another, sharing its database,
// records: the stream finds those events by polling the database.
func TestEventStreamSeesOtherServers(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg)
		other := apptest.Start(t, apptest.Options{DatabaseURL: e.s.DatabaseURL, VirtualClock: true, Configure: func(c *config.Config) {
			c.TickInterval = time.Hour
		}})
		evs := stream(t, other, apptest.AdminToken, "type=job", "")
		poolID, agents := e.pool("dc", 1)
		j := e.createJob(poolID, nil, agents...)
		if ev := next(t, evs, ""); ev.Type != "job.created" || ev.Resource != "job/"+j.ID {
			t.Fatalf("the other server streams %+v", ev)
		}
	})
}
