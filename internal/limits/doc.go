// Package limits is the one table of input limits every path shares: how long each kind of text
// may be, and what text can be stored at all. PostgreSQL refuses NUL characters and invalid UTF-8
// that SQLite stores, and a unique index refuses a key over about 2.7 KB, so every text that
// reaches a store goes through Check here, whichever API it came in by: the JSON decoder applies
// it to every string of every request body (with the catch-all limit Text), the router to every
// path value and query parameter, and the validators to the fields they own, with their own
// limit from the table. The README's input limits table repeats these figures.
package limits
