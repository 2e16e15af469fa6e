// Package fault is how domain packages say what went wrong without knowing HTTP: a kind
// (invalid input, illegal state, not found, conflict) with a summary and causes. The HTTP layer
// maps each kind to the API's status and error body in one place.
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
	Invalid  Kind = iota + 1 // bad input or an illegal state transition (400)
	NotFound                 // the resource does not exist for this caller (404)
	Conflict                 // the request clashes with the current state (409)
)

// Kinds added for the OPA API.
const (
	Unauthorized       Kind = Conflict + 1 + iota // no valid credential, or (OPA) no role for the operation (401)
	Forbidden                                     // a valid caller may not do this (403)
	PreconditionFailed                            // a precondition of the request does not hold (412)
)

// Error is a domain failure meant for the API caller.
type Error struct {
	Kind    Kind
	Summary string
	Causes  []string
	ID      string // NotFound: the id asked for
	Type    string // NotFound: the resource type, e.g. "AgentPool"
}

func (e *Error) Error() string {
	s := e.Summary
	if len(e.Causes) > 0 {
		s += ": " + strings.Join(e.Causes, "; ")
	}
	return s
}

// Invalidf is an Invalid fault about what, with one cause per problem.
func Invalidf(what string, causes ...string) *Error {
	return &Error{Kind: Invalid, Summary: what, Causes: causes}
}

// Missing is a NotFound fault for id of type typ.
func Missing(id, typ string) *Error {
	return &Error{Kind: NotFound, Summary: fmt.Sprintf("Resource not found: %s (%s)", id, typ), ID: id, Type: typ}
}

// Conflictf is a Conflict fault.
func Conflictf(format string, a ...any) *Error {
	return &Error{Kind: Conflict, Summary: fmt.Sprintf(format, a...)}
}

// As returns err's *Error, if it has one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
