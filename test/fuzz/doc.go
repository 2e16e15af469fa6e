// Package fuzz sends hostile input to every route of every API keyward mounts, on SQLite and on
// PostgreSQL: NUL and invalid UTF-8 (raw and percent-encoded) in path, query and body, over-long
// strings, huge numbers, deep nesting, wrong types, duplicate keys and wrong media types, with a
// credential of the route's access kind and without. No answer may be a 5xx, and a refused write
// must leave the listable state as it was. The routes come from the tables the server mounts
// (app.App.Routes), so a new route is covered without editing the test.
package fuzz
