package wire

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDecodeRefusesUnstorableText(t *testing.T) {
	type body struct {
		Name   string `json:"name"`
		Reason string `json:"reason"`
		Agents []struct {
			ID string `json:"id"`
		} `json:"agents"`
		Extra map[string]any `json:"extra"`
		List  []any          `json:"list"`
	}
	cases := []struct {
		name, body string
		code       string // "": accepted
		cause      string // a substring of the first cause
	}{
		{name: "escaped NUL", body: `{"name":"a\u0000b"}`, code: "E0000001", cause: "name: must not contain NUL"},
		{name: "raw NUL", body: "{\"name\":\"a\x00b\"}", code: "E0000003"},
		{name: "invalid UTF-8", body: "{\"name\":\"\xff\xfe\"}", code: "E0000001", cause: "name: must be valid UTF-8"},
		{name: "invalid UTF-8 in an unknown field", body: "{\"other\":\"\xff\"}", code: "E0000001", cause: "other: must be valid UTF-8"},
		{name: "invalid UTF-8 in a key", body: "{\"\xff\":1}", code: "E0000001", cause: "must be valid UTF-8"},
		{name: "NUL in a nested field", body: `{"agents":[{"id":"a"},{"id":"\u0000"}]}`, code: "E0000001", cause: "agents[1].id: must not contain NUL"},
		{name: "NUL deep in an ignored object", body: `{"extra":{"a":[1,{"b":"\u0000"}]}}`, code: "E0000001", cause: "extra.a[1].b:"},
		{name: "lone surrogate becomes U+FFFD", body: `{"name":"\ud800"}`},
		{name: "other text over the default limit", body: `{"list":["` + strings.Repeat("x", 8193) + `"]}`, code: "E0000001", cause: "list[0]: must be at most 8192"},
		{name: "duplicate key", body: `{"name":"a","name":"b"}`, code: "E0000003", cause: "name: duplicate key"},
		{name: "duplicate nested key", body: `{"agents":[{"id":"a","id":"b"}]}`, code: "E0000003", cause: "agents[0].id: duplicate key"},
		{name: "keys differing only in case", body: `{"name":"a","Name":"b"}`, code: "E0000003", cause: "Name: duplicate key"},
		{name: "duplicate among many keys", body: `{"a":1,"b":2,"c":3,"b":4}`, code: "E0000003", cause: "b: duplicate key"},
		{name: "escaped duplicate", body: `{"name":"a","n\u0061me":"b"}`, code: "E0000003", cause: "name: duplicate key"},
		{name: "NUL in a key", body: `{"a\u0000":1}`, code: "E0000001", cause: "must not contain NUL"},
		{name: "escapes without NUL", body: `{"name":"a\n\"b\u00e9"}`},
		{name: "literals and numbers", body: `{"list":[true,false,null,-1.5e3,0]}`},
		{name: "same key in sibling objects", body: `{"agents":[{"id":"a"},{"id":"b"}]}`},
		{name: "nesting at the limit", body: `{"list":` + strings.Repeat("[", 63) + strings.Repeat("]", 63) + `}`},
		{name: "nesting over the limit", body: `{"list":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}`, code: "E0000003", cause: "deeper than 64"},
		{name: "10,000 nested arrays", body: strings.Repeat("[", 10000) + strings.Repeat("]", 10000), code: "E0000003", cause: "deeper than 64"},
		{name: "huge number", body: `{"list":[1e400]}`, code: "E0000003"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got body
			err := Decode(httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(c.body)), &got)
			if c.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Status != 400 || e.Code != c.code {
				t.Fatalf("error %v, want 400 %s", err, c.code)
			}
			if c.cause != "" && (len(e.Causes) == 0 || !strings.Contains(e.Causes[0], c.cause)) {
				t.Errorf("causes %q, want one containing %q", e.Causes, c.cause)
			}
		})
	}
}

func TestDecodeOptional(t *testing.T) {
	var v struct{}
	for _, c := range []struct {
		contentType, body string
		status            int
	}{
		{"", "", 0},
		{"application/json", "", 0},
		{"application/json", "{}", 0},
		{"text/plain", "", 415},
		{"text/plain", "{}", 415},
		{"application/json", "[1]", 400},
		{"application/json", "{", 400},
	} {
		r := httptest.NewRequest("POST", "/keyward/v1/x", strings.NewReader(c.body))
		if c.contentType != "" {
			r.Header.Set("Content-Type", c.contentType)
		}
		err := DecodeOptional(r, &v)
		if got := statusOf(err); got != c.status {
			t.Errorf("%q %q: %v, want %d", c.contentType, c.body, err, c.status)
		}
	}
}

func TestDecodeCredential(t *testing.T) {
	var v struct {
		KeyID string `json:"key_id"`
	}
	for body, want := range map[string]int{`{"key_id":"k\u0000"}`: 401, `{"key_id":"k"}`: 0, `{"key_id":`: 400} {
		err := DecodeCredential(httptest.NewRequest("POST", "/v1/teams/t/service_token", strings.NewReader(body)), &v)
		if got := statusOf(err); got != want {
			t.Errorf("%s: %v, want %d", body, err, want)
		}
	}
}

func statusOf(err error) int {
	if err == nil {
		return 0
	}
	return As(err).Status
}
