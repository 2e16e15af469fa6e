package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
)

// Decode reads r's JSON body into v. It answers 415 E0000021 for a body that is not JSON, 400
// E0000003 for malformed JSON, a value of the wrong type or a duplicate key, 400 E0000001 naming
// the field for a string that is not storable text or is over its limit (package limits), and
// 413 for a body over the limit. Unknown fields are ignored, as Okta's clients may send fields of
// newer spec versions.
func Decode(r *http.Request, v any) error {
	body, err := readJSON(r)
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return MalformedJSON("the request body is empty")
	}
	return unmarshal(body, v)
}

// DecodeOptional is Decode for an operation whose body may be left out: an empty body leaves v
// as it is; anything else must be JSON that Decode accepts.
func DecodeOptional(r *http.Request, v any) error {
	body, err := readJSON(r)
	if err != nil || len(body) == 0 {
		return err
	}
	return unmarshal(body, v)
}

// DecodeCredential is Decode for a body that carries a credential to exchange (a key id and
// secret): a string no store can hold, or one over its limit, matches no credential, so it is
// 401 E0000011 as a wrong one is, not 400.
func DecodeCredential(r *http.Request, v any) error {
	err := Decode(r, v)
	var te *textError
	if errors.As(err, &te) {
		e := InvalidToken()
		e.Err = te
		return e
	}
	return err
}

// readJSON checks the content type and reads the body.
func readJSON(r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "application/merge-patch+json") {
			return nil, &Error{Status: http.StatusUnsupportedMediaType, Code: CodeMediaType,
				Summary: "Unsupported media type: " + ct, Causes: []string{"Send the body as application/json."}}
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeValidation,
				Summary: fmt.Sprintf("Api validation failed: the request body is larger than %d bytes", tooBig.Limit)}
		}
		return nil, MalformedJSON("the request body could not be read")
	}
	return body, nil
}

func unmarshal(body []byte, v any) error {
	if err := checkJSON(body); err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			field := typeErr.Field
			if field == "" {
				field = "the body"
			}
			return MalformedJSON(fmt.Sprintf("%s: must be %s, got %s", field, JSONKind(typeErr.Type), typeErr.Value))
		}
		return MalformedJSON(err.Error())
	}
	return nil
}

// JSONKind names, for a client, the JSON a Go type decodes from ("an object", "a whole number
// from 0 to 255"), so that a refusal never shows Go's type names.
func JSONKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map, reflect.Interface:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := t.Bits()
		return fmt.Sprintf("a whole number from %d to %d", int64(-1)<<(bits-1), int64(1)<<(bits-1)-1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return fmt.Sprintf("a whole number from 0 to %d", ^uint64(0)>>(64-t.Bits()))
	default:
		return "a number"
	}
}
