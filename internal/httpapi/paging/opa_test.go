package paging

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/fault"
)

// items is a sorted store of keys "k000", "k001", …; fetch serves it as a store would.
type items []string

func newItems(n int) items {
	out := make(items, n)
	for i := range out {
		out[i] = fmt.Sprintf("k%03d", i)
	}
	return out
}

func (s items) fetch(_ context.Context, after string, desc bool, limit int) ([]string, error) {
	all := slices.Clone(s)
	if desc {
		slices.Reverse(all)
	}
	var out []string
	for _, k := range all {
		if after != "" && ((!desc && k <= after) || (desc && k >= after)) {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, k)
	}
	return out, nil
}

var key = []byte("0123456789abcdef0123456789abcdef")

// get runs one list request through Parse, List and Write.
func get(t *testing.T, s items, target string) (*httptest.ResponseRecorder, []string) {
	t.Helper()
	o := OPA{Key: key}
	r := httptest.NewRequest("GET", target, nil)
	w := httptest.NewRecorder()
	req, err := o.Parse(r)
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	page, err := List(r.Context(), req, func(k string) string { return k }, s.fetch)
	if err != nil {
		t.Fatal(err)
	}
	Write(o, w, r, req, page)
	var body struct{ List []string }
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.List == nil {
		t.Fatalf("%s: body %s: %v", target, w.Body, err)
	}
	return w, body.List
}

var linkRE = regexp.MustCompile(`<([^>]*)>; rel="(next|prev)"`)

// links returns the rel → URL of the response's only Link line, failing on several lines.
func links(t *testing.T, w *httptest.ResponseRecorder) map[string]string {
	t.Helper()
	lines := w.Header().Values("Link")
	if len(lines) > 1 {
		t.Fatalf("%d Link lines, want one: %q", len(lines), lines)
	}
	out := map[string]string{}
	for _, line := range lines {
		for _, m := range linkRE.FindAllStringSubmatch(line, -1) {
			out[m[2]] = m[1]
		}
		if strings.Count(line, ";") != len(out) || strings.Count(line, ",") != len(out)-1 {
			t.Errorf("a URL holds a raw , or ; in %q", line)
		}
	}
	return out
}

const base = "http://example.com/v1/teams/acme/projects"

// walk follows rel links from first until none is left, returning every item seen in order.
func walk(t *testing.T, s items, first, rel string) ([]string, int) {
	t.Helper()
	var seen []string
	pages := 0
	for target := first; target != ""; pages++ {
		w, got := get(t, s, target)
		seen = append(seen, got...)
		target = links(t, w)[rel]
		if target != "" && !strings.HasPrefix(target, "http://example.com/v1/teams/acme/projects?") {
			t.Fatalf("link %q is not absolute on the list's path", target)
		}
		if pages > 100 {
			t.Fatal("paging does not end")
		}
	}
	return seen, pages
}

func TestOPAForwardAndBackward(t *testing.T) {
	s := newItems(250)
	for _, desc := range []bool{false, true} {
		want := slices.Clone(s)
		q := "?count=100&contains=a,b%3Bc"
		if desc {
			slices.Reverse(want)
			q += "&descending=true"
		}
		got, pages := walk(t, s, base+q, "next")
		if !slices.Equal(got, want) || pages != 3 {
			t.Fatalf("descending %v: forwards %d pages, %d items, want 3 pages of %v…", desc, pages, len(got), want[:3])
		}
		// The last page carries no Link; from the page before it, prev walks back over every
		// earlier page.
		w, last := get(t, s, base+q)
		before := w
		for next := links(t, w)["next"]; next != ""; next = links(t, w)["next"] {
			before = w
			w, last = get(t, s, next)
		}
		if len(last) != 50 || last[0] != want[200] {
			t.Fatalf("last page %v", last)
		}
		if l := w.Header().Values("Link"); len(l) != 0 {
			t.Fatalf("last page Link %q, want none", l)
		}
		back, pages := walk(t, s, links(t, before)["prev"], "prev")
		if pages != 1 || !slices.Equal(back, want[:100]) {
			t.Fatalf("backwards: %d pages, %d items", pages, len(back))
		}
		if !strings.Contains(links(t, before)["prev"], "contains=a%2Cb%3Bc") {
			t.Errorf("prev %q does not keep the filter, encoded", links(t, before)["prev"])
		}
		// A longer walk back: 250 items in pages of 40, from the sixth page of seven.
		w, _ = get(t, s, strings.Replace(base+q, "count=100", "count=40", 1))
		for range 5 {
			w, _ = get(t, s, links(t, w)["next"])
		}
		back, pages = walk(t, s, links(t, w)["prev"], "prev")
		if pages != 5 || len(back) != 200 || back[0] != want[160] || back[199] != want[39] {
			t.Fatalf("backwards by 40: %d pages, %d items", pages, len(back))
		}
	}
}

func TestOPALastPageHasNoLink(t *testing.T) {
	for _, n := range []int{0, 1, 100} {
		w, got := get(t, newItems(n), base+"?count=100")
		if len(got) != n || len(w.Header().Values("Link")) != 0 {
			t.Errorf("%d items: %d listed, Link %q; want no Link", n, len(got), w.Header().Values("Link"))
		}
	}
	w, got := get(t, newItems(101), base+"?count=100")
	if len(got) != 100 || links(t, w)["next"] == "" || links(t, w)["prev"] != "" {
		t.Errorf("101 items: %d listed, links %v", len(got), links(t, w))
	}
}

func TestOPAParseRefusesBadInput(t *testing.T) {
	o := OPA{Key: key}
	w, _ := get(t, newItems(300), base+"?count=100")
	next := links(t, w)["next"]
	offset := next[strings.Index(next, "offset=")+len("offset="):]
	offset = offset[:strings.IndexAny(offset+"&", "&")]
	cases := map[string]string{
		"?count=0":      "count",
		"?count=1001":   "count",
		"?count=x":      "count",
		"?prev=maybe":   "prev",
		"?descending=2": "descending",
		"?offset=" + strings.Replace(offset, "e", "f", 1): "offset",
		"?offset=garbage":                        "offset",
		"?offset=" + offset + "&descending=true": "offset", // signed for the other order
	}
	for q, field := range cases {
		_, err := o.Parse(httptest.NewRequest("GET", base+q, nil))
		var f *fault.Error
		if !errors.As(err, &f) || f.Kind != fault.Invalid || f.Field() != field {
			t.Errorf("%s: %v, want an Invalid fault naming %s", q, err, field)
		}
	}
	_, err := o.Parse(httptest.NewRequest("GET", "http://example.com/v1/teams/other/projects?offset="+offset, nil))
	if err == nil {
		t.Error("an offset of another list was accepted")
	}
	for q, want := range map[string]int{"": DefaultCount, "?count=1": 1, "?count=1000": MaxCount} {
		req, err := o.Parse(httptest.NewRequest("GET", base+q, nil))
		if err != nil || req.Count != want {
			t.Errorf("%q: count %d, %v; want %d", q, req.Count, err, want)
		}
	}
}

func TestOPAWriteIsJSON(t *testing.T) {
	w, _ := get(t, newItems(0), base)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" || strings.TrimSpace(w.Body.String()) != `{"list":[]}` {
		t.Errorf("%d %v %s", w.Code, w.Header(), w.Body)
	}
}
