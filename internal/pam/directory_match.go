package pam

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

const adRuleSettingsNoun = "ActiveDirectoryAccountRuleSettings"

// Partial-match operators (OPA's values, spaces included).
var adPartialOperators = []string{"ENDS WITH", "STARTS WITH"}

// ADMatchingCriteria are the attributes an individual account and a user must share for a match.
type ADMatchingCriteria struct {
	Username         bool `json:"username"`
	Email            bool `json:"email"`
	FirstAndLastName bool `json:"first_and_last_name"`
	DisplayName      bool `json:"display_name"`
}

// ADPartialCondition strips a prefix or suffix from an account's name before comparing it with
// user names: "adm-alice" STARTS WITH "adm-" partially matches the user alice.
type ADPartialCondition struct {
	Operator   string `json:"operator"`
	MatchValue string `json:"match_value"`
}

// ADRuleSettings are a connection's matching settings for individual accounts. Until set,
// accounts match on the username alone.
type ADRuleSettings struct {
	Configured          bool                 `json:"is_configured"`
	AllowPartialMatches bool                 `json:"allow_partial_matches"`
	Criteria            ADMatchingCriteria   `json:"matching_criteria"`
	Partial             []ADPartialCondition `json:"partial_matching_criteria"`
}

func adRuleSettingsOf(c store.ADConnection) (ADRuleSettings, error) {
	out := ADRuleSettings{Criteria: ADMatchingCriteria{Username: true}, Partial: []ADPartialCondition{}}
	if len(c.RuleSettings) == 0 || string(c.RuleSettings) == "{}" {
		return out, nil
	}
	if err := json.Unmarshal(c.RuleSettings, &out); err != nil {
		return out, fmt.Errorf("ad connection %s rule settings: %w", c.ID, err)
	}
	return out, nil
}

// ADRuleSettings returns a connection's matching settings.
func (s *Service) ADRuleSettings(ctx context.Context, teamID, connID string) (ADRuleSettings, error) {
	c, err := s.adConnection(ctx, s.Store, teamID, connID)
	if err != nil {
		return ADRuleSettings{}, err
	}
	return adRuleSettingsOf(c)
}

// SetADRuleSettings replaces a connection's matching settings; the next sync applies them.
func (s *Service) SetADRuleSettings(ctx context.Context, teamID, connID string, in ADRuleSettings) error {
	var cs []string
	if !in.Criteria.Username && !in.Criteria.Email && !in.Criteria.FirstAndLastName && !in.Criteria.DisplayName {
		cs = append(cs, "matching_criteria: must choose at least one attribute")
	}
	if len(in.Partial) > maxRuleFilters {
		cs = append(cs, fmt.Sprintf("partial_matching_criteria: must hold at most %d conditions", maxRuleFilters))
	}
	for i, p := range in.Partial {
		at := "partial_matching_criteria[" + strconv.Itoa(i) + "]."
		if !slices.Contains(adPartialOperators, p.Operator) {
			cs = append(cs, at+"operator: must be one of "+listed(adPartialOperators))
		}
		if p.MatchValue == "" || len(p.MatchValue) > maxName {
			cs = append(cs, at+"match_value: must be 1 to 255 characters")
		}
		cs = append(cs, checkText(at+"match_value", p.MatchValue))
	}
	if cs = causes(cs...); len(cs) > 0 {
		return fault.Invalidf(adRuleSettingsNoun, cs...)
	}
	in.Configured = true
	if in.Partial == nil {
		in.Partial = []ADPartialCondition{}
	}
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(q store.Queries) error {
		c, err := s.adConnection(ctx, q, teamID, connID)
		if err != nil {
			return err
		}
		c.RuleSettings = body
		return q.UpdateADConnection(ctx, c)
	})
}

// ruleMatch finds the team user an individual account matches under the settings: exactly on
// every chosen attribute, else (when allowed) on its name with a partial condition's prefix or
// suffix removed. It returns the user's id ("" unless exactly one) and the match status.
func (st ADRuleSettings) ruleMatch(e ADEntry, users []store.OPAUser) (string, string) {
	exact := func(u store.OPAUser) bool {
		c := st.Criteria
		return (!c.Username || strings.EqualFold(u.Name, e.SAMAccountName)) &&
			(!c.Email || (e.Email != "" && strings.EqualFold(u.Email, e.Email))) &&
			(!c.FirstAndLastName || (e.FirstName != "" && strings.EqualFold(u.FirstName, e.FirstName) && strings.EqualFold(u.LastName, e.LastName))) &&
			(!c.DisplayName || (e.DisplayName != "" && strings.EqualFold(strings.TrimSpace(u.FirstName+" "+u.LastName), e.DisplayName)))
	}
	if id, status := pick(users, exact, MatchExact); status != MatchNone || !st.AllowPartialMatches {
		return id, status
	}
	name := lower(e.SAMAccountName)
	partial := func(u store.OPAUser) bool {
		for _, p := range st.Partial {
			v := lower(p.MatchValue)
			if !textOp(p.Operator)(name, v) {
				continue
			}
			rest := strings.TrimPrefix(name, v)
			if p.Operator == "ENDS WITH" {
				rest = strings.TrimSuffix(name, v)
			}
			if rest != "" && rest == lower(u.Name) {
				return true
			}
		}
		return false
	}
	return pick(users, partial, MatchPartial)
}

// pick is the one user found (status found), several (DUPLICATE) or none (NO MATCH).
func pick(users []store.OPAUser, ok func(store.OPAUser) bool, found string) (string, string) {
	var hit []string
	for _, u := range users {
		if ok(u) {
			hit = append(hit, u.ID)
		}
	}
	switch len(hit) {
	case 0:
		return "", MatchNone
	case 1:
		return hit[0], found
	}
	return "", MatchDuplicate
}

// ADMatchInput is a match update: an override user, or no match forced, or neither (back to
// the rule's match).
type ADMatchInput struct {
	OverrideUserID string
	ForceNoMatch   bool
}

// ADAccountMatch returns an individual account's match.
func (s *Service) ADAccountMatch(ctx context.Context, teamID, connID, id string) (ADAccount, error) {
	a, err := s.connectionADAccount(ctx, s.Store, teamID, connID, id)
	if err == nil && a.AccountType != ADIndividual {
		err = fault.Invalidf(adAccountNoun, "ad_account_id: only individual accounts are matched to users")
	}
	return a, err
}

// SetADAccountMatch overrides an individual account's match; the override outlives syncs.
func (s *Service) SetADAccountMatch(ctx context.Context, teamID, connID, id string, in ADMatchInput) (ADAccount, error) {
	if in.OverrideUserID != "" && in.ForceNoMatch {
		return ADAccount{}, fault.Invalidf("ActiveDirectoryAccountMatch", "force_no_match: cannot be true with a match_override_user_id")
	}
	var out ADAccount
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		a, err := s.connectionADAccount(ctx, q, teamID, connID, id)
		if err != nil {
			return err
		}
		if a.AccountType != ADIndividual {
			return fault.Invalidf(adAccountNoun, "ad_account_id: only individual accounts are matched to users")
		}
		if in.OverrideUserID != "" {
			u, err := q.GetOPAUser(ctx, teamID, in.OverrideUserID)
			if err == nil && u.Type != store.UserHuman {
				err = store.ErrNotFound
			}
			if !storable(in.OverrideUserID) || err != nil {
				return invalidIfMissing(orMissing(err), "ActiveDirectoryAccountMatch", "match_override_user_id: no such human user in the team")
			}
		}
		a.Match.OverrideUserID, a.Match.ForceNoMatch = in.OverrideUserID, in.ForceNoMatch
		out = a
		return putADAccount(ctx, q, teamID, a)
	})
	return out, err
}

// orMissing is err, or ErrNotFound when there is none (an id that could not be stored).
func orMissing(err error) error {
	if err == nil {
		return store.ErrNotFound
	}
	return err
}
