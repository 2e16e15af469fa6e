// Package httpapi is keyward's HTTP platform: the route table for every API, and the middleware
// each request passes through, outermost first:
//
//	request info (X-Okta-Request-Id) → access log → metrics → panic recovery → body limit →
//	router → per route: authentication and scope/role check → rate limit → handler
//
// Each route row names what it requires (wire.Access, and for OPA the roles of its
// x-okta-opa-roles) and its rate-limit bucket. Okta's buckets count per org and answer with
// X-Rate-Limit-Limit/Remaining/Reset; OPA's bucket (OPALimiter) counts per team and only its 429
// says anything: X-RateLimit-Retry-At, whole Unix seconds rounded up.
//
// Unknown paths answer 404 and wrong methods 405 in the dialect of the path (see package wire).
// Handlers live in the okta, admin, agentproto and opa subpackages; they never see SQL or
// net/http status codes for domain failures, only return errors.
package httpapi
