package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/keyward/keyward/internal/limits"
)

// checkJSON walks a body's tokens once before it is decoded and refuses what json.Unmarshal
// would let through: invalid UTF-8 (Unmarshal turns it into U+FFFD), NUL characters (PostgreSQL
// refuses them), strings over limits.Text (each validator applies its field's own, tighter
// limit), duplicate keys (Unmarshal keeps the last, while a proxy in front may have read the
// first), and nesting deeper than limits.Depth. Syntax errors are left to Unmarshal, which words
// them better.
func checkJSON(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []*frame
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or a syntax error Unmarshal reports
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if len(stack) == limits.Depth {
					return MalformedJSON(fmt.Sprintf("the body nests deeper than %d levels", limits.Depth))
				}
				f := &frame{object: d == '{'}
				if f.object {
					f.keys = map[string]bool{}
				}
				stack = append(stack, f)
			default:
				stack = stack[:len(stack)-1]
				if len(stack) > 0 {
					stack[len(stack)-1].valueDone()
				}
			}
			continue
		}
		s, isString := tok.(string)
		if top != nil && top.object && !top.haveKey {
			// An object key: the decoder only returns strings here.
			field := childPath(stack, shown(s))
			if !utf8.Valid(body[start:dec.InputOffset()]) {
				return textErr(field, field+": the key must be valid UTF-8")
			}
			if cause := limits.Check(field, s, limits.Text); cause != "" {
				return textErr(field, cause)
			}
			if top.keys[s] {
				return MalformedJSON(field + ": duplicate key")
			}
			top.keys[s], top.key, top.haveKey = true, shown(s), true
			continue
		}
		if isString {
			field := fieldPath(stack)
			if !utf8.Valid(body[start:dec.InputOffset()]) {
				return textErr(field, field+": must be valid UTF-8")
			}
			if cause := limits.Check(field, s, limits.Text); cause != "" {
				return textErr(field, cause)
			}
		}
		if top != nil {
			top.valueDone()
		}
	}
}

// frame is an array or object being read.
type frame struct {
	object  bool
	keys    map[string]bool // keys seen so far (objects)
	key     string          // the current key (objects)
	haveKey bool            // the current key's value is next (objects)
	index   int             // the current element (arrays)
}

func (f *frame) valueDone() {
	if f.object {
		f.haveKey = false
	} else {
		f.index++
	}
}

// fieldPath names the value being read, as errorCauses name fields: "agents[2].id".
func fieldPath(stack []*frame) string {
	var b strings.Builder
	for _, f := range stack {
		switch {
		case f.object && f.haveKey:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		case !f.object:
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
		}
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}

// childPath names the field key of the object being read.
func childPath(stack []*frame, key string) string {
	if p := fieldPath(stack); p != "body" {
		return p + "." + key
	}
	return key
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
