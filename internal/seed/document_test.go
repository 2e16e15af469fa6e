package seed

import (
	"strings"
	"testing"
)

// TestParseRefusesKeysThatAreNotText checks that a YAML mapping whose key is not text (which
// JSON cannot hold) is refused naming the rule, not with Go's type names.
func TestParseRefusesKeysThatAreNotText(t *testing.T) {
	for _, doc := range []string{": : :", "version: 1\nokta:\n  1: x\n", "version: 1\nopa:\n  true: x\n"} {
		_, err := Parse([]byte(doc))
		if err == nil {
			t.Errorf("%q parsed", doc)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "every mapping key must be text") || strings.Contains(msg, "interface") {
			t.Errorf("%q refused with %q", doc, msg)
		}
	}
}
