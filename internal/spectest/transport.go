package spectest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"testing"
)

// Transport returns an http.RoundTripper that sends requests through next
// (http.DefaultTransport if nil) and checks every response to a request whose
// path starts with s.PathPrefix(). See the package-level Transport.
func (s *Spec) Transport(t testing.TB, next http.RoundTripper) http.RoundTripper {
	return Transport(t, next, s)
}

// Transport returns an http.RoundTripper that sends requests through next
// (http.DefaultTransport if nil). A response to a request whose path starts
// with the PathPrefix of one of specs is read fully and checked against the
// first such spec that describes the operation (several documents share
// /v1/teams/: opa-projects.yaml and opa-team.yaml), or the first such spec
// when none does; a failure is reported with t.Errorf, so it fails the test
// without stopping it. The response is then returned with its body replaced
// by an in-memory copy holding the same bytes. Responses on other paths pass
// through unchecked.
func Transport(t testing.TB, next http.RoundTripper, specs ...*Spec) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &checkingTransport{t: t, next: next, specs: specs}
}

type checkingTransport struct {
	t     testing.TB
	next  http.RoundTripper
	specs []*Spec
}

func (c *checkingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	spec := c.specFor(req)
	if spec == nil {
		return resp, nil
	}
	body, rerr := io.ReadAll(resp.Body)
	cerr := resp.Body.Close()
	if rerr == nil {
		rerr = cerr
	}
	if rerr != nil {
		err := fmt.Errorf("spectest: %s %s -> %d: reading response body: %w", req.Method, req.URL.Path, resp.StatusCode, rerr)
		c.t.Errorf("%v", err)
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if verr := spec.ValidateResponse(req, resp.StatusCode, resp.Header, body); verr != nil {
		c.t.Errorf("spectest: %v", verr)
	}
	return resp, nil
}

func (c *checkingTransport) specFor(req *http.Request) *Spec {
	var first *Spec
	for _, s := range c.specs {
		if s == nil || !s.covers(req.URL.Path) {
			continue
		}
		if s.describes(req) {
			return s
		}
		if first == nil {
			first = s
		}
	}
	return first
}
