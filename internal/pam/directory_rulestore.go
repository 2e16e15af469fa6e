package pam

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// textOp is a filter or partial-match operator over lower-cased text.
func textOp(op string) func(s, v string) bool {
	switch op {
	case "CONTAINS":
		return strings.Contains
	case "ENDS_WITH", "ENDS WITH":
		return strings.HasSuffix
	case "STARTS_WITH", "STARTS WITH":
		return strings.HasPrefix
	}
	return func(s, v string) bool { return s == v }
}

func lower(s string) string { return strings.ToLower(s) }

// invalidIfMissing turns the store's ErrNotFound into a 400 with the cause given: a reference in
// a body to something that does not exist is bad input, not a missing resource.
func invalidIfMissing(err error, what, cause string) error {
	if errors.Is(err, store.ErrNotFound) {
		return fault.Invalidf(what, cause)
	}
	return err
}

// connectedForRules returns the connection, refusing rules on one that is not connected.
func (s *Service) connectedForRules(ctx context.Context, q store.Queries, teamID, connID string) (store.ADConnection, error) {
	c, err := s.adConnection(ctx, q, teamID, connID)
	if err == nil && c.Status != ADConnected {
		err = fault.Invalidf(adConnectionNoun, "status: rules need a connected connection; this one is "+c.Status)
	}
	return c, err
}

// CreateADRule adds a rule after the connection's others.
func (s *Service) CreateADRule(ctx context.Context, teamID, connID string, in ADRuleInput) (ADRule, error) {
	if cs := in.check(); len(cs) > 0 {
		return ADRule{}, fault.Invalidf(adRuleNoun, cs...)
	}
	r := ADRule{ID: newID(), ConnectionID: connID, Name: *in.Name, ResourceGroupID: in.ResourceGroupID, ProjectID: in.ProjectID,
		adRuleBody: in.body()}
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		if _, err := s.connectedForRules(ctx, q, teamID, connID); err != nil {
			return err
		}
		if err := ruleTarget(ctx, q, teamID, in); err != nil {
			return err
		}
		rules, err := q.ListADRules(ctx, teamID, connID)
		if err != nil {
			return err
		}
		if len(rules) >= maxADRules {
			return fault.Invalidf(adRuleNoun, "priority: a connection holds at most 100 rules")
		}
		r.Priority = len(rules) + 1
		rec, err := r.record(teamID)
		if err != nil {
			return err
		}
		return taken(q.CreateADRule(ctx, rec), "rule", r.Name, "connection")
	})
	return r, err
}

// ADRule returns a rule of a connection of the team.
func (s *Service) ADRule(ctx context.Context, teamID, connID, id string) (ADRule, error) {
	if _, err := s.adConnection(ctx, s.Store, teamID, connID); err != nil {
		return ADRule{}, err
	}
	if !storable(id) {
		return ADRule{}, fault.Missing(id, adRuleNoun)
	}
	r, err := s.Store.GetADRule(ctx, teamID, connID, id)
	if err != nil {
		return ADRule{}, missing(err, id, adRuleNoun)
	}
	return adRuleOf(r)
}

// ListADRules returns a connection's rules by priority.
func (s *Service) ListADRules(ctx context.Context, teamID, connID string) ([]ADRule, error) {
	if _, err := s.adConnection(ctx, s.Store, teamID, connID); err != nil {
		return nil, err
	}
	return listADRules(ctx, s.Store, teamID, connID)
}

func listADRules(ctx context.Context, q store.Queries, teamID, connID string) ([]ADRule, error) {
	rs, err := q.ListADRules(ctx, teamID, connID)
	if err != nil {
		return nil, err
	}
	out := make([]ADRule, 0, len(rs))
	for _, r := range rs {
		x, err := adRuleOf(r)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// UpdateADRule replaces a rule, keeping its priority.
func (s *Service) UpdateADRule(ctx context.Context, teamID, connID, id string, in ADRuleInput) error {
	if cs := in.check(); len(cs) > 0 {
		return fault.Invalidf(adRuleNoun, cs...)
	}
	return s.Store.InTx(ctx, func(q store.Queries) error {
		if _, err := s.connectedForRules(ctx, q, teamID, connID); err != nil {
			return err
		}
		if !storable(id) {
			return fault.Missing(id, adRuleNoun)
		}
		old, err := q.GetADRule(ctx, teamID, connID, id)
		if err != nil {
			return missing(err, id, adRuleNoun)
		}
		if err := ruleTarget(ctx, q, teamID, in); err != nil {
			return err
		}
		r := ADRule{ID: id, ConnectionID: connID, Name: *in.Name, Priority: old.Priority, ResourceGroupID: in.ResourceGroupID,
			ProjectID: in.ProjectID, adRuleBody: in.body()}
		rec, err := r.record(teamID)
		if err != nil {
			return err
		}
		return taken(q.UpdateADRule(ctx, rec), "rule", r.Name, "connection")
	})
}

// DeleteADRule removes a rule; the ones after it move up.
func (s *Service) DeleteADRule(ctx context.Context, teamID, connID, id string) error {
	return s.Store.InTx(ctx, func(q store.Queries) error {
		if _, err := s.adConnection(ctx, q, teamID, connID); err != nil {
			return err
		}
		if !storable(id) {
			return fault.Missing(id, adRuleNoun)
		}
		if err := q.DeleteADRule(ctx, teamID, connID, id); err != nil {
			return missing(err, id, adRuleNoun)
		}
		rules, err := q.ListADRules(ctx, teamID, connID)
		if err != nil {
			return err
		}
		return renumber(ctx, q, rules)
	})
}

// ADRulePriority is one rule's new place in a reorder.
type ADRulePriority struct {
	RuleID   string
	Priority int
}

// ReorderADRules moves the rules named to the priorities given; the others keep their order in
// the places left. Priorities must be distinct and within the connection's count of rules.
func (s *Service) ReorderADRules(ctx context.Context, teamID, connID string, moves []ADRulePriority) ([]ADRule, error) {
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		if _, err := s.adConnection(ctx, q, teamID, connID); err != nil {
			return err
		}
		rules, err := q.ListADRules(ctx, teamID, connID)
		if err != nil {
			return err
		}
		slots := make([]*store.ADRule, len(rules))
		moved := map[string]bool{}
		for _, m := range moves {
			i := slices.IndexFunc(rules, func(r store.ADRule) bool { return r.ID == m.RuleID })
			switch {
			case i < 0:
				return fault.Invalidf(adRuleNoun, "rule_id: no rule "+m.RuleID+" on this connection")
			case moved[m.RuleID]:
				return fault.Invalidf(adRuleNoun, "rule_id: "+m.RuleID+" is given twice")
			case m.Priority < 1 || m.Priority > len(rules) || slots[m.Priority-1] != nil:
				return fault.Invalidf(adRuleNoun, "priority: must be distinct and between 1 and the number of rules")
			}
			moved[m.RuleID], slots[m.Priority-1] = true, &rules[i]
		}
		next := 0
		for i := range rules {
			if moved[rules[i].ID] {
				continue
			}
			for slots[next] != nil {
				next++
			}
			slots[next] = &rules[i]
		}
		ordered := make([]store.ADRule, len(slots))
		for i, r := range slots {
			ordered[i] = *r
		}
		return renumber(ctx, q, ordered)
	})
	if err != nil {
		return nil, err
	}
	return listADRules(ctx, s.Store, teamID, connID)
}

// renumber gives rules in order the priorities 1, 2, …, writing only those that change.
func renumber(ctx context.Context, q store.Queries, rules []store.ADRule) error {
	for i, r := range rules {
		if r.Priority == i+1 {
			continue
		}
		r.Priority = i + 1
		if err := q.UpdateADRule(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
