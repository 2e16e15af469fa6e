package seed

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v4"
)

const schemaPath = "../../schema/seed.schema.json"

// compileSchema compiles schema/seed.schema.json, checking formats too.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatalf("compile %s: %v", schemaPath, err)
	}
	return sch
}

// validateDoc checks a JSON document against the schema.
func validateDoc(t *testing.T, sch *jsonschema.Schema, what string, js []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := sch.Validate(v); err != nil {
		t.Fatalf("%s does not validate against the schema: %v", what, err)
	}
}

func TestExampleValidatesAgainstSchema(t *testing.T) {
	sch := compileSchema(t)
	data, err := os.ReadFile("../../examples/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := yaml.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	validateDoc(t, sch, "examples/seed.yaml", js)

	// A misspelt field is refused by the schema as by Parse.
	var bad map[string]any
	if err := json.Unmarshal(js, &bad); err != nil {
		t.Fatal(err)
	}
	bad["okta"].(map[string]any)["apps"] = []any{}
	js, _ = json.Marshal(bad)
	v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if sch.Validate(v) == nil {
		t.Fatal("the schema accepts an unknown org section")
	}
}

// TestSchemaListsEverySection keeps the schema in step with sections.go: a section added
// there must be described in the schema, and the schema describes no section that is not.
func TestSchemaListsEverySection(t *testing.T) {
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties struct {
			Okta struct {
				Properties map[string]any `json:"properties"`
			} `json:"okta"`
		} `json:"properties"`
		Defs struct {
			Team struct {
				Properties map[string]any `json:"properties"`
			} `json:"team"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	sorted := func(l []string) []string { l = slices.Clone(l); slices.Sort(l); return l }
	if got, want := keys(s.Properties.Okta.Properties), sorted(orgSectionNames()); !slices.Equal(got, want) {
		t.Errorf("schema okta sections %v, sections.go %v", got, want)
	}
	if got, want := keys(s.Defs.Team.Properties), sorted(append(slices.Clone(teamFields), teamSectionNames()...)); !slices.Equal(got, want) {
		t.Errorf("schema team keys %v, sections.go %v", got, want)
	}
}
