package spectest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// undeclaredAllowed lists the statuses a server may send without the
// operation declaring them, provided the body is an error object.
var undeclaredAllowed = map[int]bool{
	http.StatusBadRequest:           true,
	http.StatusUnauthorized:         true,
	http.StatusMethodNotAllowed:     true,
	http.StatusLengthRequired:       true,
	http.StatusUnsupportedMediaType: true,
	http.StatusInternalServerError:  true,
	// Every operation may be rate limited; the OPA documents declare 429 nowhere, though live
	// OPA sends it and its clients read X-RateLimit-Retry-At.
	http.StatusTooManyRequests: true,
}

// ValidateResponse checks one response (status, headers and body) against
// the operation that req addresses. Only req's method and URL path are used.
// The error, if any, names the method, path and status and what failed.
func (s *Spec) ValidateResponse(req *http.Request, status int, header http.Header, body []byte) error {
	if err := s.validate(req, status, header, body); err != nil {
		return fmt.Errorf("%s: %s %s -> %d: %w", s.name, req.Method, req.URL.Path, status, err)
	}
	return nil
}

func (s *Spec) validate(req *http.Request, status int, header http.Header, body []byte) error {
	// A request carrying only method and path: host and scheme never matter.
	rreq := &http.Request{
		Method: req.Method,
		URL:    &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath},
		Header: http.Header{},
	}
	route, params, err := s.router.FindRoute(rreq)
	switch {
	case err == nil:
	case s.lenient:
		return nil
	case errors.Is(err, routers.ErrMethodNotAllowed) && status == http.StatusMethodNotAllowed:
		if berr := s.profile.dialect.checkError(header, body); berr != nil {
			return fmt.Errorf("method not described; 405 body: %w", berr)
		}
		return nil
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return errors.New("method not described for this path")
	default:
		return fmt.Errorf("no operation in the document matches: %w", err)
	}
	op := route.Operation
	if s.profile.dialect == dialectOkta && status == http.StatusForbidden && len(body) == 0 &&
		strings.Contains(strings.Join(header.Values("WWW-Authenticate"), ", "), "insufficient_scope") {
		return nil
	}
	ref := op.Responses.Status(status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	live := Response{Document: s.name, OperationID: op.OperationID, Status: status, Declared: ref != nil, Header: header, Body: body}
	if d := s.deviation(live); d != nil {
		if err := d.Check(live); err != nil {
			return fmt.Errorf("operation %s, deviation %s: %w", op.OperationID, d.Name, err)
		}
		return nil
	}
	if ref == nil {
		if !undeclaredAllowed[status] {
			return fmt.Errorf("status not declared for operation %s", op.OperationID)
		}
		if berr := s.profile.dialect.checkError(header, body); berr != nil {
			return fmt.Errorf("status not declared for operation %s and body is not an error object: %w", op.OperationID, berr)
		}
		return nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    rreq,
			PathParams: params,
			Route:      route,
			Options:    s.options,
		},
		Status:  status,
		Header:  header,
		Options: s.options,
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("operation %s: %w", op.OperationID, err)
	}
	if ref.Value != nil && len(ref.Value.Content) == 0 && len(body) != 0 {
		return fmt.Errorf("operation %s declares no content for this status but the body has %d bytes", op.OperationID, len(body))
	}
	return nil
}

// checkError reports why body is not a complete error object of dialect d.
func (d dialect) checkError(header http.Header, body []byte) error {
	ct := header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return fmt.Errorf("content type %q is not application/json", ct)
	}
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return fmt.Errorf("body is not a JSON object: %q", truncate(body))
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	var problems []string
	need := func(key, kind string, ok func(any) bool) {
		v, present := obj[key]
		if !present {
			problems = append(problems, fmt.Sprintf("missing %s", key))
		} else if !ok(v) {
			problems = append(problems, fmt.Sprintf("%s is not %s", key, kind))
		}
	}
	switch d {
	case dialectOkta:
		for _, k := range []string{"errorCode", "errorSummary", "errorLink", "errorId"} {
			need(k, "a string", isString)
		}
		need("errorCauses", "an array", func(v any) bool { _, ok := v.([]any); return ok })
	case dialectOPA:
		need("code", "an integer", func(v any) bool {
			n, ok := v.(json.Number)
			if !ok {
				return false
			}
			_, err := n.Int64()
			return err == nil
		})
		need("message", "a string", isString)
		need("type", "a string", isString)
	default:
		return fmt.Errorf("unknown error dialect %d", d)
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

func isString(v any) bool { _, ok := v.(string); return ok }

func truncate(b []byte) string {
	const max = 200
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}
