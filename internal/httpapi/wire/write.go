package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
)

// Dialect is the error format of a part of the API.
type Dialect int

// The error dialects.
const (
	Okta Dialect = iota
	OPA
)

// DialectOf picks the dialect by path: OPA under /v1/teams, Okta everywhere else.
func DialectOf(path string) Dialect {
	if strings.HasPrefix(path, "/v1/") || path == "/v1" {
		return OPA
	}
	return Okta
}

type oktaError struct {
	ErrorCode    string       `json:"errorCode"`
	ErrorSummary string       `json:"errorSummary"`
	ErrorLink    string       `json:"errorLink"`
	ErrorID      string       `json:"errorId"`
	ErrorCauses  []oktaCauses `json:"errorCauses"`
}

type oktaCauses struct {
	ErrorSummary string `json:"errorSummary"`
}

type opaError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Type    string `json:"type"`
}

var opaTypes = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusUnauthorized:          "authorization_error",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "bad_request",
	http.StatusRequestEntityTooLarge: "bad_request",
	http.StatusUnsupportedMediaType:  "bad_request",
	http.StatusConflict:              "conflict",
	http.StatusPreconditionFailed:    "precondition_failed",
	http.StatusTooManyRequests:       "rate_limit_exceeded",
}

// WriteError answers r with err in the dialect of r's path.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	e := As(err)
	info := InfoFrom(r.Context())
	if info != nil {
		info.Err = err
	}
	for k, vs := range e.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if e.NoBody {
		w.WriteHeader(e.Status)
		return
	}
	if DialectOf(r.URL.Path) == OPA {
		JSON(w, e.Status, opaBody(e))
		return
	}
	body := oktaError{ErrorCode: e.Code, ErrorSummary: e.Summary, ErrorLink: e.Code, ErrorCauses: []oktaCauses{}}
	if info != nil {
		body.ErrorID = info.ErrorID()
	}
	for _, c := range e.Causes {
		body.ErrorCauses = append(body.ErrorCauses, oktaCauses{ErrorSummary: c})
	}
	JSON(w, e.Status, body)
}

// opaBody words e for OPA. Errors made outside package fault (JSON decoding, the router) carry
// Okta's words only: their message drops Okta's validation prefix.
func opaBody(e *Error) opaError {
	typ := opaTypes[e.Status]
	if typ == "" {
		typ = "internal_error" // the spec names no type for 5xx
	}
	msg := e.Message
	if msg == "" {
		msg = joinCauses(strings.TrimPrefix(e.Summary, oktaValidation), e.Causes)
	}
	return opaError{Code: e.Status, Message: msg, Type: typ}
}

// joinCauses is summary followed by the causes, as one sentence.
func joinCauses(summary string, causes []string) string {
	rest := strings.Join(causes, "; ")
	switch {
	case summary == "":
		return rest
	case rest == "":
		return summary
	}
	return summary + ": " + rest
}

// maxBuffered is the largest answer JSON holds whole before writing it. A longer list is checked
// element by element and then streamed, so that a client reading slowly holds one element's
// encoding in memory rather than the whole answer (the server's WriteTimeout bounds how long).
const maxBuffered = 256 << 10

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// JSON writes v as the JSON response body with status. Nothing is written until v has been
// encoded: an answer that cannot be encoded (a time past year 9999, say) becomes a 500 in the
// request's dialect, with the cause in the access log, instead of a status line with no body.
func JSON(w http.ResponseWriter, status int, v any) {
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 2*maxBuffered {
			buffers.Put(buf)
		}
	}()
	rest, err := encode(buf, v)
	if err != nil {
		encodeFailed(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil || rest == nil {
		return // a client gone away cannot be told anything
	}
	rest.stream(w)
}

// encode writes v's JSON (as json.Encoder writes it, newline included) to buf. For a list whose
// encoding outgrows maxBuffered it writes the elements that fit, checks that the others encode,
// and returns the rest to stream.
func encode(buf *bytes.Buffer, v any) (*listTail, error) {
	list := reflect.ValueOf(v)
	if list.Kind() != reflect.Slice || list.IsNil() || list.Type().Elem().Kind() == reflect.Uint8 ||
		list.Type().Implements(marshalerType) {
		return nil, json.NewEncoder(buf).Encode(v)
	}
	buf.WriteByte('[')
	from := -1 // the first element left out of buf
	// Elements that fit are encoded straight into buf (json.Encoder writes what json.Marshal
	// returns, plus a newline, and nothing when it fails); the others are only checked.
	enc := json.NewEncoder(buf)
	for i := range list.Len() {
		if from >= 0 {
			if _, err := json.Marshal(element(list, i)); err != nil {
				return nil, err
			}
			continue
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(element(list, i)); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1) // the newline
		if buf.Len() > maxBuffered {
			from = i + 1
		}
	}
	if from < 0 || from == list.Len() {
		buf.WriteString("]\n")
		return nil, nil
	}
	return &listTail{list: list, from: from}, nil
}

var marshalerType = reflect.TypeFor[json.Marshaler]()

// element is list[i] as the slice encoder sees it: addressable, so that pointer-receiver
// MarshalJSON methods apply.
func element(list reflect.Value, i int) any { return list.Index(i).Addr().Interface() }

// listTail is the part of a list answer still to be written.
type listTail struct {
	list reflect.Value
	from int
}

// stream writes the remaining elements one at a time, then the closing bracket.
func (t *listTail) stream(w io.Writer) {
	for i := t.from; i < t.list.Len(); i++ {
		b, err := json.Marshal(element(t.list, i))
		if err != nil {
			// The element encoded a moment ago: the value changed under us. The status is out, so
			// the only honest answer left is a cut connection rather than a well-formed lie.
			panic(http.ErrAbortHandler)
		}
		if _, err := w.Write(append([]byte{','}, b...)); err != nil {
			return
		}
	}
	_, _ = io.WriteString(w, "]\n")
}

// requester is a ResponseWriter that knows its request. The router's access log wraps every
// response in one, so that an answer that cannot be encoded is refused in the request's dialect.
type requester interface{ Request() *http.Request }

func encodeFailed(w http.ResponseWriter, err error) {
	err = Internal(fmt.Errorf("encoding the answer: %w", err))
	if rw, ok := w.(requester); ok {
		WriteError(w, rw.Request(), err)
		return
	}
	WriteError(w, &http.Request{URL: &url.URL{}}, err) // no request known: Okta's body
}

// NoContent answers 204.
func NoContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }
