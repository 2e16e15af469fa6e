// Package paging is the one paging helper per API dialect.
//
// Okta (ParseOkta, WriteOkta): a page size parameter and an opaque `after` cursor that the domain
// makes; the answer is a JSON array with `Link: <…>; rel="self"` and, unless it is the last
// page, `rel="next"`. An empty list carries no Link at all, as Okta answers.
//
// OPA (OPA.Parse, List, OPA.Write): `count`, `offset`, `descending`, `prev`; the answer is
// {"list":[…]} with ONE Link header line holding the absolute rel="next" and/or rel="prev" URLs,
// and no Link header on a last page without a previous one (the OPA Terraform provider reads only
// the first Link line and follows its first rel="next"). An offset is the last sort key seen and
// the order, signed with HMAC-SHA256 over the list's path: opaque to clients, and a tampered or
// foreign offset answers 400. A store plugs in as a Fetch: "up to n items after key k, ascending
// or descending".
package paging
