package opa

import (
	"encoding/json"
	"fmt"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/pam"
)

// DecodePolicyRules reads a security policy's rules written as the API takes them into the
// domain's, or an Invalid fault naming the field (rules[i]…): what a seed document holds.
func DecodePolicyRules(raw json.RawMessage) ([]pam.PolicyRule, error) {
	var rules []policyRule
	if err := json.Unmarshal(raw, &rules); err != nil {
		return nil, fault.Invalidf("SecurityPolicy", "rules: "+err.Error())
	}
	out := make([]pam.PolicyRule, 0, len(rules))
	var cs []string
	for i, r := range rules {
		rule, c := r.rule(fmt.Sprintf("rules[%d]", i))
		cs = append(cs, c...)
		out = append(out, rule)
	}
	if len(cs) > 0 {
		return nil, fault.Invalidf("SecurityPolicy", cs...)
	}
	return out, nil
}

// EncodePolicyRules writes rules as the API shows them, without their policy's id.
func EncodePolicyRules(rules []pam.PolicyRule) (json.RawMessage, error) {
	out := make([]policyRule, len(rules))
	for i, r := range rules {
		out[i] = ruleOf("", r)
		out[i].SecurityPolicyID = nil
	}
	return json.Marshal(out)
}
