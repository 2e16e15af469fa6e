// Package client is a small, dependency-free Go client for keyward.
//
// It covers these surfaces of a keyward server:
//
//   - the admin API under /keyward/v1 (pools, agents, registration tokens,
//     releases, service apps, API tokens and the clock), authenticated with
//     "Authorization: SSWS <token>" (see [New] and [WithToken]);
//   - the agent protocol under /agent/v1: [Client.Register] trades a
//     registration token for an agent credential, and an [Agent] built with
//     [NewAgent] sends heartbeats and update progress with that credential;
//   - the few Okta Agent Pools API calls a simulator needs:
//     [Client.ListAgentPools], which follows Link rel="next" headers until
//     the last page, and [Client.ListUpdates];
//   - the Okta Privileged Access API of one team under /v1/teams/{team}: an
//     [OPA] client built with [NewOPA] trades a service user's API key for a
//     bearer token, caches it and replaces it before expiry or on a 401; one
//     built with [NewOPAWithToken] sends a human user's token, which
//     [Client.MintUserToken] mints (teams and their users: client/opa_admin.go).
//
// Every call takes a context. A non-2xx answer is returned as an *[APIError]
// parsed from Okta's (or OPA's) error body; network and decoding failures are returned
// as ordinary wrapped errors.
//
// The package imports only the standard library and no other keyward package,
// so it can be vendored by agents and tools that run outside the server.
package client
