package limits

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		s, want string
	}{
		{"", ""},
		{"à 日本 🚀", ""},
		{strings.Repeat("é", 10), ""}, // characters, not bytes
		{strings.Repeat("é", 11), "f: must be at most 10 characters"},
		{"a\x00b", "f: must not contain NUL characters"},
		{"a\xff\xfe", "f: must be valid UTF-8"},
	}
	for _, c := range cases {
		if got := Check("f", c.s, 10); got != c.want {
			t.Errorf("Check(%q) = %q, want %q", c.s, got, c.want)
		}
		if got := Storable(c.s); got != (c.want == "" || strings.Contains(c.want, "at most")) {
			t.Errorf("Storable(%q) = %v", c.s, got)
		}
	}
	if got := Causes("", "a: bad", ""); len(got) != 1 || got[0] != "a: bad" {
		t.Errorf("Causes = %q", got)
	}
}
