package paging

import (
	"math"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/keyward/keyward/internal/fault"
)

func TestOkta(t *testing.T) {
	const target = "http://example.com/api/v1/agentPools?poolType=AD&after=c1"
	cases := []struct {
		name  string
		items []int
		next  string
		links []string
	}{
		{"empty list: no Link at all", nil, "", nil},
		{"last page: self only", []int{1}, "", []string{`<http://example.com/api/v1/agentPools?poolType=AD&after=c1>; rel="self"`}},
		{"more pages", []int{1, 2}, "c2", []string{`<http://example.com/api/v1/agentPools?poolType=AD&after=c1>; rel="self"`,
			`<http://example.com/api/v1/agentPools?after=c2&limitPerPoolType=2&poolType=AD>; rel="next"`}},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", target, nil)
		req, err := ParseOkta(r, "limitPerPoolType", 2)
		if err != nil || req.Limit != 2 || req.After != "c1" {
			t.Fatalf("%+v, %v", req, err)
		}
		w := httptest.NewRecorder()
		WriteOkta(w, r, req, c.items, c.next)
		if got := w.Header().Values("Link"); !slices.Equal(got, c.links) {
			t.Errorf("%s: Link %q, want %q", c.name, got, c.links)
		}
		if c.items == nil && w.Body.String() != "[]\n" {
			t.Errorf("%s: body %q, want []", c.name, w.Body)
		}
	}
	r := httptest.NewRequest("GET", "/api/v1/agentPools?limitPerPoolType=many", nil)
	if _, err := ParseOkta(r, "limitPerPoolType", 5); err == nil {
		t.Error("a non-integer page size was accepted")
	} else if f, ok := fault.As(err); !ok || f.Field() != "limitPerPoolType" {
		t.Errorf("%v, want an Invalid fault naming limitPerPoolType", err)
	}
	huge, err := ParseOkta(httptest.NewRequest("GET", "/api/v1/agentPools?limitPerPoolType=99999999999999999999", nil), "limitPerPoolType", 5)
	if err != nil || huge.Limit != math.MaxInt {
		t.Errorf("a page size beyond int: %+v, %v; want the largest int, for the range check to refuse", huge, err)
	}
	req, err := ParseOkta(httptest.NewRequest("GET", "/api/v1/agentPools", nil), "limitPerPoolType", 5)
	if err != nil || req.Limit != 5 || req.After != "" {
		t.Errorf("defaults: %+v, %v", req, err)
	}
}
