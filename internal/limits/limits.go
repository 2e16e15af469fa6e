package limits

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Lengths are counted in characters (Unicode code points), as Okta documents its limits.
const (
	Name        = 255  // pool, agent, update job, service app and API token names
	Reason      = 1024 // an update job's reason
	Description = 1024 // descriptions
	Message     = 1024 // heartbeat and progress messages
	Version     = 64   // version strings; each dotted part at most 9 digits
	ID          = 255  // ids and names in a path, an assertion's iss, sub and jti: longer ones name nothing
	Query       = 2048 // any query parameter, paging cursors included
	Text        = 8192 // any other string in a JSON body
	Depth       = 64   // how deeply a JSON body may nest arrays and objects

	ServiceAccountName     = 50    // a UD or SaaS service account's name (OPA's ServiceAccountEndUser bound)
	ServiceAccountUsername = 100   // a UD or SaaS service account's username (same)
	ServiceAccountFeed     = 10000 // accounts in one feed of an app's or the Universal Directory's accounts

	SecretName        = 255  // a project secret's or secret folder's name
	SecretFolderDepth = 16   // how deeply secret folders nest under a top-level folder
	SecretEntries     = 64   // key/value pairs of one secret
	SecretEntryKey    = 255  // one key of a secret
	SecretValue       = 4096 // bytes of a secret's key/value pairs as JSON (a JWE of it fits limits.Text)
)

// Storable reports whether s can be stored as text on every backend: valid UTF-8 without NUL.
func Storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// Check says what is wrong with the text s of field (a cause such as "name: must be at most
// 255 characters"), or "" when it is storable and at most max characters long.
func Check(field, s string, max int) string {
	switch {
	case !utf8.ValidString(s):
		return field + ": must be valid UTF-8"
	case strings.ContainsRune(s, 0):
		return field + ": must not contain NUL characters"
	case utf8.RuneCountInString(s) > max:
		return fmt.Sprintf("%s: must be at most %d characters", field, max)
	}
	return ""
}

// Causes collects the non-empty results of Check.
func Causes(checks ...string) []string {
	var out []string
	for _, c := range checks {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}
