package seed

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/fault"
)

func TestExampleParses(t *testing.T) {
	doc := parsedExample(t)
	if len(doc.Okta) != 3 || doc.OPA == nil || len(doc.OPA.Teams) != 1 || len(doc.OPA.Teams[0].Sections) != 8 {
		t.Fatalf("parsed %+v", doc)
	}
}

func TestParseRefusesNamingTheField(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"empty", ``, "document"},
		{"not yaml", "version: [1", "document"},
		{"no version", `okta: {}`, "version"},
		{"future version", `version: 2`, "version"},
		{"unknown top key", "version: 1\nextra: 1", "extra"},
		{"unknown org section", "version: 1\nokta:\n  apps: []", "okta.apps"},
		{"unknown team section", "version: 1\nopa:\n  teams:\n    - name: t\n      servers: []", "opa.teams[0].servers"},
		{"team without a name", "version: 1\nopa:\n  teams:\n    - users: []", "opa.teams[0].name"},
		{"team twice", "version: 1\nopa:\n  teams:\n    - name: t\n    - name: t", "opa.teams[1].name"},
		{"misspelt field", "version: 1\nokta:\n  pools:\n    - name: p\n      typ: AD", "okta.pools"},
		{"wrong type", "version: 1\nokta:\n  pools: {name: p}", "okta.pools"},
		{"weak key", "version: 1\nopa:\n  teams:\n    - name: t\n      key: {id: k, secret: short}", "opa.teams[0].key"},
		{"NUL", "version: 1\nopa:\n  teams:\n    - name: \"a\\0b\"", "document.opa.teams[0].name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.doc))
			f, ok := err.(*fault.Error)
			if !ok || f.Kind != fault.Invalid || !strings.Contains(f.Error(), c.want) {
				t.Fatalf("Parse: %v, want an Invalid fault naming %s", err, c.want)
			}
		})
	}
}

// TestDocumentRoundTrip: a parsed document marshals to JSON that parses to the same document,
// each team starting with its own fields, then its sections in loading order.
func TestDocumentRoundTrip(t *testing.T) {
	doc := parsedExample(t)
	js, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `{"name":"demo","serviceUser":"demo-admin","key":{"id":"demo-key",`) ||
		strings.Index(string(js), `"users":`) > strings.Index(string(js), `"groups":`) {
		t.Errorf("team written as %s", js)
	}
	again, err := Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	js2, _ := json.Marshal(again)
	if string(js) != string(js2) {
		t.Errorf("round trip changed the document:\n%s\n%s", js, js2)
	}
}

func TestDocumentAsYAMLParsesBack(t *testing.T) {
	doc := parsedExample(t)
	y, err := doc.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(y), "version: 1\n") || strings.Contains(string(y), "{") {
		t.Errorf("YAML written as\n%s", y)
	}
	again, err := Parse(y)
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	a, _ := json.Marshal(doc)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Errorf("YAML round trip changed the document:\n%s\n%s", a, b)
	}
}

// parsedExample parses examples/seed.yaml.
func parsedExample(t *testing.T) Document {
	t.Helper()
	data, err := os.ReadFile("../../examples/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(data)
	if err != nil {
		t.Fatalf("examples/seed.yaml: %v", err)
	}
	return doc
}
