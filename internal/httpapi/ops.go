package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/keyward/keyward/internal/httpapi/wire"
)

// opsRoutes are the operator endpoints: liveness, readiness and metrics.
func (rt *router) opsRoutes() []wire.Route {
	metrics := promhttp.HandlerFor(rt.c.Registry, promhttp.HandlerOpts{})
	return []wire.Route{
		{Method: "GET", Pattern: "/metrics", Name: "metrics", Handler: func(w http.ResponseWriter, r *http.Request) error {
			metrics.ServeHTTP(w, r)
			return nil
		}},
		{Method: "GET", Pattern: "/healthz", Name: "healthz", Handler: func(w http.ResponseWriter, r *http.Request) error {
			wire.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
			return nil
		}},
		{Method: "GET", Pattern: "/readyz", Name: "readyz", Handler: func(w http.ResponseWriter, r *http.Request) error {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			defer cancel()
			if err := rt.c.Store.Ping(ctx); err != nil {
				// The cause goes to the log only: /readyz needs no credential, and a driver error
				// can name the database host and user.
				wire.InfoFrom(r.Context()).Err = err
				wire.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
				return nil
			}
			wire.JSON(w, http.StatusOK, map[string]string{"status": "ok", "database": rt.c.Store.Dialect()})
			return nil
		}},
	}
}
