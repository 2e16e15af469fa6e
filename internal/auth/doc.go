// Package auth checks every credential keyward accepts and says who the caller is:
//
//   - SSWS API tokens (Okta's "Authorization: SSWS <token>"); admin tokens may also use /keyward/v1;
//   - OAuth 2.0 access tokens issued by keyward's own /oauth2/v1/token to service apps;
//   - agent credentials and agent registration tokens (the agent protocol);
//   - OPA service tokens minted from a service user's API key.
//
// Secrets are compared by their SHA-256 hash; none is stored in clear.
package auth
