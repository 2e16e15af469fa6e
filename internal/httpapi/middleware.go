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

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

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
		sw := &statusWriter{ResponseWriter: w}
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
