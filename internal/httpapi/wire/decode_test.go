package wire

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	type body struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	cases := []struct {
		name, contentType, body string
		limit                   int64 // 0: no limit
		status                  int   // 0: success
		code                    string
		cause                   string // a substring of the first cause
		want                    body
	}{
		{name: "json", contentType: "application/json", body: `{"name":"a","count":2}`, want: body{"a", 2}},
		{name: "json with charset", contentType: "application/json; charset=utf-8", body: `{"name":"a"}`, want: body{Name: "a"}},
		{name: "merge patch", contentType: "application/merge-patch+json", body: `{"name":"a"}`, want: body{Name: "a"}},
		{name: "no content type", body: `{"name":"a"}`, want: body{Name: "a"}},
		{name: "unknown fields are ignored", body: `{"name":"a","lastConnection":"2024-01-01T00:00:00Z"}`, want: body{Name: "a"}},
		{name: "text", contentType: "text/plain", body: `{}`, status: 415, code: "E0000021"},
		{name: "form", contentType: "application/x-www-form-urlencoded", body: `name=a`, status: 415, code: "E0000021"},
		{name: "unparsable content type", contentType: "application/json; =", body: `{}`, status: 415, code: "E0000021"},
		{name: "truncated", body: `{"name":`, status: 400, code: "E0000003"},
		{name: "not an object", body: `[1]`, status: 400, code: "E0000003", cause: "the body: must be an object, got array"},
		{name: "wrong field type", body: `{"count":"many"}`, status: 400, code: "E0000003", cause: "count: must be a whole number from -9223372036854775808 to 9223372036854775807, got string"},
		{name: "empty", body: ``, status: 400, code: "E0000003", cause: "empty"},
		{name: "trailing garbage", body: `{"name":"a"} x`, status: 400, code: "E0000003"},
		{name: "at the limit", body: `{"name":"` + strings.Repeat("a", 1013) + `"}`, limit: 1024, want: body{Name: strings.Repeat("a", 1013)}},
		{name: "over the limit", body: `{"name":"` + strings.Repeat("a", 1014) + `"}`, limit: 1024, status: 413, code: "E0000001"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(c.body))
			if c.contentType != "" {
				r.Header.Set("Content-Type", c.contentType)
			}
			if c.limit > 0 {
				r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, c.limit)
			}
			var got body
			err := Decode(r, &got)
			if c.status == 0 {
				if err != nil || got != c.want {
					t.Fatalf("got %+v, %v; want %+v", got, err, c.want)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Status != c.status || e.Code != c.code {
				t.Fatalf("error %v, want %d %s", err, c.status, c.code)
			}
			if c.cause != "" && (len(e.Causes) == 0 || !strings.Contains(e.Causes[0], c.cause)) {
				t.Errorf("causes %q, want one containing %q", e.Causes, c.cause)
			}
		})
	}
}
