// Package wire is what every keyward handler package shares: the Handler type that returns
// errors, the route row (Route: pattern, operationId, Access, OPA Roles, rate-limit bucket), JSON
// decoding and encoding, and the authenticated principal in the request context.
//
// Errors: domain code returns faults (package fault: kind, resource, field-named causes) and never
// words an error for an API. As turns any error into an Error carrying both dialects' words, and
// WriteError writes the one the path calls for: Okta's errorCode/errorSummary/errorCauses on
// /api/v1, /oauth2, /agent and /keyward, OPA's {"code","message","type"} on /v1/teams. An OPA
// message names the failing field and never carries Okta's "Api validation failed". Errors made
// before any domain code runs (JSON decoding, the router) are built here as Error values.
package wire
