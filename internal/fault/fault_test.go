package fault

import (
	"fmt"
	"testing"
)

func TestParseCause(t *testing.T) {
	for text, field := range map[string]string{
		"name: is required":                          "name",
		"agents[2].id: a53 is listed more than once": "agents[2].id",
		"give exactly one of set or advance":         "",
		"the clock: cannot move":                     "", // a sentence, not a field
		": empty":                                    "",
	} {
		if c := ParseCause(text); c.Field != field || c.Text != text || c.Required {
			t.Errorf("%q: %+v, want field %q", text, c, field)
		}
	}
}

func TestInvalidFieldsIsAboutTheFirstFailingField(t *testing.T) {
	e := InvalidFields(ParseCause("a sentence"), Required("name", "name: is required"), ParseCause("agentType: bad"))
	if e.Kind != Invalid || e.Summary != "name" || e.Field() != "name" {
		t.Errorf("%+v", e)
	}
	if got := e.Error(); got != "name: a sentence; name: is required; agentType: bad" {
		t.Errorf("Error() = %q", got)
	}
	if f, ok := As(fmt.Errorf("wrapped: %w", e)); !ok || f != e {
		t.Error("As does not find a wrapped fault")
	}
}

func TestErrorText(t *testing.T) {
	for want, e := range map[string]*Error{
		"AgentPool: name: is required":     Invalidf("AgentPool", "name: is required"),
		"a sentence":                       InvalidFields(ParseCause("a sentence")),
		"Resource not found: p1 (Project)": Missing("p1", "Project"),
	} {
		if got := e.Error(); got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	}
}
