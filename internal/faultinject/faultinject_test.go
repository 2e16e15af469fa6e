package faultinject

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestApplyScopeCountAndProbability(t *testing.T) {
	rs := New()
	now := time.Now()
	org, _ := rs.Add(Rule{Org: "o1", Route: "/api/v1/agentPools", Action: ActionError, Status: 503, Probability: 1, Count: 2}, now)
	if _, err := rs.Add(Rule{Team: "t1", Operation: "listResourceGroups", Action: ActionDrop, Probability: 1}, now); err != nil {
		t.Fatal(err)
	}
	apply := func(org, team, method, pattern, op string) bool {
		_, ok := rs.Apply(org, team, method, pattern, op)
		return ok
	}
	if apply("o2", "", "GET", "/api/v1/agentPools", "listAgentPools") {
		t.Fatal("another org's request matched")
	}
	if apply("o1", "", "GET", "/api/v1/agentPools/{poolId}", "getAgentPool") {
		t.Fatal("another route matched")
	}
	for i := range 2 {
		if !apply("o1", "", "GET", "/api/v1/agentPools", "listAgentPools") {
			t.Fatalf("request %d not matched", i)
		}
	}
	if apply("o1", "", "GET", "/api/v1/agentPools", "listAgentPools") {
		t.Fatal("the rule outlived its count")
	}
	if !apply("", "t1", "GET", "/v1/teams/{team_name}/resource_groups", "listResourceGroups") || apply("", "t2", "GET", "/v1/teams/{team_name}/resource_groups", "listResourceGroups") {
		t.Fatal("team scope")
	}
	if got := rs.List(func(r Rule) bool { return r.Org == "o1" }); len(got) != 1 || got[0].Hits != 2 || got[0].Remaining != 0 {
		t.Fatalf("listed %+v", got)
	}
	if rs.Delete(org.ID, func(Rule) bool { return false }) || !rs.Delete(org.ID, func(Rule) bool { return true }) {
		t.Fatal("delete")
	}

	half := New()
	rolls := []float64{0.7, 0.2}
	half.roll = func() float64 { r := rolls[0]; rolls = rolls[1:]; return r }
	half.Add(Rule{Org: "o", Action: ActionDrop, Probability: 0.5}, now)
	if _, ok := half.Apply("o", "", "GET", "/x", "x"); ok {
		t.Fatal("applied on a roll above the probability")
	}
	if _, ok := half.Apply("o", "", "GET", "/x", "x"); !ok {
		t.Fatal("not applied on a roll below the probability")
	}
}

func TestBounds(t *testing.T) {
	rs := New()
	for range MaxPerScope {
		if _, err := rs.Add(Rule{Org: "o", Action: ActionDrop, Probability: 1}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rs.Add(Rule{Org: "o", Action: ActionDrop, Probability: 1}, time.Now()); !errors.Is(err, ErrFull) {
		t.Fatalf("rule past the scope's bound: %v", err)
	}
	if _, err := rs.Add(Rule{Org: "p", Action: ActionDrop, Probability: 1}, time.Now()); err != nil {
		t.Fatalf("another scope: %v", err)
	}
}

// TestRulesOneOrgMakesAreBounded: an org spreading rules over many teams' scopes still makes at
// most MaxPerScope, so that it cannot take every rule the process may hold.
func TestRulesOneOrgMakesAreBounded(t *testing.T) {
	rs := New()
	for i := range MaxPerScope {
		if _, err := rs.Add(Rule{Team: fmt.Sprint("t", i), By: "o", Action: ActionDrop, Probability: 1}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rs.Add(Rule{Team: "another", By: "o", Action: ActionDrop, Probability: 1}, time.Now()); !errors.Is(err, ErrFull) {
		t.Fatalf("rule past the org's bound: %v", err)
	}
	if _, err := rs.Add(Rule{Team: "another", By: "p", Action: ActionDrop, Probability: 1}, time.Now()); err != nil {
		t.Fatalf("another org's rule: %v", err)
	}
}

func TestDelayWithinRange(t *testing.T) {
	r := Rule{Latency: 10 * time.Millisecond, LatencyMax: 20 * time.Millisecond}
	for range 100 {
		if d := r.Delay(); d < r.Latency || d > r.LatencyMax {
			t.Fatalf("delay %v outside [%v, %v]", d, r.Latency, r.LatencyMax)
		}
	}
}
