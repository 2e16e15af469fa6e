package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/faultinject"
	"github.com/keyward/keyward/internal/httpapi/faultsapi"
	"github.com/keyward/keyward/internal/httpapi/wire"
)

// withFaults makes a route's handler answer as the first matching fault rule of the caller's org
// or team says. It runs inside wrap, after the route matched, the caller was authenticated and
// counted and the input checked: a rule never applies to an unauthenticated request, nor to the
// rules' own routes (faultsapi.Prefix), so that a rule can always be removed.
func (rt *router) withFaults(r wire.Route) wire.Route {
	if rt.c.Faults == nil || strings.HasPrefix(r.Pattern, faultsapi.Prefix) {
		return r
	}
	next := r.Handler
	r.Handler = func(w http.ResponseWriter, req *http.Request) error {
		p := wire.PrincipalFrom(req)
		if p.OrgID == "" && p.TeamID == "" {
			return next(w, req)
		}
		rule, ok := rt.c.Faults.Apply(p.OrgID, p.TeamID, r.Method, r.Pattern, r.Name)
		if !ok {
			return next(w, req)
		}
		w.Header().Set("X-Keyward-Fault", rule.ID)
		if d := rule.Delay(); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-req.Context().Done():
				t.Stop()
				return req.Context().Err()
			}
		}
		switch rule.Action {
		case faultinject.ActionError:
			return injectedError(rule.Status)
		case faultinject.ActionRateLimit:
			return injectedRateLimit(w, req)
		case faultinject.ActionDrop:
			drop(w)
			return nil
		}
		return next(w, req)
	}
	return r
}

// injectedError is status in the API's own error format (wire renders Okta's errorCode and
// errorSummary on /api/v1, OPA's code, message and type on /v1/teams).
func injectedError(status int) *wire.Error {
	code := wire.CodeInternal
	switch {
	case status == http.StatusNotFound:
		code = wire.CodeNotFound
	case status == http.StatusForbidden:
		code = wire.CodeForbidden
	case status == http.StatusUnauthorized:
		code = wire.CodeInvalidToken
	case status == http.StatusTooManyRequests:
		code = wire.CodeRateLimit
	case status < 500:
		code = wire.CodeValidation
	}
	text := http.StatusText(status)
	if text == "" {
		text = "Status " + strconv.Itoa(status)
	}
	return &wire.Error{Status: status, Code: code, Summary: text + " (injected fault)", Message: text + " (injected fault)"}
}

// injectedRateLimit is the 429 the rate limiter would answer: Okta's with X-Rate-Limit-*
// showing nothing remaining until the current window's reset, OPA's with X-RateLimit-Retry-At.
func injectedRateLimit(w http.ResponseWriter, r *http.Request) *wire.Error {
	resetAt := time.Now().Add(time.Minute)
	if wire.DialectOf(r.URL.Path) == wire.OPA {
		return opaRateLimited(resetAt)
	}
	reset := ceilUnix(resetAt)
	h := w.Header()
	if h.Get("X-Rate-Limit-Limit") == "" { // a route the limiter does not count
		h.Set("X-Rate-Limit-Limit", "0")
	}
	if h.Get("X-Rate-Limit-Reset") == "" {
		h.Set("X-Rate-Limit-Reset", strconv.FormatInt(reset, 10))
	}
	h.Set("X-Rate-Limit-Remaining", "0")
	return oktaRateLimited()
}

// drop closes the connection without answering; where the connection cannot be taken over
// (HTTP/2), the stream is aborted instead.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
