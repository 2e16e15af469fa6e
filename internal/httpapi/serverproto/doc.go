// Package serverproto serves keyward's server-agent protocol under /server/v1
// (docs/server-protocol.md): a server agent enrolls with a project's enrollment token, then
// heartbeats with the server credential it was given, reporting the server's local accounts and
// receiving the instructions queued for it, and reports each instruction's result. It decodes
// and validates requests and leaves the rules to package pam. Credentials travel as
// "Authorization: Bearer …"; errors are in Okta's format, as on the agent protocol.
package serverproto
