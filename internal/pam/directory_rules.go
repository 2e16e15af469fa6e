package pam

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

const (
	adRuleNoun     = "ActiveDirectoryAccountRule"
	maxADRules     = 100
	maxRuleFilters = 10
)

// Filter fields and operators of a rule's enhanced filters. okta_group_name is refused: keyward
// holds no Okta group memberships of AD accounts, so such a filter could never be honoured.
var (
	adFilterFields    = []string{"account_name"}
	adFilterOperators = []string{"CONTAINS", "ENDS_WITH", "EQUALS", "STARTS_WITH"}
)

// ADFieldFilter is one condition of a rule on the accounts of one organizational unit.
type ADFieldFilter struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    string `json:"value"`
}

// ADRule places a connection's accounts of its type found in its organizational units (and
// passing that unit's filters) in a project. Rules apply in priority order, 1 first.
type ADRule struct {
	ID              string
	ConnectionID    string
	Name            string
	Priority        int
	ResourceGroupID string
	ProjectID       string
	adRuleBody
}

type adRuleBody struct {
	RuleType            string            `json:"rule_type"`
	OrganizationalUnits []string          `json:"organizational_units"`
	EnhancedFilters     [][]ADFieldFilter `json:"enhanced_filters"`
	ImportOktaUsers     bool              `json:"enable_import_okta_users"`
	InitialRotation     bool              `json:"enable_initial_password_rotation"`
}

// ADRuleInput is a rule as created or replaced: nil is "not sent".
type ADRuleInput struct {
	Name                          *string
	RuleType                      *string
	ResourceGroupID, ProjectID    string
	OrganizationalUnits           []string
	EnhancedFilters               [][]ADFieldFilter
	EnableImportOktaUsers         *bool
	EnableInitialPasswordRotation *bool
}

func (in ADRuleInput) check() []string {
	cs := []string{checkPrincipalName("name", deref(in.Name))}
	if !slices.Contains(ADAccountTypes, deref(in.RuleType)) {
		cs = append(cs, "rule_type: must be one of "+listed(ADAccountTypes))
	}
	if in.ResourceGroupID == "" {
		cs = append(cs, "resource_group.id: is required")
	}
	if in.ProjectID == "" {
		cs = append(cs, "project.id: is required")
	}
	if len(in.OrganizationalUnits) == 0 {
		cs = append(cs, "organizational_units: must name at least one organizational unit")
	}
	for _, ou := range in.OrganizationalUnits {
		if ou == "" || len(ou) > 1024 {
			cs = append(cs, "organizational_units: each must be 1 to 1024 characters")
			break
		}
		cs = append(cs, checkText("organizational_units", ou))
	}
	if len(in.EnhancedFilters) > len(in.OrganizationalUnits) {
		cs = append(cs, "enhanced_filters: must hold at most one list per organizational unit")
	}
	for i, fs := range in.EnhancedFilters {
		if len(fs) > maxRuleFilters {
			cs = append(cs, fmt.Sprintf("enhanced_filters[%d]: must hold at most %d filters", i, maxRuleFilters))
		}
		for j, f := range fs {
			at := "enhanced_filters[" + strconv.Itoa(i) + "][" + strconv.Itoa(j) + "]."
			if !slices.Contains(adFilterFields, f.Field) {
				cs = append(cs, at+"field: must be one of "+listed(adFilterFields))
			}
			if !slices.Contains(adFilterOperators, f.Operator) {
				cs = append(cs, at+"operator: must be one of "+listed(adFilterOperators))
			}
			if f.Value == "" || len(f.Value) > maxName {
				cs = append(cs, at+"value: must be 1 to 255 characters")
			}
			cs = append(cs, checkText(at+"value", f.Value))
		}
	}
	return causes(cs...)
}

func (in ADRuleInput) body() adRuleBody {
	b := adRuleBody{RuleType: *in.RuleType, OrganizationalUnits: in.OrganizationalUnits, EnhancedFilters: in.EnhancedFilters,
		InitialRotation: true}
	if b.EnhancedFilters == nil {
		b.EnhancedFilters = [][]ADFieldFilter{}
	}
	if in.EnableImportOktaUsers != nil {
		b.ImportOktaUsers = *in.EnableImportOktaUsers
	}
	if in.EnableInitialPasswordRotation != nil {
		b.InitialRotation = *in.EnableInitialPasswordRotation
	}
	return b
}

func (r ADRule) record(teamID string) (store.ADRule, error) {
	body, err := json.Marshal(r.adRuleBody)
	return store.ADRule{ID: r.ID, TeamID: teamID, ConnectionID: r.ConnectionID, Name: r.Name, Priority: r.Priority,
		ResourceGroupID: r.ResourceGroupID, ProjectID: r.ProjectID, Body: body}, err
}

func adRuleOf(r store.ADRule) (ADRule, error) {
	out := ADRule{ID: r.ID, ConnectionID: r.ConnectionID, Name: r.Name, Priority: r.Priority, ResourceGroupID: r.ResourceGroupID,
		ProjectID: r.ProjectID}
	if err := json.Unmarshal(r.Body, &out.adRuleBody); err != nil {
		return out, fmt.Errorf("ad rule %s: %w", r.ID, err)
	}
	return out, nil
}

// places reports whether the rule places an account: of the rule's type, in one of its
// organizational units and passing that unit's filters.
func (r ADRule) places(e ADEntry) bool {
	if e.AccountType != r.RuleType {
		return false
	}
	for i, ou := range r.OrganizationalUnits {
		if !inOU(e.DistinguishedName, ou) {
			continue
		}
		var fs []ADFieldFilter
		if i < len(r.EnhancedFilters) {
			fs = r.EnhancedFilters[i]
		}
		if slices.IndexFunc(fs, func(f ADFieldFilter) bool { return !f.holds(e) }) < 0 {
			return true
		}
	}
	return false
}

func (f ADFieldFilter) holds(e ADEntry) bool {
	return textOp(f.Operator)(lower(e.SAMAccountName), lower(f.Value))
}

// ruleTarget checks the rule's project exists in its resource group, naming project.id if not.
func ruleTarget(ctx context.Context, q store.Queries, teamID string, in ADRuleInput) error {
	if !storable(in.ResourceGroupID) || !storable(in.ProjectID) {
		return fault.Invalidf(adRuleNoun, "project.id: no such project in the resource group")
	}
	if _, err := q.GetProject(ctx, teamID, in.ResourceGroupID, in.ProjectID); err != nil {
		return invalidIfMissing(err, adRuleNoun, "project.id: no such project in the resource group")
	}
	return nil
}

// ADRuleView is a rule with the names of its project and resource group ("" when deleted).
type ADRuleView struct {
	ADRule
	ProjectName       string
	ResourceGroupName string
}

// NameADRules names the rules' projects and resource groups.
func (s *Service) NameADRules(ctx context.Context, teamID string, rules []ADRule) ([]ADRuleView, error) {
	projects, rgs := map[string]string{}, map[string]string{}
	out := make([]ADRuleView, len(rules))
	for i, r := range rules {
		v := ADRuleView{ADRule: r}
		var err error
		if v.ProjectName, err = cached(projects, r.ProjectID, func() (string, error) {
			p, err := s.Store.GetProject(ctx, teamID, r.ResourceGroupID, r.ProjectID)
			return p.Name, ignoreMissing(err)
		}); err != nil {
			return nil, err
		}
		if v.ResourceGroupName, err = cached(rgs, r.ResourceGroupID, func() (string, error) {
			rg, err := s.Store.GetResourceGroup(ctx, teamID, r.ResourceGroupID)
			return rg.Name, ignoreMissing(err)
		}); err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
