package opa

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/paging"
	"github.com/keyward/keyward/internal/store"
)

// maxIDs bounds the `id` values of one list request: each is a bound parameter of the query.
const maxIDs = 1000

// pagedList answers an OPA list: it reads count, offset, descending and prev (paging.OPA), the
// `contains` filter and `id` values, fetches pages of items ordered by key through list, and
// writes {"list":[…]} of present(item) with its Link header.
func pagedList[T, V any](h *Handlers, w http.ResponseWriter, r *http.Request, key func(T) string,
	list func(store.Page) ([]T, error), present func(T) V) error {
	req, err := h.Paging.Parse(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	contains, ids := q.Get("contains"), q["id"]
	if len(ids) > maxIDs {
		return fault.Invalidf("Page", fmt.Sprintf("id: at most %d ids", maxIDs))
	}
	page, err := paging.List(r.Context(), req, key, func(_ context.Context, after string, desc bool, limit int) ([]T, error) {
		return list(store.Page{After: after, Limit: limit, Descending: desc, Contains: contains, IDs: ids})
	})
	if err != nil {
		return err
	}
	paging.Write(h.Paging, w, r, req, presented(page, present))
	return nil
}

// presented is page with present applied to each of its items.
func presented[T, V any](page paging.Page[T], present func(T) V) paging.Page[V] {
	return paging.Page[V]{Items: mapped(page.Items, present), Next: page.Next, Prev: page.Prev, Desc: page.Desc}
}

// pageOf pages a fixed, sorted list of names in memory as a store would.
func pageOf[V any](names []string, p store.Page, item func(string) V) []V {
	names = slices.Sorted(slices.Values(names))
	if p.Descending {
		slices.Reverse(names)
	}
	var out []V
	for _, n := range names {
		past := p.After == "" || (!p.Descending && n > p.After) || (p.Descending && n < p.After)
		if past && strings.Contains(strings.ToLower(n), strings.ToLower(p.Contains)) && (p.Limit <= 0 || len(out) < p.Limit) {
			out = append(out, item(n))
		}
	}
	return out
}

// onlyDeleted reports a request for deleted groups only; keyward deletes groups for good, so
// there are none.
func onlyDeleted(r *http.Request) bool { return r.URL.Query().Get("only_include_deleted") == "true" }
