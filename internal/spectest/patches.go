package spectest

import (
	"errors"
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// A Patch is a deviation that cannot be checked beside the document because the document
// itself contradicts itself: it is applied to the loaded document, as narrowly as possible, and
// named with its reason here and in docs/opa.md. Everything else in the document stays as it is.
type Patch struct {
	Name     string
	Reason   string
	Document string // the file it applies to
	Apply    func(doc *openapi3.T) error
}

// Patches are applied by Load to the documents they name.
var Patches = []Patch{
	{
		Name:     "server-selector-type",
		Document: "opa-team.yaml",
		Reason: "a security policy rule's resource_selector is dispatched by `_type` through a discriminator whose " +
			"mapping key is server_based_resource, to a schema whose own `_type` enum is server_based_resource_selector, " +
			"so no body satisfies both; keyward sends the mapping key (what OPA's generated clients dispatch on) and " +
			"that one enum is widened to it",
		Apply: widenSelectorType("SecurityPolicyRuleServerBasedResourceSelector", "server_based_resource"),
	},
	{
		Name:     "active-directory-selector-type",
		Document: "opa-team.yaml",
		Reason: "the same contradiction for Active Directory: the mapping key is active_directory_based_resource (what " +
			"the document's own examples send), the schema's `_type` enum active_directory_based_resource_selector; " +
			"keyward sends the mapping key and that one enum is widened to it",
		Apply: widenSelectorType("SecurityPolicyRuleActiveDirectoryBasedResourceSelector", "active_directory_based_resource"),
	},
	{
		Name:     "unmanaged-saas-selector-type",
		Document: "opa-team.yaml",
		Reason: "an unmanaged SaaS rule's selector is dispatched by `_type` individual_unmanaged_saas_app_account to " +
			"SelectorIndividualSaaSAppAccount, whose own `_type` enum holds only individual_managed_saas_app_account, " +
			"so no unmanaged selector satisfies both; keyward echoes the mapping key and that one enum is widened to it",
		Apply: widenSelectorType("SelectorIndividualSaaSAppAccount", "individual_unmanaged_saas_app_account"),
	},
}

// widenSelectorType adds the discriminator's mapping key to a selector schema's `_type` enum.
func widenSelectorType(schema, key string) func(doc *openapi3.T) error {
	return func(doc *openapi3.T) error {
		s := doc.Components.Schemas[schema]
		if s == nil || s.Value == nil || s.Value.Properties["_type"] == nil {
			return errors.New("no " + schema + "._type in the document")
		}
		typ := s.Value.Properties["_type"].Value
		if !slices.Contains(typ.Enum, any(key)) {
			typ.Enum = append(typ.Enum, key)
		}
		return nil
	}
}

// patch applies the document's patches.
func patch(name string, doc *openapi3.T) error {
	for _, p := range Patches {
		if p.Document != name {
			continue
		}
		if err := p.Apply(doc); err != nil {
			return fmt.Errorf("patch %s %w", p.Name, err)
		}
	}
	return nil
}
