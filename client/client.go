package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxBody bounds how much of a response body the client reads.
const maxBody = 16 << 20

// userAgent is sent with every request.
const userAgent = "keyward-client/1"

// Option configures a [Client] or an [Agent].
type Option func(*config)

type config struct {
	httpClient *http.Client
	token      string
}

// WithHTTPClient makes the client send its requests through hc instead of
// [http.DefaultClient].
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) { c.httpClient = hc }
}

// WithToken sets the admin API token sent as "Authorization: SSWS <token>"
// on admin and Okta API calls. It has no effect on an [Agent].
func WithToken(ssws string) Option {
	return func(c *config) { c.token = ssws }
}

func newConfig(opts []Option) config {
	c := config{httpClient: http.DefaultClient}
	for _, o := range opts {
		o(&c)
	}
	if c.httpClient == nil {
		c.httpClient = http.DefaultClient
	}
	return c
}

// Client calls keyward's admin API, its Okta Agent Pools API and the
// registration step of the agent protocol. It is safe for concurrent use.
type Client struct {
	base string
	cfg  config
}

// New returns a client for the keyward server at baseURL, e.g.
// "https://keyward.example.com" (a trailing slash is ignored).
func New(baseURL string, opts ...Option) *Client {
	return &Client{base: strings.TrimRight(baseURL, "/"), cfg: newConfig(opts)}
}

// BaseURL returns the base URL the client was created with, without a
// trailing slash.
func (c *Client) BaseURL() string { return c.base }

func (c *Client) ssws() string {
	if c.cfg.token == "" {
		return ""
	}
	return "SSWS " + c.cfg.token
}

// call is one HTTP exchange: a request with an optional JSON body and an
// optional JSON answer.
type call struct {
	method string
	url    string // absolute
	auth   string // full Authorization header value, or ""
	in     any    // request body, marshalled as JSON when non-nil
	out    any    // decoded from a 2xx answer when non-nil
}

// do runs the call and returns the response headers of a 2xx answer.
func do(ctx context.Context, hc *http.Client, cl call) (http.Header, error) {
	var body io.Reader
	if cl.in != nil {
		data, err := json.Marshal(cl.in)
		if err != nil {
			return nil, fmt.Errorf("keyward: encoding %s %s: %w", cl.method, cl.url, err)
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, cl.url, body)
	if err != nil {
		return nil, fmt.Errorf("keyward: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if cl.in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cl.auth != "" {
		req.Header.Set("Authorization", cl.auth)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err // already names method and URL
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("keyward: reading %s %s: %w", cl.method, cl.url, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, newAPIError(resp.StatusCode, data)
	}
	if cl.out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, cl.out); err != nil {
			return nil, fmt.Errorf("keyward: decoding %s %s: %w", cl.method, cl.url, err)
		}
	}
	return resp.Header, nil
}

// endpoint joins the base URL, a path whose segments are escaped, and an
// optional query.
func endpoint(base string, query url.Values, segments ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	if len(query) > 0 {
		b.WriteByte('?')
		b.WriteString(query.Encode())
	}
	return b.String()
}

// adminCall runs an SSWS-authenticated call against the path made of segments.
func (c *Client) adminCall(ctx context.Context, method string, in, out any, query url.Values, segments ...string) error {
	_, err := do(ctx, c.cfg.httpClient, call{
		method: method,
		url:    endpoint(c.base, query, segments...),
		auth:   c.ssws(),
		in:     in,
		out:    out,
	})
	return err
}
