// Package spectest checks HTTP responses against the OpenAPI documents
// committed in the repository's api/ directory.
//
// Load reads a document once per test binary, validates it and builds a
// path-only router for it: the document's servers are ignored, so a response
// is matched by method and path whatever host or scheme the request used.
//
// Only responses are checked, never requests. A response whose status is
// declared for its operation (or covered by a `default` response) must match
// the declared headers, media type and schema; a declared response without
// content must have an empty body. An undeclared status is accepted only in
// these cases:
//
//   - 400, 401, 405, 411, 415, 429 and 500 with an application/json body that is
//     a complete error object of the document's dialect: for the Okta
//     management API an object with string errorCode, errorSummary,
//     errorLink and errorId and an array errorCauses; for Okta Privileged
//     Access an object with integer code and string message and type;
//   - 405 for a method the document does not describe on a path it does,
//     again with a complete error object.
//
// On the Okta management API a 403 with an empty body whose WWW-Authenticate
// header mentions insufficient_scope is also accepted, although the
// operations declare a JSON body for 403.
//
// A request for an operation the document does not describe is an error,
// unless the Spec was obtained with Lenient.
//
// Use Spec.ValidateResponse to check one response, or wrap a client's
// transport with Spec.Transport or Transport so that every response on the
// document's paths is checked and reported through the test. The two OPA
// documents (opa-projects.yaml and opa-team.yaml) both cover /v1/teams/;
// given both, Transport checks each response against the one describing the
// operation. Spec.Operation finds an operation by operationId, for tests that
// compare route tables with the documents (e.g. x-okta-opa-roles).
//
// Where live OPA answers otherwise than the OPA documents say, and clients depend on it, the
// difference is a named entry of Deviations (deviations.go), with its reason; a Spec from
// WithDeviations checks the responses an entry covers with the entry's own check, and everything
// else against the document. Load's Spec holds the document as written.
package spectest
