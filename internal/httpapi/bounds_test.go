package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/httpapi/wire"
)

// An answer that cannot be encoded is a 500 with a body in the request's dialect, logged with its
// cause, never a status line with nothing after it.
func TestUnencodableAnswerIsA500WithABody(t *testing.T) {
	unencodable := func(w http.ResponseWriter, r *http.Request) error {
		wire.JSON(w, http.StatusOK, map[string]time.Time{"releasedAt": time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
		return nil
	}
	f := newFixture(t, fixtureOptions{routes: []wire.Route{
		{Method: "GET", Pattern: "/api/v1/far", Access: wire.Public, Handler: unencodable},
		{Method: "GET", Pattern: "/v1/teams/{team}/far", Access: wire.Public, Handler: unencodable},
	}})
	w := f.do("GET", "/api/v1/far", "")
	if e := decodeOkta(t, w); w.Code != 500 || e.ErrorCode != "E0000009" {
		t.Errorf("Okta dialect: %d %s", w.Code, w.Body)
	}
	w = f.do("GET", "/v1/teams/acme/far", "")
	if w.Code != 500 || !strings.Contains(w.Body.String(), `"type":"internal_error"`) {
		t.Errorf("OPA dialect: %d %s", w.Code, w.Body)
	}
	logged := 0
	for _, l := range f.log.lines(t) {
		if e, _ := l["error"].(string); l["status"] == float64(500) && strings.Contains(e, "encoding the answer") {
			logged++
		}
	}
	if logged != 2 {
		t.Errorf("%d of 2 encoding failures logged with their cause:\n%v", logged, f.log.lines(t))
	}
}

// With every slot taken, a request waits briefly and is then refused with 503 in its dialect;
// the probes still answer.
func TestRequestsInFlightAreBounded(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	slow := func(w http.ResponseWriter, r *http.Request) error {
		entered <- struct{}{}
		<-release
		wire.NoContent(w)
		return nil
	}
	h := limitInFlight(1, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			w.WriteHeader(http.StatusOK)
			return
		}
		_ = slow(w, r)
	}))
	var wg sync.WaitGroup
	wg.Add(1)
	first := httptest.NewRecorder()
	go func() {
		defer wg.Done()
		h.ServeHTTP(first, httptest.NewRequest("GET", "/api/v1/agentPools", nil))
	}()
	<-entered
	for _, path := range []string{"/api/v1/agentPools", "/v1/teams/acme/projects"} {
		w := httptest.NewRecorder()
		info := &wire.Info{}
		req := httptest.NewRequest("GET", path, nil)
		h.ServeHTTP(w, req.WithContext(wire.WithInfo(req.Context(), info)))
		if info.Pattern != routeOverloaded {
			t.Errorf("%s while full is logged as route %q, want %q", path, info.Pattern, routeOverloaded)
		}
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" ||
			!strings.Contains(w.Body.String(), map[bool]string{true: `"type"`, false: `"errorCode"`}[strings.HasPrefix(path, "/v1/")]) {
			t.Errorf("%s while full: %d %v %s", path, w.Code, w.Header(), w.Body)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
	if w.Code != http.StatusOK {
		t.Errorf("/healthz while full: %d", w.Code)
	}
	close(release)
	wg.Wait()
	if first.Code != http.StatusNoContent {
		t.Errorf("the request holding the slot: %d", first.Code)
	}
	go func() { <-entered }()
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/agentPools", nil))
	if w.Code != http.StatusNoContent {
		t.Errorf("after the slot was freed: %d", w.Code)
	}
}
