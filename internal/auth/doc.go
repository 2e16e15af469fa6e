// Package auth checks every credential keyward accepts and says who the caller is:
//
//   - SSWS API tokens (Okta's "Authorization: SSWS <token>"); admin tokens may also use /keyward/v1;
//   - OAuth 2.0 access tokens issued by keyward's own /oauth2/v1/token to service apps;
//   - agent credentials and agent registration tokens (the agent protocol);
//   - OPA bearer tokens ("Authorization: Bearer <token>", minted by POST
//     /v1/teams/{team}/service_token from a service user's API key, or by the admin API for a
//     human user): Service.OPA resolves one to its team and user (package pam's Caller for a
//     user's token) and refuses it on another team's path.
//
// OPA roles are resolved at each request through a RoleSource; TokenRoles, the default, reads
// the roles stored with the token. Holding one of a route's roles is checked by the router
// (Principal.HasAnyRole); scoping delegated roles to resource groups is the domain's work.
// "SSWS <token>" may also be written "SSWS<token>", as Okta's Python SDK sends it.
//
// Secrets are compared by their SHA-256 hash; none is stored in clear.
package auth
