package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/keyward/keyward/internal/limits"
)

// checkJSON walks a body once before it is decoded and refuses what json.Unmarshal would let
// through: invalid UTF-8 (Unmarshal turns it into U+FFFD), NUL characters (PostgreSQL refuses
// them), strings over limits.Text (each validator applies its field's own, tighter limit),
// duplicate keys (Unmarshal keeps the last, while a proxy in front may have read the first), and
// nesting deeper than limits.Depth. It reads the bytes itself, without allocating per value, as
// it runs on every request; syntax errors stop it and are left to Unmarshal, which words them.
func checkJSON(body []byte) error {
	s := &scanner{b: body}
	if err := s.value(0); err != errSyntax {
		return err
	}
	return nil
}

// errSyntax stops the scan at a syntax error; Unmarshal then reports it.
var errSyntax = errors.New("syntax error")

// scanner reads one JSON text. Its methods return a refusal, errSyntax, or nil.
type scanner struct {
	b    []byte
	i    int
	path []step // where the value being read is
}

// step is one level of a field path: an object key or an array index.
type step struct {
	key   string
	index int
	array bool
}

func (s *scanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) value(depth int) error {
	switch s.peek() {
	case '{', '[':
		if depth == limits.Depth {
			return MalformedJSON(fmt.Sprintf("the body nests deeper than %d levels", limits.Depth))
		}
		if s.b[s.i] == '{' {
			return s.object(depth + 1)
		}
		return s.array(depth + 1)
	case '"':
		_, err := s.str(false)
		return err
	case 0:
		return errSyntax
	}
	start := s.i // a number or a literal: Unmarshal checks its form
	for s.i < len(s.b) && strings.IndexByte("+-.0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", s.b[s.i]) >= 0 {
		s.i++
	}
	if s.i == start {
		return errSyntax
	}
	return nil
}

func (s *scanner) object(depth int) error {
	s.i++ // {
	if s.peek() == '}' {
		s.i++
		return nil
	}
	var seen map[string]bool
	var first string
	s.path = append(s.path, step{})
	defer func() { s.path = s.path[:len(s.path)-1] }()
	for n := 0; ; n++ {
		if s.peek() != '"' {
			return errSyntax
		}
		key, err := s.str(true)
		if err != nil {
			return err
		}
		s.path[len(s.path)-1].key = shown(key)
		// Unmarshal matches keys to struct fields ignoring case, so "Name" repeats "name".
		key = strings.ToLower(key)
		// Most objects hold one or two keys: a map only from the third on.
		dup := false
		switch {
		case n == 0:
			first = key
		case n == 1:
			dup = key == first
			seen = map[string]bool{first: true, key: true}
		default:
			dup = seen[key]
			seen[key] = true
		}
		if dup {
			return MalformedJSON(s.field() + ": duplicate key")
		}
		if s.peek() != ':' {
			return errSyntax
		}
		s.i++
		if err := s.value(depth); err != nil {
			return err
		}
		if done, err := s.after('}'); done || err != nil {
			return err
		}
	}
}

func (s *scanner) array(depth int) error {
	s.i++ // [
	if s.peek() == ']' {
		s.i++
		return nil
	}
	s.path = append(s.path, step{array: true})
	defer func() { s.path = s.path[:len(s.path)-1] }()
	for n := 0; ; n++ {
		s.path[len(s.path)-1].index = n
		if err := s.value(depth); err != nil {
			return err
		}
		if done, err := s.after(']'); done || err != nil {
			return err
		}
	}
}

// after reads what follows an element: a comma, more to come, or the closing byte.
func (s *scanner) after(closing byte) (bool, error) {
	switch s.peek() {
	case ',':
		s.i++
		return false, nil
	case closing:
		s.i++
		return true, nil
	}
	return false, errSyntax
}

// str reads a string at s.i and checks it as text any store can hold. The key of an object
// (isKey) is returned; values are checked without being copied unless they hold escapes.
func (s *scanner) str(isKey bool) (string, error) {
	start := s.i
	s.i++ // "
	escaped := false
	for ; s.i < len(s.b); s.i++ {
		c := s.b[s.i]
		if c == '\\' {
			escaped = true
			s.i++
			continue
		}
		if c < 0x20 {
			return "", errSyntax
		}
		if c == '"' {
			break
		}
	}
	if s.i >= len(s.b) {
		return "", errSyntax
	}
	s.i++ // "
	raw := s.b[start+1 : s.i-1]
	if !utf8.Valid(raw) {
		if isKey {
			field := s.keyField(string(raw))
			return "", textErr(field, field+": the key must be valid UTF-8")
		}
		return "", textErr(s.field(), s.field()+": must be valid UTF-8")
	}
	if !escaped && !isKey && len(raw) <= limits.Text {
		return "", nil // no NUL (raw control characters are a syntax error), short enough
	}
	text := string(raw)
	if escaped {
		if err := json.Unmarshal(s.b[start:s.i], &text); err != nil {
			return "", errSyntax
		}
	}
	field := s.field()
	if isKey {
		field = s.keyField(text)
	}
	if cause := limits.Check(field, text, limits.Text); cause != "" {
		return "", textErr(field, cause)
	}
	return text, nil
}

// field names the value being read, as errorCauses name fields: "agents[2].id"; "body" for the
// whole body.
func (s *scanner) field() string {
	var b strings.Builder
	for _, st := range s.path {
		if st.array {
			b.WriteString("[" + strconv.Itoa(st.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(st.key)
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}

// keyField names the key being read in the innermost object.
func (s *scanner) keyField(key string) string {
	s.path[len(s.path)-1].key = shown(key)
	return s.field()
}

// shown is a key as an error message may repeat it: valid UTF-8, without NUL, and short.
func shown(key string) string {
	if limits.Storable(key) && len(key) <= 64 {
		return key
	}
	key = strings.ToValidUTF8(strings.ReplaceAll(key, "\x00", `\u0000`), "\uFFFD")
	if len(key) > 64 {
		cut := 64
		for !utf8.RuneStart(key[cut]) {
			cut--
		}
		key = key[:cut] + "…"
	}
	return key
}

// textError is a string of a body that no store can hold or that is over its limit: 400
// E0000001 naming the field.
type textError struct{ err *Error }

func textErr(field, cause string) error { return &textError{Validation(field, cause)} }

func (e *textError) Error() string { return e.err.Error() }
func (e *textError) Unwrap() error { return e.err }
