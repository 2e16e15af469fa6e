// Package seed loads, exports and wipes keyward's state as a whole, as users of a local
// emulator expect: a seed document (YAML or JSON, one format for the Okta and the OPA side)
// creates what the admin API can create, idempotently, objects matched by name; a snapshot
// exports the state as a seed document that loads back into the same listings; resets empty one
// Okta org, one OPA team or the whole server in one transaction (docs/seed.md).
//
// The document is made of sections, each in its own file (section_*.go) with one loader and one
// exporter, listed in sections.go: adding one is a file and a line there, plus its part of
// schema/seed.schema.json.
package seed
