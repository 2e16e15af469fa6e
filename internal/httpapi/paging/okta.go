package paging

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
)

// OktaRequest is an Okta list request: the page size and the cursor to continue after.
type OktaRequest struct {
	LimitParam string // the page size's query parameter, e.g. "limitPerPoolType"
	Limit      int
	After      string // "" on the first page
}

// ParseOkta reads the page size (def when absent) from limitParam and the `after` cursor. The
// domain checks the size's range and the cursor, which it made.
func ParseOkta(r *http.Request, limitParam string, def int) (OktaRequest, error) {
	q := r.URL.Query()
	req := OktaRequest{LimitParam: limitParam, Limit: def, After: q.Get("after")}
	if v := q.Get(limitParam); v != "" {
		n, err := strconv.Atoi(v)
		// A number too large for an int keeps the nearest int, for the domain's range check to
		// refuse in its own words ("between 1 and …"), rather than being called no integer.
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return req, fault.Invalidf(limitParam, limitParam+": must be an integer")
		}
		req.Limit = n
	}
	return req, nil
}

// WriteOkta answers with items as a JSON array and the Link headers: rel="self" always, rel="next"
// (the request's query with `after` set to next) unless next is "" — and none at all for an empty
// list, as Okta answers.
func WriteOkta[T any](w http.ResponseWriter, r *http.Request, req OktaRequest, items []T, next string) {
	if len(items) > 0 {
		base := wire.BaseURL(r)
		w.Header().Add("Link", "<"+base+r.URL.RequestURI()+`>; rel="self"`)
		if next != "" {
			q := r.URL.Query()
			q.Set("after", next)
			q.Set(req.LimitParam, strconv.Itoa(req.Limit))
			u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
			w.Header().Add("Link", "<"+base+u.RequestURI()+`>; rel="next"`)
		}
	}
	if items == nil {
		items = []T{}
	}
	wire.JSON(w, http.StatusOK, items)
}
