package httpapi

import (
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/wire"
)

// unmatched answers requests that match no route, in the path's dialect: 405 E0000022 (with the
// Allow header the mux computed) when the path exists for other methods, else 404.
func unmatched(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r) // sets the path values mux.Handler does not
			return
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
		wire.WriteError(w, r, &wire.Error{Status: http.StatusNotFound, Code: "E0000008",
			Summary: "The requested path was not found"})
	})
}

// probeWriter records what the mux's own fallback handler would answer.
type probeWriter struct {
	header http.Header
	status int
}

func (p *probeWriter) Header() http.Header         { return p.header }
func (p *probeWriter) Write(b []byte) (int, error) { return len(b), nil }
func (p *probeWriter) WriteHeader(code int)        { p.status = code }
