// Package wire is what every keyward handler package shares: the Handler type that returns
// errors, the one place that turns an error into the API's own error body (Okta's
// errorCode/errorSummary on /api/v1, /oauth2, /agent and /keyward; OPA's code/message/type on
// /v1/teams), JSON decoding and encoding, and the authenticated principal in the request context.
package wire
