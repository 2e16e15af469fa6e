package scenario

import (
	"net/http"
	"testing"
)

// teamOverview is the part of GET /keyward/v1/teams/{team}/overview the scenario reads.
type teamOverview struct {
	Team struct {
		Name string `json:"name"`
	} `json:"team"`
	ResourceGroups []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Projects []struct {
			ID                  string `json:"id"`
			Name                string `json:"name"`
			ActiveResourceCount int    `json:"activeResourceCount"`
		} `json:"projects"`
	} `json:"resourceGroups"`
	Servers []struct {
		Hostname    string `json:"hostname"`
		ProjectName string `json:"projectName"`
		State       string `json:"state"`
	} `json:"servers"`
	Checkouts []struct {
		AccountID   string `json:"accountId"`
		AccountName string `json:"accountName"`
		Hostname    string `json:"hostname"`
		Username    string `json:"username"`
		State       string `json:"state"`
	} `json:"checkouts"`
	Truncated bool `json:"truncated"`
}

// The admin overview of a team shows its resource groups, projects, servers and held checkouts,
// which the OPA API shows only to the team's own tokens.
func TestTeamOverviewShowsOPAResources(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		e := newCheckoutEnv(t, pg)
		var before teamOverview
		e.call("GET", "/keyward/v1/teams/acme/overview", nil, http.StatusOK, &before)
		if len(before.ResourceGroups) != 1 || before.ResourceGroups[0].Name != "prod" ||
			len(before.ResourceGroups[0].Projects) != 1 || before.ResourceGroups[0].Projects[0].Name != "web" ||
			before.ResourceGroups[0].Projects[0].ActiveResourceCount != 1 {
			t.Fatalf("resource groups %+v", before.ResourceGroups)
		}
		if len(before.Servers) != 1 || before.Servers[0].Hostname != "vault-1" || before.Servers[0].ProjectName != "web" ||
			before.Servers[0].State != "ACTIVE" {
			t.Fatalf("servers %+v", before.Servers)
		}
		if len(before.Checkouts) != 0 || before.Truncated || before.Team.Name != "acme" {
			t.Fatalf("before any checkout: %+v", before)
		}

		e.revealOnceRotated("a") // checks the account out to a
		var after teamOverview
		e.call("GET", "/keyward/v1/teams/acme/overview", nil, http.StatusOK, &after)
		if len(after.Checkouts) != 1 {
			t.Fatalf("checkouts %+v", after.Checkouts)
		}
		c := after.Checkouts[0]
		if c.AccountID != e.accountID || c.AccountName != "root" || c.Hostname != "vault-1" || c.Username != "a" || c.State != "checked_out" {
			t.Fatalf("checkout %+v", c)
		}

		e.call("GET", "/keyward/v1/teams/nobody/overview", nil, http.StatusNotFound, nil)
		status, err := sendAs(e, "", "GET", "/keyward/v1/teams/acme/overview")
		if err != nil || status != http.StatusUnauthorized {
			t.Fatalf("without a credential: %d %v", status, err)
		}
	})
}

// sendAs sends a request with another Authorization header ("" for none).
func sendAs(e *checkoutEnv, auth, method, path string) (int, error) {
	req, err := http.NewRequestWithContext(e.ctx, method, e.s.URL+path, nil)
	if err != nil {
		return 0, err
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := e.s.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
