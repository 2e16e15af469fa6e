// Package fault is how domain packages say what went wrong without knowing HTTP or either API's
// wording: a kind (invalid input, not found, conflict, unauthorized, forbidden, precondition
// failed), the resource it concerns, and causes that name the input field at fault. The HTTP
// layer (internal/httpapi/wire) renders each kind in the words and status of the API that was
// called, Okta's or OPA's, in one place.
package fault

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies a fault.
type Kind int

// The kinds of fault.
const (
	Invalid            Kind = iota + 1 // bad input or an illegal state transition (400)
	NotFound                           // the resource does not exist for this caller (404)
	Conflict                           // the request clashes with the current state (409)
	Unauthorized                       // no valid credential, or (OPA) not the role the operation needs (401)
	Forbidden                          // authenticated and allowed in general, but not to this (403)
	PreconditionFailed                 // a condition the request set does not hold (412)
)

// Resource names what a fault concerns.
type Resource struct {
	ID   string // the id asked for
	Type string // the resource type, e.g. "AgentPool"
}

// Cause is one problem with the input.
type Cause struct {
	Field    string // the input field at fault, e.g. "name" or "agents[2].id"; "" for the request as a whole
	Text     string // the whole sentence shown to the caller; it names Field when there is one
	Required bool   // the field is missing (each dialect may word this its own way)
}

// Required is the cause of a missing field.
func Required(field, text string) Cause { return Cause{Field: field, Text: text, Required: true} }

// Error is a domain failure meant for the API caller.
type Error struct {
	Kind     Kind
	Summary  string // Invalid: the object or field refused; other kinds: a sentence
	Resource Resource
	Causes   []Cause
}

func (e *Error) Error() string {
	causes := strings.Join(e.CauseTexts(), "; ")
	switch {
	case causes == "":
		return e.Summary
	case e.Summary == "":
		return causes
	}
	return e.Summary + ": " + causes
}

// CauseTexts returns the causes' sentences.
func (e *Error) CauseTexts() []string {
	out := make([]string, len(e.Causes))
	for i, c := range e.Causes {
		out[i] = c.Text
	}
	return out
}

// Field is the first failing field, or "" when no cause names one.
func (e *Error) Field() string {
	for _, c := range e.Causes {
		if c.Field != "" {
			return c.Field
		}
	}
	return ""
}

// ParseCause reads a cause written "field: problem"; a sentence without such a prefix names no
// field.
func ParseCause(text string) Cause {
	field, _, ok := strings.Cut(text, ": ")
	if !ok || field == "" || strings.ContainsAny(field, " \t") {
		return Cause{Text: text}
	}
	return Cause{Field: field, Text: text}
}

// ParseCauses parses each text with ParseCause.
func ParseCauses(texts ...string) []Cause {
	out := make([]Cause, len(texts))
	for i, t := range texts {
		out[i] = ParseCause(t)
	}
	return out
}

// Invalidf is an Invalid fault about what, with one cause per problem, each written
// "field: problem" (or a sentence about the whole request).
func Invalidf(what string, causes ...string) *Error {
	return &Error{Kind: Invalid, Summary: what, Causes: ParseCauses(causes...)}
}

// InvalidFields is an Invalid fault about its first failing field, as Okta words validation
// errors ("Api validation failed: name").
func InvalidFields(causes ...Cause) *Error {
	e := &Error{Kind: Invalid, Causes: causes}
	e.Summary = e.Field()
	return e
}

// Missing is a NotFound fault for id of type typ.
func Missing(id, typ string) *Error {
	return &Error{Kind: NotFound, Summary: fmt.Sprintf("Resource not found: %s (%s)", id, typ), Resource: Resource{ID: id, Type: typ}}
}

// Conflictf is a Conflict fault.
func Conflictf(format string, a ...any) *Error {
	return &Error{Kind: Conflict, Summary: fmt.Sprintf(format, a...)}
}

// Unauthorizedf is an Unauthorized fault: a missing or invalid credential, or a role the caller
// lacks.
func Unauthorizedf(format string, a ...any) *Error {
	return &Error{Kind: Unauthorized, Summary: fmt.Sprintf(format, a...)}
}

// Forbiddenf is a Forbidden fault.
func Forbiddenf(format string, a ...any) *Error {
	return &Error{Kind: Forbidden, Summary: fmt.Sprintf(format, a...)}
}

// PreconditionFailedf is a PreconditionFailed fault.
func PreconditionFailedf(format string, a ...any) *Error {
	return &Error{Kind: PreconditionFailed, Summary: fmt.Sprintf(format, a...)}
}

// As returns err's *Error, if it has one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// MissingRole is OPA's answer to a caller without the operation's role, or whose delegated role
// does not reach the resource group in question: 401, as OPA answers.
func MissingRole() *Error { return Unauthorizedf("Missing capability: role") }
