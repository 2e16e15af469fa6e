package httpapi

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/keyward/keyward/internal/httpapi/wire"
)

// statusWriter remembers the status a handler wrote, and knows its request so that an answer
// that cannot be encoded is refused in the request's dialect (see wire.JSON).
type statusWriter struct {
	http.ResponseWriter
	req    *http.Request
	status int
	bytes  int
}

// Request is the request being answered.
func (s *statusWriter) Request() *http.Request { return s.req }

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection (the event stream lifts its deadlines).
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := s.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, fmt.Errorf("hijack not supported")
}

func newRequestID() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// withInfo creates the request's Info and sets X-Okta-Request-Id before anything else runs.
func withInfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := &wire.Info{RequestID: newRequestID()}
		w.Header().Set("X-Okta-Request-Id", info.RequestID)
		next.ServeHTTP(w, r.WithContext(wire.WithInfo(r.Context(), info)))
	})
}

// accessLog logs one line per request with its id, route pattern, status and duration.
func accessLog(log *slog.Logger, m *metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, req: r}
		next.ServeHTTP(sw, r)
		info := wire.InfoFrom(r.Context())
		d := time.Since(start)
		route := info.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.observe(route, sw.status, d)
		attrs := []any{"request_id", info.RequestID, "method", r.Method, "path", r.URL.Path, "route", route,
			"status", sw.status, "duration", d, "bytes", sw.bytes}
		if info.Principal != nil {
			attrs = append(attrs, "actor", info.Principal.Actor)
		}
		if info.Err != nil && sw.status >= 400 {
			attrs = append(attrs, "error", info.Err.Error())
		}
		log.LogAttrs(r.Context(), levelFor(sw.status), "request", slogAttrs(attrs)...)
	})
}

func levelFor(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}

func slogAttrs(kv []any) []slog.Attr {
	out := make([]slog.Attr, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, slog.Any(kv[i].(string), kv[i+1]))
	}
	return out
}

// recoverPanics turns a panic into a 500 in the request's dialect.
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				wire.WriteError(w, r, wire.Internal(fmt.Errorf("panic: %v\n%s", v, debug.Stack())))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies at n bytes.
func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, n)
		}
		next.ServeHTTP(w, r)
	})
}

// routeOverloaded is the route label (access log, metrics) of a request refused for want of a
// free slot: it never reached the route table, but it was not unmatched either.
const routeOverloaded = "overloaded"

// inFlightWait is how long a request waits for a free slot before it is refused: long enough to
// smooth a burst, short enough that a saturated server says so.
const inFlightWait = time.Second

// limitInFlight lets at most n requests (n > 0) run at once; a request that finds every slot
// taken waits up to inFlightWait for one, then gets 503 with Retry-After in its dialect. The
// probes are not counted: they are cheap, and must answer while the API is saturated.
func limitInFlight(n int, next http.Handler) http.Handler {
	if n <= 0 {
		return next
	}
	slots := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz", "/readyz", "/metrics":
			next.ServeHTTP(w, r)
			return
		}
		select {
		case slots <- struct{}{}:
		default:
			t := time.NewTimer(inFlightWait)
			defer t.Stop()
			select {
			case slots <- struct{}{}:
			case <-t.C:
				if info := wire.InfoFrom(r.Context()); info != nil {
					info.Pattern = routeOverloaded
				}
				wire.WriteError(w, r, &wire.Error{Status: http.StatusServiceUnavailable, Code: wire.CodeInternal,
					Summary: "Service unavailable: too many requests in progress; retry shortly",
					Header:  http.Header{"Retry-After": {"1"}}})
				return
			case <-r.Context().Done():
				wire.WriteError(w, r, r.Context().Err())
				return
			}
		}
		defer func() { <-slots }()
		next.ServeHTTP(w, r)
	})
}
