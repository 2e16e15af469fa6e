// Package faultsapi manages fault rules through the admin API: POST and GET /keyward/v1/faults,
// DELETE /keyward/v1/faults/{faultId}. A rule without a team applies to the admin token's org;
// a rule naming an OPA team applies to that team (teams are server-wide, so every admin sees
// and may remove team rules). Errors are in Okta's format.
package faultsapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/faultinject"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/store"
)

// Bounds on a rule's numbers.
const (
	maxLatency = time.Minute // longer would meet the server's write timeout
	maxCount   = 1_000_000
)

// Prefix begins the paths of the rules' own routes, which no rule may name or touch, so that a
// rule can always be removed.
const Prefix = "/keyward/v1/faults"

// Handlers serves the fault rules.
type Handlers struct {
	Rules *faultinject.Rules
	Store store.Store
	// Known lists the routes a rule may name (the server's route table).
	Known func() []wire.Route
	Now   func() time.Time
}

// Routes is the fault rules' route table.
func (h *Handlers) Routes() []wire.Route {
	return []wire.Route{
		{Method: "POST", Pattern: Prefix, Name: "createFault", Access: wire.Admin, Handler: h.create},
		{Method: "GET", Pattern: Prefix, Name: "listFaults", Access: wire.Admin, Handler: h.list},
		{Method: "DELETE", Pattern: Prefix + "/{faultId}", Name: "deleteFault", Access: wire.Admin, Handler: h.delete},
	}
}

// Input is a rule as an admin writes it.
type Input struct {
	Team         string   `json:"team"`
	Route        string   `json:"route"`
	OperationID  string   `json:"operationId"`
	Action       string   `json:"action"`
	Status       int      `json:"status"`
	LatencyMs    int64    `json:"latencyMs"`
	LatencyMaxMs int64    `json:"latencyMaxMs"`
	Probability  *float64 `json:"probability"`
	Count        int      `json:"count"`
}

// View is a rule as the API shows it.
type View struct {
	ID           string    `json:"id"`
	Org          string    `json:"org,omitempty"`
	Team         string    `json:"team,omitempty"`
	Route        string    `json:"route,omitempty"`
	OperationID  string    `json:"operationId,omitempty"`
	Action       string    `json:"action"`
	Status       int       `json:"status,omitempty"`
	LatencyMs    int64     `json:"latencyMs,omitempty"`
	LatencyMaxMs int64     `json:"latencyMaxMs,omitempty"`
	Probability  float64   `json:"probability"`
	Count        int       `json:"count"`
	Remaining    int       `json:"remaining"`
	Hits         int       `json:"hits"`
	Created      time.Time `json:"created"`
}

func view(r faultinject.Rule) View {
	return View{ID: r.ID, Org: r.Org, Team: r.TeamName, Route: r.Route, OperationID: r.Operation, Action: r.Action, Status: r.Status,
		LatencyMs: r.Latency.Milliseconds(), LatencyMaxMs: r.LatencyMax.Milliseconds(), Probability: r.Probability,
		Count: r.Count, Remaining: r.Remaining, Hits: r.Hits, Created: r.CreatedAt.UTC()}
}

// visibleTo says whether p may see and remove r: its org's rules and every team's.
func visibleTo(p *auth.Principal) func(faultinject.Rule) bool {
	return func(r faultinject.Rule) bool { return r.Team != "" || r.Org == p.OrgID }
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	var in Input
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	rule, err := h.rule(r, in)
	if err != nil {
		return err
	}
	rule, err = h.Rules.Add(rule, h.Now())
	if errors.Is(err, faultinject.ErrFull) {
		return fault.Invalidf("FaultRule", "too many fault rules: at most "+strconv.Itoa(faultinject.MaxPerScope)+
			" per org or team, "+strconv.Itoa(faultinject.MaxPerScope)+" made by one org, and "+strconv.Itoa(faultinject.MaxRules)+" in all; delete some first")
	}
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, view(rule))
	return nil
}

// rule checks in and makes the rule it describes, scoped to the caller's org or the named team.
func (h *Handlers) rule(r *http.Request, in Input) (faultinject.Rule, error) {
	rule := faultinject.Rule{Route: strings.TrimSpace(in.Route), Operation: in.OperationID, Action: in.Action, Status: in.Status,
		Latency: time.Duration(in.LatencyMs) * time.Millisecond, LatencyMax: time.Duration(in.LatencyMaxMs) * time.Millisecond,
		Probability: 1, Count: in.Count, By: wire.PrincipalFrom(r).OrgID}
	var causes []string
	bad := func(c string) { causes = append(causes, c) }
	switch in.Action {
	case faultinject.ActionError:
		if in.Status < 400 || in.Status > 599 {
			bad("status: must be an HTTP error status from 400 to 599")
		}
	case faultinject.ActionLatency, faultinject.ActionRateLimit, faultinject.ActionDrop:
		if in.Status != 0 {
			bad("status: only the error action takes a status")
		}
	default:
		bad("action: must be one of latency, error, rateLimit, drop")
	}
	if in.LatencyMs < 0 || rule.Latency > maxLatency {
		bad("latencyMs: must be from 0 to 60000")
	}
	if in.LatencyMaxMs != 0 && (in.LatencyMaxMs < in.LatencyMs || rule.LatencyMax > maxLatency) {
		bad("latencyMaxMs: must be from latencyMs to 60000")
	}
	if in.Action == faultinject.ActionLatency && in.LatencyMs <= 0 && in.LatencyMaxMs <= 0 {
		bad("latencyMs: the latency action needs a latency")
	}
	if in.Probability != nil {
		rule.Probability = *in.Probability
		if !(rule.Probability > 0 && rule.Probability <= 1) {
			bad("probability: must be more than 0 and at most 1")
		}
	}
	if in.Count < 0 || in.Count > maxCount {
		bad("count: must be from 0 (unlimited) to " + strconv.Itoa(maxCount))
	}
	if rule.Route != "" && !h.knownRoute(rule.Route) {
		bad("route: must be a route pattern of keyward's route table, with or without its method, such as GET /api/v1/agentPools")
	}
	if rule.Operation != "" && !h.knownOperation(rule.Operation) {
		bad("operationId: must be the operationId of one of keyward's routes, such as listAgentPools")
	}
	if len(causes) > 0 {
		return rule, fault.Invalidf("FaultRule", causes...)
	}
	if in.Team == "" {
		rule.Org = wire.PrincipalFrom(r).OrgID
		return rule, nil
	}
	t, err := h.Store.GetTeamByName(r.Context(), in.Team)
	if errors.Is(err, store.ErrNotFound) {
		return rule, fault.Invalidf("FaultRule", "team: no OPA team is named "+in.Team)
	}
	rule.Team, rule.TeamName = t.ID, t.Name
	return rule, err
}

func (h *Handlers) knownRoute(route string) bool {
	for _, rt := range h.Known() {
		if strings.HasPrefix(rt.Pattern, Prefix) {
			continue
		}
		if route == rt.Pattern || route == rt.Method+" "+rt.Pattern {
			return true
		}
	}
	return false
}

func (h *Handlers) knownOperation(name string) bool {
	for _, rt := range h.Known() {
		if rt.Name == name && !strings.HasPrefix(rt.Pattern, Prefix) {
			return true
		}
	}
	return false
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	rules := h.Rules.List(visibleTo(wire.PrincipalFrom(r)))
	out := struct {
		Faults []View `json:"faults"`
	}{Faults: make([]View, 0, len(rules))}
	for _, rule := range rules {
		out.Faults = append(out.Faults, view(rule))
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

func (h *Handlers) delete(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("faultId")
	if !h.Rules.Delete(id, visibleTo(wire.PrincipalFrom(r))) {
		return fault.Missing(id, "FaultRule")
	}
	wire.NoContent(w)
	return nil
}
