package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxPages bounds how many pages a listing follows.
const maxPages = 10000

// ListAgentPools lists every agent pool of the given type (all types when
// poolType is ""): GET /api/v1/agentPools?poolType=…, following the
// Link rel="next" headers until the last page.
func (c *Client) ListAgentPools(ctx context.Context, poolType string) ([]AgentPool, error) {
	var q url.Values
	if poolType != "" {
		q = url.Values{"poolType": {poolType}}
	}
	return listAll[AgentPool](ctx, c, endpoint(c.base, q, "api", "v1", "agentPools"))
}

// ListUpdates lists the update jobs of a pool:
// GET /api/v1/agentPools/{poolId}/updates (following Link rel="next" headers
// should the server page the answer).
func (c *Client) ListUpdates(ctx context.Context, poolID string) ([]AgentPoolUpdate, error) {
	return listAll[AgentPoolUpdate](ctx, c, endpoint(c.base, nil, "api", "v1", "agentPools", poolID, "updates"))
}

// listAll GETs first and every page its Link headers lead to, and
// concatenates the JSON arrays.
func listAll[T any](ctx context.Context, c *Client, first string) ([]T, error) {
	return followPages(first, func(pageURL string) ([]T, string, error) {
		var page []T
		hdr, err := do(ctx, c.cfg.httpClient, call{method: http.MethodGet, url: pageURL, auth: c.ssws(), out: &page})
		if err != nil {
			return nil, "", err
		}
		link := NextLink(hdr)
		if link == "" {
			return page, "", nil
		}
		next, err := c.resolve(pageURL, link)
		return page, next, err
	})
}

// followPages concatenates the items of first and of every page after it:
// fetch returns a page's items and the absolute URL of the next page, "" on
// the last. A loop or an endless list is an error.
func followPages[T any](first string, fetch func(pageURL string) ([]T, string, error)) ([]T, error) {
	all := []T{}
	seen := map[string]bool{}
	for next := first; next != ""; {
		if seen[next] {
			return nil, fmt.Errorf("keyward: pagination loops back to %s", next)
		}
		if len(seen) >= maxPages {
			return nil, fmt.Errorf("keyward: more than %d pages at %s", maxPages, first)
		}
		seen[next] = true
		page, following, err := fetch(next)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		next = following
	}
	return all, nil
}

// resolve turns a Link target into an absolute URL on the client's server.
// A link to another host is refused so that the token is never sent there;
// the scheme is always the base URL's, so a link never downgrades to http.
func (c *Client) resolve(current, link string) (string, error) {
	cur, err := url.Parse(current)
	if err != nil {
		return "", fmt.Errorf("keyward: %w", err)
	}
	ref, err := url.Parse(link)
	if err != nil {
		return "", fmt.Errorf("keyward: bad next link %q: %w", link, err)
	}
	base, err := url.Parse(c.base)
	if err != nil {
		return "", fmt.Errorf("keyward: bad base URL: %w", err)
	}
	u := cur.ResolveReference(ref)
	if !strings.EqualFold(u.Host, base.Host) {
		return "", fmt.Errorf("keyward: next link %q leaves %s", link, base.Host)
	}
	u.Scheme = base.Scheme
	return u.String(), nil
}

// NextLink returns the target of the first link with relation "next" in the
// response's Link headers, or "" when there is none. It accepts several
// header lines, several comma-separated links per line, and quoted or bare
// rel values that may list several relations.
func NextLink(h http.Header) string { return linkTarget(h, "next") }

// linkTarget returns the target of the first link with relation rel.
func linkTarget(h http.Header, rel string) string {
	for _, v := range h.Values("Link") {
		rest := v
		for {
			start := strings.IndexByte(rest, '<')
			if start < 0 {
				break
			}
			end := strings.IndexByte(rest[start:], '>')
			if end < 0 {
				break
			}
			target := rest[start+1 : start+end]
			rest = rest[start+end+1:]
			params := rest
			if i := strings.IndexByte(rest, '<'); i >= 0 {
				params = rest[:i]
			}
			if hasRel(params, rel) {
				return strings.TrimSpace(target)
			}
		}
	}
	return ""
}

// hasRel reports whether link parameters such as `; rel="next last"` name rel.
func hasRel(params, rel string) bool {
	for _, p := range strings.Split(params, ";") {
		key, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(key), "rel") {
			continue
		}
		value = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(value), ","))
		value = strings.Trim(value, `"`)
		for _, r := range strings.Fields(value) {
			if strings.EqualFold(r, rel) {
				return true
			}
		}
	}
	return false
}
