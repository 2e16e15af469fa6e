package admin

import (
	"net/http"
	"time"

	"github.com/keyward/keyward/internal/httpapi/okta"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// overviewLimit caps each list of an overview; a longer one is cut and marked truncated. The
// overviews are for looking at, not for paging through: the Okta and OPA APIs page.
const overviewLimit = 200

// overviewRoutes are read-only views for keyward's operator (the dashboard reads them): every pool
// with its agents and update jobs in one request that does not count against the org's Agent Pools
// rate limit, and a team's OPA resources, which the OPA API shows only to the team's own bearer tokens.
func (h *Handlers) overviewRoutes() []wire.Route {
	return []wire.Route{
		admin("GET", "/keyward/v1/agentPools", "listPoolsOverview", h.poolsOverview),
		admin("GET", "/keyward/v1/teams/{team_name}/overview", "teamOverview", h.teamOverview),
	}
}

type poolOverview struct {
	okta.AgentPool
	Updates []okta.Update `json:"updates"`
}

func (h *Handlers) poolsOverview(w http.ResponseWriter, r *http.Request) error {
	ctx, org := r.Context(), wire.PrincipalFrom(r).OrgID
	out := struct {
		Pools     []poolOverview `json:"pools"`
		Truncated bool           `json:"truncated"`
	}{Pools: []poolOverview{}}
	after := ""
	for {
		page, err := h.Pools.ListPools(ctx, org, "", overviewLimit, after)
		if err != nil {
			return err
		}
		p := okta.Presenter{Now: page.Now, Thresholds: h.Pools.Thresholds, LatestGA: page.Latest}
		for _, v := range page.Pools {
			if len(out.Pools) == overviewLimit {
				out.Truncated = true
				break
			}
			jobs, err := h.Pools.ListJobs(ctx, org, v.Pool.ID, nil)
			if err != nil {
				return err
			}
			po := poolOverview{AgentPool: p.Pool(v.Pool, v.Agents), Updates: make([]okta.Update, 0, len(jobs))}
			for _, j := range jobs {
				jp := okta.Presenter{Now: j.Now, Thresholds: h.Pools.Thresholds, LatestGA: map[string]string{j.Job.AgentType: j.LatestGA}}
				po.Updates = append(po.Updates, jp.Update(j))
			}
			out.Pools = append(out.Pools, po)
		}
		if page.After == "" || out.Truncated {
			break
		}
		after = page.After
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

type projectOverview struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	ActiveResourceCount int    `json:"activeResourceCount"`
	StaleResourceCount  int    `json:"staleResourceCount"`
}

type resourceGroupOverview struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Projects    []projectOverview `json:"projects"`
}

type serverOverview struct {
	ID              string            `json:"id"`
	Hostname        string            `json:"hostname"`
	OSType          string            `json:"osType"`
	ResourceGroupID string            `json:"resourceGroupId"`
	ProjectID       string            `json:"projectId"`
	ProjectName     string            `json:"projectName"`
	State           string            `json:"state"`
	Labels          map[string]string `json:"labels"`
	LastSeen        time.Time         `json:"lastSeen"`
}

type checkoutOverview struct {
	ResourceType string    `json:"resourceType"`
	AccountID    string    `json:"accountId"`
	AccountName  string    `json:"accountName"`
	ServerID     string    `json:"serverId"`
	Hostname     string    `json:"hostname"`
	Username     string    `json:"username"`
	ProjectID    string    `json:"projectId"`
	State        string    `json:"state"`
	CheckoutAt   time.Time `json:"checkoutAt"`
	ExpiresAt    time.Time `json:"expiresAt"`
}

type teamOverview struct {
	Team           teamBody                `json:"team"`
	ResourceGroups []resourceGroupOverview `json:"resourceGroups"`
	Servers        []serverOverview        `json:"servers"`
	Checkouts      []checkoutOverview      `json:"checkouts"`
	Truncated      bool                    `json:"truncated"`
}

// firstPage is the page an overview list reads: one row more than it shows, to tell a cut list.
var firstPage = store.Page{Limit: overviewLimit + 1}

// cut keeps the first overviewLimit rows and says whether there were more.
func cut[T any](rows []T, truncated *bool) []T {
	if len(rows) > overviewLimit {
		*truncated = true
		return rows[:overviewLimit]
	}
	return rows
}

func (h *Handlers) teamOverview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	team, err := h.PAM.Team(ctx, r.PathValue("team_name"))
	if err != nil {
		return err
	}
	out := teamOverview{Team: teamBody(team), ResourceGroups: []resourceGroupOverview{},
		Servers: []serverOverview{}, Checkouts: []checkoutOverview{}}
	rgs, err := h.PAM.ListResourceGroups(ctx, team.ID, firstPage)
	if err != nil {
		return err
	}
	for _, rg := range cut(rgs, &out.Truncated) {
		projects, err := h.PAM.ListProjects(ctx, team.ID, rg.ID, firstPage)
		if err != nil {
			return err
		}
		view := resourceGroupOverview{ID: rg.ID, Name: rg.Name, Description: rg.Description, Projects: []projectOverview{}}
		for _, p := range cut(projects, &out.Truncated) {
			view.Projects = append(view.Projects, projectOverview{ID: p.ID, Name: p.Name,
				ActiveResourceCount: p.ActiveResourceCount, StaleResourceCount: p.StaleResourceCount})
		}
		out.ResourceGroups = append(out.ResourceGroups, view)
	}
	servers, err := h.PAM.ListTeamServers(ctx, team.ID, "", "", pam.ServerQuery{}, firstPage)
	if err != nil {
		return err
	}
	for _, s := range cut(servers, &out.Truncated) {
		out.Servers = append(out.Servers, serverOverview{ID: s.ID, Hostname: s.Hostname, OSType: s.OSType,
			ResourceGroupID: s.ResourceGroupID, ProjectID: s.Server.ProjectID, ProjectName: s.ProjectName,
			State: s.State, Labels: s.Labels, LastSeen: s.LastSeen})
	}
	checkouts, err := h.PAM.TeamCheckouts(ctx, team.ID, firstPage)
	if err != nil {
		return err
	}
	for _, c := range cut(checkouts, &out.Truncated) {
		out.Checkouts = append(out.Checkouts, checkoutOverview{ResourceType: c.ResourceType, AccountID: c.AccountID,
			AccountName: c.AccountName, ServerID: c.ServerID, Hostname: c.Hostname, Username: c.Username,
			ProjectID: c.ProjectID, State: c.State, CheckoutAt: c.CheckoutAt, ExpiresAt: c.ExpiresAt})
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}
