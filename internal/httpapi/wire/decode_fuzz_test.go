package wire

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/limits"
)

// FuzzDecode checks, for any body, that Decode either refuses it with a 4xx or yields only text
// every store can hold. `go test -fuzz FuzzDecode ./internal/httpapi/wire` explores further than
// the seeds.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"name":"a"}`, `{"name":"a\u0000"}`, "{\"name\":\"\xff\"}", `{"a":{"b":[1,"\u0000"]}}`, `{"name":"a","name":"b"}`,
		strings.Repeat("[", 100) + strings.Repeat("]", 100), `{"n":1e400}`, `"\ud800"`, `{"\u0000":1}`, ``, `{`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var v any
		err := Decode(httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body)), &v)
		if err != nil {
			if s := As(err).Status; s < 400 || s >= 500 {
				t.Fatalf("status %d for %q", s, body)
			}
			return
		}
		walkStrings(v, func(s string) {
			if limits.Check("s", s, limits.Text) != "" {
				t.Fatalf("accepted %q holding %q", body, s)
			}
		})
	})
}

func walkStrings(v any, fn func(string)) {
	switch v := v.(type) {
	case string:
		fn(v)
	case []any:
		for _, x := range v {
			walkStrings(x, fn)
		}
	case map[string]any:
		for k, x := range v {
			fn(k)
			walkStrings(x, fn)
		}
	}
}
