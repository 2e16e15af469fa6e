// Package oauth implements the OAuth 2.0 client credentials flow that Okta
// offers to service apps, in the form the Okta management SDKs use in their
// "PrivateKey" authorization mode.
//
// A service app authenticates to POST /oauth2/v1/token with a form-encoded
// body:
//
//	grant_type=client_credentials
//	scope=<space separated scopes>
//	client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer
//	client_assertion=<JWT signed with the app's private key>
//
// The client assertion (RFC 7523) carries iss=sub=<client id>,
// aud=<org URL>/oauth2/v1/token, iat, exp (the SDK uses iat + 1 hour) and a
// random jti. Its header has alg RS256 (ES256 for EC keys) and a kid only
// when the app was configured with a key id. Issuer.Token checks the
// assertion against the client's registered JSON Web Key Set, rejects
// replayed jti values and answers with a Bearer access token: a JWT signed
// RS256 by the server's Signer, whose public keys are published as a JWKS
// (GET /oauth2/v1/keys, see Signer.JWKS). Issuer.Verify checks such a token
// on later API calls.
//
// The package has no HTTP handlers. A handler parses the form with
// ParseTokenRequest, calls Issuer.Token and writes either the TokenResponse
// as JSON or, for an *Error, Error.Status with Error.Body. Responses must
// carry "Content-Type: application/json": the SDK refuses to decode a token
// response of any other type. Token responses should also carry
// "Cache-Control: no-store" (RFC 6749 section 5.1).
//
// The SDK does not read the body of a failed token call: it reports "Empty
// access token" for any status >= 300, except that a body mentioning
// "invalid_dpop_proof" makes it retry with a DPoP proof. This package never
// demands DPoP, so the token type is always "Bearer".
package oauth
