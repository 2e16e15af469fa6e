package paging

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
)

// OPA's page sizes. The spec gives `count` no default or bound; these are keyward's.
const (
	DefaultCount = 100
	MaxCount     = 1000
)

// OPA signs and checks offsets with a server key shared by every process serving the API.
type OPA struct {
	Key []byte
}

// Request is a parsed OPA list request.
type Request struct {
	Count      int
	Descending bool   // the list's order
	Prev       bool   // page backwards from After
	After      string // the sort key the page continues from; "" on the first page
}

// offset is what an offset carries under its signature.
type offset struct {
	Key  string `json:"k"`
	Desc bool   `json:"d"`
}

// Parse reads count, descending, prev and offset. A bad value, or an offset that was not signed
// for this list and order, is an Invalid fault naming the parameter.
func (o OPA) Parse(r *http.Request) (Request, error) {
	q := r.URL.Query()
	req := Request{Count: DefaultCount}
	if v := q.Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxCount {
			return req, fault.Invalidf("count", "count: must be an integer from 1 to "+strconv.Itoa(MaxCount))
		}
		req.Count = n
	}
	for name, p := range map[string]*bool{"descending": &req.Descending, "prev": &req.Prev} {
		if v := q.Get(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return req, fault.Invalidf(name, name+": must be true or false")
			}
			*p = b
		}
	}
	if v := q.Get("offset"); v != "" {
		off, ok := o.open(r.URL.Path, v)
		if !ok || off.Desc != req.Descending {
			return req, fault.Invalidf("offset", "offset: not an offset from a Link header of this list")
		}
		req.After = off.Key
	}
	return req, nil
}

func (o OPA) sign(path, payload string) string {
	m := hmac.New(sha256.New, o.Key)
	m.Write([]byte(path + "\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

func (o OPA) seal(path string, off offset) string {
	b, _ := json.Marshal(off)
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + o.sign(path, payload)
}

func (o OPA) open(path, s string) (offset, bool) {
	payload, mac, ok := strings.Cut(s, ".")
	var off offset
	if !ok || !hmac.Equal([]byte(mac), []byte(o.sign(path, payload))) {
		return off, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	return off, err == nil && json.Unmarshal(b, &off) == nil
}

// Fetch lists up to limit items whose sort key is strictly after `after` ("" from the start),
// ascending or descending: the one store method a paged OPA list needs.
type Fetch[T any] func(ctx context.Context, after string, descending bool, limit int) ([]T, error)

// Page is one page of an OPA list, in the requested order.
type Page[T any] struct {
	Items []T
	Next  string // the sort key to continue forwards after; "" when there is no next page
	Prev  string // the sort key to continue backwards from; "" when there is no previous page
	Desc  bool
}

// List reads one page through fetch, asking for one item more than the page holds to learn
// whether another page follows.
func List[T any](ctx context.Context, req Request, key func(T) string, fetch Fetch[T]) (Page[T], error) {
	scanDesc := req.Descending != req.Prev // backwards is the other way round
	items, err := fetch(ctx, req.After, scanDesc, req.Count+1)
	if err != nil {
		return Page[T]{}, err
	}
	more := len(items) > req.Count
	if more {
		items = items[:req.Count]
	}
	page := Page[T]{Items: items, Desc: req.Descending}
	if len(items) == 0 {
		return page, nil
	}
	// Beyond the page in the scan's direction: more; behind it: whatever the offset came past.
	ahead, behind := more, req.After != ""
	if req.Prev {
		slices.Reverse(items)
		ahead, behind = behind, ahead
	}
	if ahead {
		page.Next = key(items[len(items)-1])
	}
	if behind {
		page.Prev = key(items[0])
	}
	return page, nil
}

// Write answers with {"list":[…]} and, when another page follows, one Link header line holding
// the absolute rel="next" URL and (past the first page) rel="prev". The last page carries no
// Link at all: OPA's clients read a Link without rel="next" as a move to the list's base URL.
func Write[T any](o OPA, w http.ResponseWriter, r *http.Request, req Request, page Page[T]) {
	if page.Next != "" {
		links := []string{"<" + o.link(r, req, page.Next, false) + `>; rel="next"`}
		if page.Prev != "" {
			links = append(links, "<"+o.link(r, req, page.Prev, true)+`>; rel="prev"`)
		}
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	items := page.Items
	if items == nil {
		items = []T{}
	}
	wire.JSON(w, http.StatusOK, struct {
		List []T `json:"list"`
	}{items})
}

// link is the absolute URL of the page after (or, prev, before) key: the request's own filters
// with count, offset, descending and prev set. Query encoding percent-encodes every `,` and `;`,
// so a URL never breaks the Link header's syntax.
func (o OPA) link(r *http.Request, req Request, key string, prev bool) string {
	q := r.URL.Query()
	q.Set("count", strconv.Itoa(req.Count))
	q.Set("offset", o.seal(r.URL.Path, offset{Key: key, Desc: req.Descending}))
	q.Del("descending")
	if req.Descending {
		q.Set("descending", "true")
	}
	q.Del("prev")
	if prev {
		q.Set("prev", "true")
	}
	path := linkUnsafe.Replace((&url.URL{Path: r.URL.Path}).EscapedPath())
	return wire.BaseURL(r) + path + "?" + q.Encode()
}

// linkUnsafe escapes what a URL path may hold but a Link header line would split on.
var linkUnsafe = strings.NewReplacer(",", "%2C", ";", "%3B")
