package httpapi

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/faultinject"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/store"
)

// Config is what the router is built from.
type Config struct {
	Log        *slog.Logger
	Store      store.Store
	Auth       *auth.Service
	Limiter    *RateLimiter     // Okta's buckets, per org
	OPALimiter *RateLimiter     // OPA's bucket, per team; nil shares Limiter's counts
	Now        func() time.Time // real time, for credential expiry; nil is time.Now
	Registry   *prometheus.Registry
	MaxBody    int64
	Routes     [][]wire.Route     // each handler package's table
	Faults     *faultinject.Rules // fault rules applied to authenticated routes (faults.go); nil: none

	MaxInFlight int // requests served at once (0: unbounded)
}

// New returns keyward's whole HTTP handler.
func New(c Config) http.Handler {
	if c.OPALimiter == nil {
		c.OPALimiter = c.Limiter
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	mux := http.NewServeMux()
	rt := &router{c: c, m: newMetrics(c.Registry, c.Store)}
	for _, table := range c.Routes {
		for _, r := range table {
			mux.Handle(r.Method+" "+r.Pattern, rt.wrap(rt.withFaults(r)))
		}
	}
	for _, r := range rt.opsRoutes() {
		mux.Handle(r.Method+" "+r.Pattern, rt.wrap(r))
	}
	var h http.Handler = rt.unmatched(mux)
	h = limitBody(c.MaxBody, h)
	h = noStore(h)
	h = limitInFlight(c.MaxInFlight, h)
	h = recoverPanics(h)
	h = accessLog(c.Log, rt.m, h)
	return withInfo(h)
}

type router struct {
	c Config
	m *metrics
}

// wrap applies a route's access rule, rate limit and input check around its handler.
func (rt *router) wrap(r wire.Route) http.Handler {
	pattern := r.Method + " " + r.Pattern
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		info := wire.InfoFrom(req.Context())
		info.Pattern = pattern
		// A caller whose API token was verified a moment ago is counted before any database
		// work, so that refusing it over its limit costs no query.
		known := rt.known(req, r)
		if known != nil {
			if limitErr := rt.limit(w, req, r.Bucket, known); limitErr != nil {
				info.Principal = known
				rt.m.rejected(r.Bucket)
				wire.WriteError(w, req, limitErr)
				return
			}
		}
		p, err := rt.authenticate(req, r, known)
		info.Principal = p
		if known == nil {
			if limitErr := rt.limit(w, req, r.Bucket, p); limitErr != nil {
				rt.m.rejected(r.Bucket)
				wire.WriteError(w, req, limitErr)
				return
			}
		}
		if err == nil {
			err = wire.CheckInput(req, r)
		}
		if err != nil {
			wire.WriteError(w, req, err)
			return
		}
		r.Handler.ServeHTTP(w, req)
	})
}

// known is the caller of an Okta route whose API token the auth service verified a moment ago;
// nil when it must be authenticated first.
func (rt *router) known(req *http.Request, r wire.Route) *auth.Principal {
	switch r.Access {
	case wire.OktaRead, wire.OktaManage, wire.Admin:
		if p, ok := rt.c.Auth.KnownOkta(req.Header.Get("Authorization")); ok {
			return p
		}
	}
	return nil
}

// authenticate finds the caller and checks its access to the route; known is the caller
// rt.known already found (nil: none), which is not looked up again.
func (rt *router) authenticate(req *http.Request, r wire.Route, known *auth.Principal) (*auth.Principal, error) {
	ctx := req.Context()
	header := req.Header.Get("Authorization")
	switch r.Access {
	case wire.Public:
		return nil, nil
	case wire.OktaRead, wire.OktaManage, wire.Admin:
		p := known
		if p == nil {
			var err error
			if p, err = rt.c.Auth.Okta(ctx, header); err != nil {
				return nil, credentialErr(err, header)
			}
		}
		if r.Access == wire.Admin {
			if !p.Admin {
				return p, wire.Forbidden()
			}
			return p, nil
		}
		scope := auth.ScopeRead
		if r.Access == wire.OktaManage {
			scope = auth.ScopeManage
		}
		if !p.Allows(scope) {
			return p, insufficientScope(req, scope)
		}
		return p, nil
	case wire.AgentCred:
		p, err := rt.c.Auth.Agent(ctx, header)
		return p, credentialErr(err, header)
	case wire.Registration:
		p, err := rt.c.Auth.Registration(ctx, header)
		return p, credentialErr(err, header)
	case wire.OPABearer:
		p, err := rt.c.Auth.OPA(ctx, header, req.PathValue("team_name"), rt.c.Now())
		if err != nil {
			return nil, wire.Unauthorized(err)
		}
		if len(r.Roles) > 0 && !p.HasAnyRole(r.Roles...) {
			// OPA answers a missing role with 401, not 403.
			return p, fault.MissingRole()
		}
		return p, nil
	}
	return nil, wire.Internal(errors.New("route has no access rule"))
}

func credentialErr(err error, header string) error {
	if err == nil {
		return nil
	}
	if !errors.Is(err, auth.ErrInvalid) {
		return wire.Internal(err)
	}
	e := wire.InvalidToken()
	e.Err = err
	if strings.HasPrefix(strings.ToLower(header), "bearer ") {
		e.Header = http.Header{"Www-Authenticate": {`Bearer error="invalid_token", error_description="The access token is invalid"`}}
	}
	return e
}

// insufficientScope is Okta's answer to a bearer token without the scope: 403, no body, and a
// WWW-Authenticate header naming the scope.
func insufficientScope(r *http.Request, scope string) error {
	org := wire.BaseURL(r)
	return &wire.Error{Status: http.StatusForbidden, Code: wire.CodeForbidden, NoBody: true,
		Summary: "insufficient scope", Header: http.Header{"Www-Authenticate": {
			`Bearer authorization_uri="` + org + `/oauth2/v1/authorize", realm="` + org + `", scope="` + scope +
				`", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="` +
				r.URL.Path + `"`}}}
}

// limit counts the request against the route's bucket ("" for none), in the bucket's dialect.
func (rt *router) limit(w http.ResponseWriter, r *http.Request, bucket string, p *auth.Principal) error {
	switch bucket {
	case "":
		return nil
	case wire.BucketOPA:
		return rt.c.OPALimiter.TakeOPA(limitKey(bucket, r, p))
	}
	return rt.c.Limiter.Take(w, limitKey(bucket, r, p))
}

// limitKey names whose requests a bucket counts: the org's or team's when the caller is known,
// else the client address's.
func limitKey(bucket string, r *http.Request, p *auth.Principal) string {
	switch {
	case p != nil && p.OrgID != "":
		return bucket + "|org:" + p.OrgID
	case p != nil && p.TeamID != "":
		return bucket + "|team:" + p.TeamID
	}
	return bucket + "|ip:" + clientIP(r)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
