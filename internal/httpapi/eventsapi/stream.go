package eventsapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
)

// Stream pacing.
const (
	defaultPoll = time.Second
	// firstRetry is how soon a stream woken by an event of this process looks again when it
	// found nothing: the event's transaction may not have committed yet. It doubles up to Poll.
	firstRetry = 5 * time.Millisecond
	// keepAlive is how often an idle stream sends a comment, so that proxies keep it open and a
	// client that went away is noticed.
	keepAlive = 15 * time.Second
	// writeWindow is how long one write to the client may take; the server's write timeout is
	// lifted for the stream, this bounds each write instead.
	writeWindow = 30 * time.Second
	streamBatch = 100
	// recheckEvery is how often an open stream verifies its admin token again.
	recheckEvery = 2 * time.Second
)

// stream follows the log as Server-Sent Events: every event after the cursor (the after
// parameter, or the Last-Event-ID a reconnecting client sends) that the filters select, then each
// new one as it is recorded, until the client goes away or the server shuts down.
func (h *Handlers) stream(w http.ResponseWriter, r *http.Request) error {
	f, err := filter(r)
	if err != nil {
		return err
	}
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return fault.Invalidf("Event", "Last-Event-ID: must be an event id (a non-negative integer)")
		}
		f.AfterID = id
	}
	f.Limit = streamBatch
	maxTotal, maxPerOrg := h.MaxStreams, h.MaxStreamsPerOrg
	if maxTotal <= 0 {
		maxTotal = DefaultMaxStreams
	}
	if maxPerOrg <= 0 {
		maxPerOrg = DefaultMaxStreamsPerOrg
	}
	if !h.slots.take(f.OrgID, maxTotal, maxPerOrg) {
		return tooManyStreams(maxPerOrg)
	}
	defer h.slots.give(f.OrgID)
	if info := wire.InfoFrom(r.Context()); info != nil {
		info.LeaveSlot() // bounded by the stream slots instead, for as long as it lasts
	}
	rc := http.NewResponseController(w)
	// The server's read and write timeouts bound whole requests; a stream lives longer. The read
	// deadline must go too: reaching it would end the request's context.
	if err := rc.SetReadDeadline(time.Time{}); err != nil {
		return err
	}
	if err := rc.SetWriteDeadline(time.Now().Add(writeWindow)); err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprintf(w, "retry: 1000\n\n"); err != nil {
		return nil
	}
	if rc.Flush() != nil {
		return nil
	}
	poll := h.Poll
	if poll <= 0 {
		poll = defaultPoll
	}
	ctx := r.Context()
	names := teamNames{store: h.Store}
	var buf bytes.Buffer
	delay, idle, checked := poll, time.Now(), time.Now()
	timer := time.NewTimer(delay)
	defer timer.Stop()
	for {
		if time.Since(checked) >= recheckEvery {
			if !h.stillAdmin(r, f.OrgID) {
				return nil // the client reconnects, and is refused
			}
			checked = time.Now()
		}
		wake := h.Log.Notifier().Wait() // before reading, so that no event slips between
		es, err := h.Store.ListEvents(ctx, f)
		if err != nil {
			if info := wire.InfoFrom(ctx); info != nil && ctx.Err() == nil {
				info.Err = err // for the access log
			}
			return nil // the answer has begun: the client reconnects with Last-Event-ID
		}
		buf.Reset()
		for _, e := range es {
			v, err := names.view(ctx, e)
			if err != nil {
				return nil
			}
			writeEvent(&buf, v)
			f.AfterID = e.ID
		}
		switch {
		case len(es) > 0:
			if !send(rc, w, buf.Bytes()) {
				return nil
			}
			idle, delay = time.Now(), poll
			if len(es) == f.Limit {
				continue
			}
		case delay < poll:
			delay = min(2*delay, poll)
		case time.Since(idle) >= keepAlive:
			if !send(rc, w, []byte(": keep-alive\n\n")) {
				return nil
			}
			idle = time.Now()
		}
		timer.Reset(delay)
		select {
		case <-ctx.Done():
			return nil
		case <-h.Done:
			return nil
		case <-wake:
			delay = firstRetry
		case <-timer.C:
		}
	}
}

// stillAdmin verifies the stream's credential again: still an admin token of org.
func (h *Handlers) stillAdmin(r *http.Request, org string) bool {
	if h.Auth == nil {
		return true
	}
	p, err := h.Auth.Okta(r.Context(), r.Header.Get("Authorization"))
	return err == nil && p.Admin && p.OrgID == org
}

// writeEvent appends one event in the text/event-stream format.
func writeEvent(buf *bytes.Buffer, v Event) {
	data, _ := json.Marshal(v) // an Event of strings, times and valid JSON always encodes
	fmt.Fprintf(buf, "id: %d\nevent: %s\ndata: %s\n\n", v.ID, oneLine(v.Type), data)
}

// oneLine keeps a field of the stream on its line.
func oneLine(s string) string { return lineBreaks.Replace(s) }

var lineBreaks = strings.NewReplacer("\r", " ", "\n", " ")

// send writes b within the write window and flushes it; false when the client is gone.
func send(rc *http.ResponseController, w http.ResponseWriter, b []byte) bool {
	if rc.SetWriteDeadline(time.Now().Add(writeWindow)) != nil {
		return false
	}
	if _, err := w.Write(b); err != nil {
		return false
	}
	return rc.Flush() == nil
}
