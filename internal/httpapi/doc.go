// Package httpapi is keyward's HTTP platform: the route table for every API, and the middleware
// each request passes through, outermost first:
//
//	request info (X-Okta-Request-Id) → access log → metrics → panic recovery → body limit →
//	router → per route: authentication and scope/role check → rate limit → handler
//
// Unknown paths answer 404 and wrong methods 405 in the dialect of the path (see package wire).
// Handlers live in the okta, admin, agentproto and opa subpackages; they never see SQL or
// net/http status codes for domain failures, only return errors.
package httpapi
