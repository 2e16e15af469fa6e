package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/sqlite"
)

// fixture is the whole HTTP stack over an in-memory store with one org and its tokens, serving
// the test routes below next to the operator routes.
type fixture struct {
	h        http.Handler
	store    store.Store
	log      *syncBuffer
	admin    string // admin SSWS token
	user     string // non-admin SSWS token
	userID   string // the non-admin token's id
	clientID string // a service app with only okta.agentPools.read
}

type fixtureOptions struct {
	limit   int              // rate limit; default 1000
	now     func() time.Time // the limiter's clock; default time.Now
	maxBody int64            // default 1 MiB
	routes  []wire.Route     // extra routes
}

func newFixture(t testing.TB, o fixtureOptions) *fixture {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Now()
	org := store.Org{ID: ids.New(ids.Org), Name: "test", CreatedAt: now}
	if err := s.CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: s, log: &syncBuffer{}, clientID: ids.New(ids.ServiceApp)}
	if err := s.CreateServiceApp(ctx, store.ServiceApp{ClientID: f.clientID, OrgID: org.ID, Name: "ro",
		Scopes: []string{auth.ScopeRead}, JWKS: []byte(`{"keys":[]}`), CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	authn := &auth.Service{Store: s, Access: fakeAccess{"good-access-token": f.clientID}}
	if _, f.admin, err = authn.CreateAPIToken(ctx, org.ID, "admin", true, now); err != nil {
		t.Fatal(err)
	}
	var user store.APIToken
	if user, f.user, err = authn.CreateAPIToken(ctx, org.ID, "user", false, now); err != nil {
		t.Fatal(err)
	}
	f.userID = user.ID
	if o.limit == 0 {
		o.limit = 1000
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.maxBody == 0 {
		o.maxBody = 1 << 20
	}
	f.h = New(Config{
		Log:      slog.New(slog.NewJSONHandler(f.log, nil)),
		Store:    s,
		Auth:     authn,
		Limiter:  NewRateLimiter(o.limit, o.now),
		Registry: prometheus.NewRegistry(),
		MaxBody:  o.maxBody,
		Routes:   [][]wire.Route{testRoutes(), o.routes},
	})
	return f
}

// fakeAccess accepts the access tokens it maps to a client id.
type fakeAccess map[string]string

func (a fakeAccess) VerifyAccess(token string) (string, []string, error) {
	if id, ok := a[token]; ok {
		return id, []string{auth.ScopeRead}, nil
	}
	return "", nil, auth.ErrInvalid
}

// testRoutes stand for each kind of handler: Okta reads and writes in the rate-limited bucket,
// an admin route, OPA-dialect routes, and handlers that panic.
func testRoutes() []wire.Route {
	ok := func(w http.ResponseWriter, r *http.Request) error {
		wire.JSON(w, http.StatusOK, map[string]bool{"ok": true})
		return nil
	}
	create := func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Name string `json:"name"`
		}
		if err := wire.Decode(r, &in); err != nil {
			return err
		}
		wire.JSON(w, http.StatusCreated, in)
		return nil
	}
	boom := func(w http.ResponseWriter, r *http.Request) error { panic("boom: secret detail") }
	return []wire.Route{
		{Method: "GET", Pattern: "/api/v1/things", Access: wire.OktaRead, Bucket: wire.BucketAgentPools, Handler: ok},
		{Method: "POST", Pattern: "/api/v1/things", Access: wire.OktaManage, Bucket: wire.BucketAgentPools, Handler: create},
		{Method: "GET", Pattern: "/api/v1/panic", Access: wire.OktaRead, Bucket: wire.BucketAgentPools, Handler: boom},
		{Method: "GET", Pattern: "/keyward/v1/things", Access: wire.Admin, Handler: ok},
		{Method: "POST", Pattern: "/v1/teams/{team}/things", Access: wire.Public, Handler: create},
		{Method: "GET", Pattern: "/v1/teams/{team}/panic", Access: wire.Public, Handler: boom},
	}
}

// do sends one request through the handler; header pairs follow the body.
func (f *fixture) do(method, path, body string, header ...string) *httptest.ResponseRecorder {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	return w
}

func (f *fixture) ssws(token string) []string { return []string{"Authorization", "SSWS " + token} }

// oktaError is the Okta error body, decoded strictly enough to notice a missing or null field.
type oktaError struct {
	ErrorCode    string `json:"errorCode"`
	ErrorSummary string `json:"errorSummary"`
	ErrorLink    string `json:"errorLink"`
	ErrorID      string `json:"errorId"`
	ErrorCauses  []struct {
		ErrorSummary string `json:"errorSummary"`
	} `json:"errorCauses"`
}

// decodeOkta decodes an Okta error body and checks what every such body must hold: errorLink
// repeating the code, errorId carrying the response's request id, and an errorCauses array.
func decodeOkta(t testing.TB, w *httptest.ResponseRecorder) oktaError {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
		t.Fatalf("error body %q: %v", w.Body, err)
	}
	if c := string(raw["errorCauses"]); !strings.HasPrefix(c, "[") {
		t.Errorf("errorCauses = %s, want an array", c)
	}
	var e oktaError
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatal(err)
	}
	if e.ErrorLink != e.ErrorCode {
		t.Errorf("errorLink %q, want the code %q", e.ErrorLink, e.ErrorCode)
	}
	id := w.Header().Get("X-Okta-Request-Id")
	if id == "" || e.ErrorID != "oae"+id {
		t.Errorf("errorId %q does not carry X-Okta-Request-Id %q", e.ErrorID, id)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	return e
}

// syncBuffer is a log destination safe to write from server goroutines while a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// lines returns the JSON log records written so far.
func (s *syncBuffer) lines(t testing.TB) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.b.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}
