package httpapi

import (
	"net/http"
	"strings"

	"github.com/keyward/keyward/internal/httpapi/wire"
)

// unmatched answers requests that match no route, in the path's dialect: 405 E0000022 (with the
// Allow header the mux computed) when the path exists for other methods, else 404.
// Okta answers every /api/v1 and /oauth2 request with rate-limit headers, so unmatched ones
// count against the client's bucket too.
func (rt *router) unmatched(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r) // sets the path values mux.Handler does not
			return
		}
		if bucket := unmatchedBucket(r.URL.Path); bucket != "" {
			if err := rt.c.Limiter.Take(w, limitKey(bucket, r, nil)); err != nil {
				wire.WriteError(w, r, err)
				return
			}
		}
		probe := &probeWriter{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if probe.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", probe.header.Get("Allow"))
			wire.WriteError(w, r, &wire.Error{Status: http.StatusMethodNotAllowed, Code: wire.CodeMethod,
				Summary: "The endpoint does not support the provided HTTP method"})
			return
		}
		if probe.status >= 300 && probe.status < 400 {
			// The mux redirects to a cleaned path; let it.
			h.ServeHTTP(w, r)
			return
		}
		wire.WriteError(w, r, &wire.Error{Status: http.StatusNotFound, Code: wire.CodePathNotFound,
			Summary: "The requested path was not found"})
	})
}

func unmatchedBucket(path string) string {
	switch {
	case strings.HasPrefix(path, "/api/v1/"):
		return wire.BucketAPI
	case strings.HasPrefix(path, "/oauth2/"):
		return wire.BucketOAuth
	}
	return ""
}

// probeWriter records what the mux's own fallback handler would answer.
type probeWriter struct {
	header http.Header
	status int
}

func (p *probeWriter) Header() http.Header         { return p.header }
func (p *probeWriter) Write(b []byte) (int, error) { return len(b), nil }
func (p *probeWriter) WriteHeader(code int)        { p.status = code }
