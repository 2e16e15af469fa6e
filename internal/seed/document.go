package seed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/fault"
)

// Version is the seed format's version; documents say it in "version".
const Version = 1

// MaxDocument is the largest seed document accepted, in bytes.
const MaxDocument = 8 << 20

// Document is a seed document: the Okta org's sections and the OPA teams. A section is kept raw
// until its loader decodes it, so that each section owns its own shape (sections.go).
type Document struct {
	Version int                        `json:"version"`
	Okta    map[string]json.RawMessage `json:"okta,omitempty"`
	OPA     *OPADocument               `json:"opa,omitempty"`
}

// OPADocument holds the OPA teams.
type OPADocument struct {
	Teams []TeamDocument `json:"teams"`
}

// TeamDocument is one team: its name, how it is created when missing, and its sections.
type TeamDocument struct {
	Name        string
	ServiceUser string   // the first service user, "keyward-admin" when empty
	Key         *TeamKey // the first service user's key; generated when nil
	Sections    map[string]json.RawMessage
}

// TeamKey is a service user key chosen in the document, so that a test knows it in advance.
type TeamKey struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

// teamFields are the keys of a team that are not sections.
var teamFields = []string{"name", "serviceUser", "key"}

// MarshalJSON writes the team's fields, then its sections in loading order (sections.go).
func (t TeamDocument) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	field := func(key string, v any) error {
		val, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
		return nil
	}
	err := field("name", t.Name)
	if err == nil && t.ServiceUser != "" {
		err = field("serviceUser", t.ServiceUser)
	}
	if err == nil && t.Key != nil {
		err = field("key", t.Key)
	}
	keys := teamSectionNames()
	for k := range t.Sections {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if raw, ok := t.Sections[k]; ok && err == nil {
			err = field(k, raw)
		}
	}
	return []byte("{" + b.String() + "}"), err
}

// UnmarshalJSON splits a team object into its fields and its sections.
func (t *TeamDocument) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for _, f := range teamFields {
		raw, ok := m[f]
		if !ok {
			continue
		}
		delete(m, f)
		var err error
		switch f {
		case "name":
			err = json.Unmarshal(raw, &t.Name)
		case "serviceUser":
			err = json.Unmarshal(raw, &t.ServiceUser)
		case "key":
			err = strict(raw, &t.Key)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	t.Sections = m
	return nil
}

// Parse reads a seed document in YAML or JSON (JSON is YAML too) and checks its shape: the
// version, known section names, and every section decoding into its loader's type. Nothing is
// loaded yet; a document that parses has no format error left.
func Parse(data []byte) (Document, error) {
	var doc Document
	if len(data) > MaxDocument {
		return doc, invalid(fmt.Sprintf("document: must be at most %d bytes", MaxDocument))
	}
	var tree any
	if err := yaml.Unmarshal(data, &tree); err != nil {
		return doc, invalid("document: " + oneLine(err.Error()))
	}
	if tree == nil {
		return doc, invalid("document: is empty")
	}
	if where := badString(tree, "document"); where != "" {
		return doc, invalid(where + ": must be valid UTF-8 without NUL characters")
	}
	js, err := json.Marshal(tree)
	if err != nil {
		return doc, invalid("document: " + oneLine(err.Error()))
	}
	if err := strict(js, &doc); err != nil {
		return doc, invalid("document: " + oneLine(err.Error()))
	}
	if doc.Version != Version {
		return doc, invalid(fmt.Sprintf("version: must be %d", Version))
	}
	return doc, check(doc)
}

// check decodes every section into its type, naming the first problem of each.
func check(doc Document) error {
	var causes []string
	for key, raw := range doc.Okta {
		sec := orgSectionNamed(key)
		if sec == nil {
			causes = append(causes, "okta."+key+": unknown section; known: "+strings.Join(orgSectionNames(), ", "))
			continue
		}
		if _, err := sec.parse(raw); err != nil {
			causes = append(causes, "okta."+key+": "+oneLine(err.Error()))
		}
	}
	if doc.OPA != nil {
		seen := map[string]bool{}
		for i, t := range doc.OPA.Teams {
			where := fmt.Sprintf("opa.teams[%d]", i)
			switch {
			case t.Name == "":
				causes = append(causes, where+".name: is required")
			case seen[t.Name]:
				causes = append(causes, where+".name: team "+t.Name+" is listed twice")
			}
			seen[t.Name] = true
			if t.Key != nil && (t.Key.ID == "" || !config.StrongSecret(t.Key.Secret)) {
				causes = append(causes, where+".key: needs an id and a secret as strong as a generated one: at least 43 characters "+
					"with at least 12 different ones, such as the output of `openssl rand -base64 32`")
			}
			for key, raw := range t.Sections {
				sec := teamSectionNamed(key)
				if sec == nil {
					causes = append(causes, where+"."+key+": unknown section; known: "+strings.Join(append(slices.Clone(teamFields), teamSectionNames()...), ", "))
					continue
				}
				if _, err := sec.parse(raw); err != nil {
					causes = append(causes, where+"."+key+": "+oneLine(err.Error()))
				}
			}
		}
	}
	if len(causes) > 0 {
		slices.Sort(causes)
		return invalid(causes...)
	}
	return nil
}

// strict decodes JSON refusing unknown fields: a misspelt key is an error, not a silent no-op.
func strict(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

func invalid(causes ...string) error { return fault.Invalidf("Seed", causes...) }

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// badString returns the path of the first key or string no store can hold, or "".
func badString(v any, path string) string {
	switch x := v.(type) {
	case string:
		if !utf8.ValidString(x) || strings.ContainsRune(x, 0) {
			return path
		}
	case map[string]any:
		for k, e := range x {
			if p := badString(k, path); p != "" {
				return p
			}
			if p := badString(e, path+"."+k); p != "" {
				return p
			}
		}
	case []any:
		for i, e := range x {
			if p := badString(e, fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	}
	return ""
}

// YAML writes the document as block-style YAML, keys in the order JSON gives them.
func (d Document) YAML() ([]byte, error) {
	js, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(js, &n); err != nil { // JSON is YAML: the node keeps the key order
		return nil, err
	}
	blockStyle(&n)
	return yaml.Marshal(&n)
}

// blockStyle drops the flow style the JSON source gave every node.
func blockStyle(n *yaml.Node) {
	n.Style &^= yaml.FlowStyle
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		n.Style &^= yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		blockStyle(c)
	}
}
