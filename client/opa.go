package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// refreshMargin is how long before its expiry a service token is replaced,
// so that a token never expires on the way to the server.
const refreshMargin = 30 * time.Second

// OPA calls the Okta Privileged Access API of one team, under
// /v1/teams/{team}. It authenticates either as a service user, trading the
// user's API key for a bearer token at POST /v1/teams/{team}/service_token,
// caching the token and replacing it before it expires or when the server
// answers 401, or with a fixed bearer token (see [NewOPAWithToken]). It is
// safe for concurrent use.
type OPA struct {
	c    *Client
	team string
	now  func() time.Time

	keyID, keySecret string // empty with a fixed token

	mu      sync.Mutex
	token   string
	expires time.Time // zero for a fixed token
}

// NewOPA returns a client for team on the keyward server at baseURL,
// authenticated as the service user owning the API key.
func NewOPA(baseURL, team, keyID, keySecret string, opts ...Option) *OPA {
	return &OPA{c: New(baseURL, opts...), team: team, keyID: keyID, keySecret: keySecret, now: time.Now}
}

// NewOPAWithToken returns a client for team that sends a fixed bearer token,
// such as the token keyward's admin API mints for a human user.
func NewOPAWithToken(baseURL, team, token string, opts ...Option) *OPA {
	return &OPA{c: New(baseURL, opts...), team: team, token: token, now: time.Now}
}

// Team returns the team the client calls.
func (o *OPA) Team() string { return o.team }

type serviceToken struct {
	BearerToken string    `json:"bearer_token"`
	ExpiresAt   time.Time `json:"expires_at"`
	TeamName    string    `json:"team_name"`
}

// bearer returns a usable token, minting one when there is none or the
// cached one is about to expire.
func (o *OPA) bearer(ctx context.Context) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.keyID == "" || (o.token != "" && o.now().Add(refreshMargin).Before(o.expires)) {
		return o.token, nil
	}
	var t serviceToken
	_, err := do(ctx, o.c.cfg.httpClient, call{method: http.MethodPost, url: o.url(nil, "service_token"),
		in: map[string]string{"key_id": o.keyID, "key_secret": o.keySecret}, out: &t})
	if err != nil {
		return "", fmt.Errorf("keyward: service token for team %s: %w", o.team, err)
	}
	if t.BearerToken == "" || !strings.EqualFold(t.TeamName, o.team) {
		return "", fmt.Errorf("keyward: service token for team %s: answered for team %q", o.team, t.TeamName)
	}
	o.token, o.expires = t.BearerToken, t.ExpiresAt
	return o.token, nil
}

// forget drops the cached token if it is still the one that was refused.
func (o *OPA) forget(token string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.token == token && o.keyID != "" {
		o.token, o.expires = "", time.Time{}
	}
}

// url is the address of a path under the team.
func (o *OPA) url(query url.Values, segments ...string) string {
	return endpoint(o.c.base, query, append([]string{"v1", "teams", o.team}, segments...)...)
}

// call runs one authenticated exchange with an absolute URL. A 401 with a
// minted token is retried once with a new token: OPA says tokens may expire
// at any time.
func (o *OPA) call(ctx context.Context, method, target string, in, out any) (http.Header, error) {
	for attempt := 0; ; attempt++ {
		token, err := o.bearer(ctx)
		if err != nil {
			return nil, err
		}
		hdr, err := do(ctx, o.c.cfg.httpClient, call{method: method, url: target, auth: "Bearer " + token, in: in, out: out})
		if StatusCode(err) != http.StatusUnauthorized || o.keyID == "" || attempt > 0 {
			return hdr, err
		}
		o.forget(token)
	}
}

// PageLinks are the paging links of a list answer: absolute URLs, "" when absent.
type PageLinks struct {
	Next, Prev string
}

// Page GETs one page of a list at pageURL (a path under the team, such as
// "resource_groups", or an absolute URL taken from PageLinks) into out, a
// pointer to a slice, and returns the page's links.
func (o *OPA) Page(ctx context.Context, pageURL string, out any) (PageLinks, error) {
	if !strings.Contains(pageURL, "://") {
		pageURL = o.c.base + "/v1/teams/" + url.PathEscape(o.team) + "/" + strings.TrimLeft(pageURL, "/")
	}
	var env struct {
		List any `json:"list"`
	}
	env.List = out
	hdr, err := o.call(ctx, http.MethodGet, pageURL, nil, &env)
	if err != nil {
		return PageLinks{}, err
	}
	var links PageLinks
	for rel, dst := range map[string]*string{"next": &links.Next, "prev": &links.Prev} {
		if target := linkTarget(hdr, rel); target != "" {
			if *dst, err = o.c.resolve(pageURL, target); err != nil {
				return PageLinks{}, err
			}
		}
	}
	return links, nil
}

// opaList GETs first and every page its rel="next" links lead to.
func opaList[T any](ctx context.Context, o *OPA, first string) ([]T, error) {
	return followPages(first, func(pageURL string) ([]T, string, error) {
		var page []T
		links, err := o.Page(ctx, pageURL, &page)
		return page, links.Next, err
	})
}

// query turns list options into query parameters.
func (l ListOptions) query() url.Values {
	q := url.Values{}
	if l.Contains != "" {
		q.Set("contains", l.Contains)
	}
	if l.Count > 0 {
		q.Set("count", strconv.Itoa(l.Count))
	}
	if l.Descending {
		q.Set("descending", "true")
	}
	if l.OrderBy != "" {
		q.Set("order_by", l.OrderBy)
	}
	return q
}

// errNoID is returned when a create answers without the new object's id.
var errNoID = errors.New("keyward: the server answered without an id")
