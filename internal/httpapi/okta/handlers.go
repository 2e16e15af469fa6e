package okta

import (
	"net/http"
	"strconv"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/paging"
	"github.com/keyward/keyward/internal/httpapi/wire"
)

// Handlers serves the Agent Pools API.
type Handlers struct {
	Pools *agentpool.Service
}

// Routes is the Agent Pools route table; the literal …/updates/settings wins over …/{updateId}
// because the standard mux prefers the more specific pattern.
func (h *Handlers) Routes() []wire.Route {
	const pool, upd = "/api/v1/agentPools/{poolId}/updates", "/api/v1/agentPools/{poolId}/updates/{updateId}"
	read := func(method, pattern, name string, fn wire.Handler) wire.Route {
		return wire.Route{Method: method, Pattern: pattern, Name: name, Access: wire.OktaRead, Bucket: wire.BucketAgentPools, Handler: fn}
	}
	manage := func(method, pattern, name string, fn wire.Handler) wire.Route {
		return wire.Route{Method: method, Pattern: pattern, Name: name, Access: wire.OktaManage, Bucket: wire.BucketAgentPools, Handler: fn}
	}
	return []wire.Route{
		read("GET", "/api/v1/agentPools", "listAgentPools", h.listAgentPools),
		read("GET", pool, "listAgentPoolsUpdates", h.listAgentPoolsUpdates),
		manage("POST", pool, "createAgentPoolsUpdate", h.createAgentPoolsUpdate),
		read("GET", pool+"/settings", "getAgentPoolsUpdateSettings", h.getAgentPoolsUpdateSettings),
		manage("POST", pool+"/settings", "updateAgentPoolsUpdateSettings", h.updateAgentPoolsUpdateSettings),
		read("GET", upd, "getAgentPoolsUpdateInstance", h.getAgentPoolsUpdateInstance),
		manage("POST", upd, "updateAgentPoolsUpdate", h.updateAgentPoolsUpdate),
		manage("DELETE", upd, "deleteAgentPoolsUpdate", h.deleteAgentPoolsUpdate),
		manage("POST", upd+"/activate", "activateAgentPoolsUpdate", h.action("activate")),
		manage("POST", upd+"/deactivate", "deactivateAgentPoolsUpdate", h.action("deactivate")),
		manage("POST", upd+"/pause", "pauseAgentPoolsUpdate", h.action("pause")),
		manage("POST", upd+"/resume", "resumeAgentPoolsUpdate", h.action("resume")),
		manage("POST", upd+"/retry", "retryAgentPoolsUpdate", h.action("retry")),
		manage("POST", upd+"/stop", "stopAgentPoolsUpdate", h.action("stop")),
	}
}

func (h *Handlers) listAgentPools(w http.ResponseWriter, r *http.Request) error {
	req, err := paging.ParseOkta(r, "limitPerPoolType", 5)
	if err != nil {
		return err
	}
	page, err := h.Pools.ListPools(r.Context(), wire.PrincipalFrom(r).OrgID, r.URL.Query().Get("poolType"), req.Limit, req.After)
	if err != nil {
		return err
	}
	p := Presenter{Now: page.Now, Thresholds: h.Pools.Thresholds, LatestGA: page.Latest}
	out := make([]AgentPool, 0, len(page.Pools))
	for _, v := range page.Pools {
		out = append(out, p.Pool(v.Pool, v.Agents))
	}
	paging.WriteOkta(w, r, req, out, page.After)
	return nil
}

func (h *Handlers) present(v agentpool.JobView) Update {
	p := Presenter{Now: v.Now, Thresholds: h.Pools.Thresholds, LatestGA: map[string]string{v.Job.AgentType: v.LatestGA}}
	return p.Update(v)
}

func (h *Handlers) listAgentPoolsUpdates(w http.ResponseWriter, r *http.Request) error {
	var scheduled *bool
	if v := r.URL.Query().Get("scheduled"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fault.Invalidf("scheduled", "scheduled: must be true or false")
		}
		scheduled = &b
	}
	views, err := h.Pools.ListJobs(r.Context(), wire.PrincipalFrom(r).OrgID, r.PathValue("poolId"), scheduled)
	if err != nil {
		return err
	}
	out := make([]Update, 0, len(views))
	for _, v := range views {
		out = append(out, h.present(v))
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

func (h *Handlers) createAgentPoolsUpdate(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeUpdate(r)
	if err != nil {
		return err
	}
	v, err := h.Pools.CreateJob(r.Context(), wire.PrincipalFrom(r).OrgID, r.PathValue("poolId"), in)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, h.present(v))
	return nil
}

func (h *Handlers) getAgentPoolsUpdateInstance(w http.ResponseWriter, r *http.Request) error {
	v, err := h.Pools.GetJob(r.Context(), wire.PrincipalFrom(r).OrgID, r.PathValue("poolId"), r.PathValue("updateId"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, h.present(v))
	return nil
}

func (h *Handlers) updateAgentPoolsUpdate(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeUpdate(r)
	if err != nil {
		return err
	}
	v, err := h.Pools.UpdateJob(r.Context(), wire.PrincipalFrom(r).OrgID, r.PathValue("poolId"), r.PathValue("updateId"), in)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, h.present(v))
	return nil
}

func (h *Handlers) deleteAgentPoolsUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := h.Pools.DeleteJob(r.Context(), wire.PrincipalFrom(r).OrgID, r.PathValue("poolId"), r.PathValue("updateId")); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

func (h *Handlers) action(name string) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := h.Pools.Act(r.Context(), wire.PrincipalFrom(r).OrgID, r.PathValue("poolId"), r.PathValue("updateId"), name)
		if err != nil {
			return err
		}
		wire.JSON(w, http.StatusCreated, h.present(v))
		return nil
	}
}

func (h *Handlers) getAgentPoolsUpdateSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := h.Pools.GetSettings(r.Context(), wire.PrincipalFrom(r).OrgID, r.PathValue("poolId"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, PresentSettings(s))
	return nil
}

func (h *Handlers) updateAgentPoolsUpdateSettings(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		AgentType       string  `json:"agentType"`
		ContinueOnError *bool   `json:"continueOnError"`
		ReleaseChannel  *string `json:"releaseChannel"`
	}
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	s, err := h.Pools.UpdateSettings(r.Context(), wire.PrincipalFrom(r).OrgID, r.PathValue("poolId"),
		agentpool.SettingsInput{AgentType: in.AgentType, ReleaseChannel: in.ReleaseChannel, ContinueOnError: in.ContinueOnError})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, PresentSettings(s))
	return nil
}
