package pam

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/limits"
	"github.com/keyward/keyward/internal/store"
)

// Resource names (teams, resource groups, projects) follow OPA's pattern.
var namePattern = regexp.MustCompile(`^[\w\-_.]+$`)

// emailPattern is the spec's pattern for a user's email.
var emailPattern = regexp.MustCompile("^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$")

// maxName bounds names; it also keeps indexed columns under PostgreSQL's index-key limit.
const maxName = 255

// checkResourceName is the cause against a team, resource group or project name, or "".
func checkResourceName(field, name string) string {
	switch {
	case name == "":
		return field + ": is required"
	case len(name) > maxName:
		return field + ": must be at most 255 characters"
	case !namePattern.MatchString(name):
		return field + ": may hold only letters, digits, '-', '_' and '.'"
	}
	return ""
}

// checkPrincipalName is the cause against a user or group name, or "". These may hold spaces
// (OPA's own example service user is "OPA User") but no control characters.
func checkPrincipalName(field, name string) string {
	switch {
	case strings.TrimSpace(name) == "":
		return field + ": is required"
	case utf8.RuneCountInString(name) > maxName:
		return field + ": must be at most 255 characters"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return field + ": must not hold control characters"
	}
	return checkText(field, name)
}

// checkText is the cause against free text PostgreSQL could not store (or longer than any text
// keyward takes), or "".
func checkText(field, s string) string { return limits.Check(field, s, limits.Text) }

// causes drops the empty ones.
var causes = limits.Causes

// listed lists the allowed values in a cause.
func listed(values []string) string {
	return strings.Join(values, ", ")
}

// checkPage refuses a page the database could not compare with: its filter and key come from
// the caller.
func checkPage(p store.Page) error {
	if cs := causes(checkText("contains", p.Contains), checkText("offset", p.After)); len(cs) > 0 {
		return fault.Invalidf("Page", cs...)
	}
	for _, id := range p.IDs {
		if !storable(id) {
			return fault.Invalidf("Page", "id: must be valid UTF-8 without NUL bytes")
		}
	}
	if len(p.Contains) > maxName {
		return fault.Invalidf("Page", "contains: must be at most 255 characters")
	}
	return nil
}

// storable reports whether an id or name from a path could be stored at all; one that could not
// names nothing.
func storable(s string) bool { return checkText("", s) == "" }
