package opa

import (
	"context"
	"net/http"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// server is the spec's Server. Fields keyward has no value for are null, as live OPA sends them
// (the spec marks them required; see docs/opa.md).
type server struct {
	ID            string            `json:"id"`
	TeamName      string            `json:"team_name"`
	ProjectID     string            `json:"project_id"`
	ProjectName   string            `json:"project_name"`
	Hostname      string            `json:"hostname"`
	AltNames      []string          `json:"alt_names"`
	Bastion       *string           `json:"bastion"`
	CanonicalName *string           `json:"canonical_name"`
	AccessAddress *string           `json:"access_address"`
	OS            *string           `json:"os"`
	OSType        string            `json:"os_type"`
	Services      []string          `json:"services"`
	RegisteredAt  string            `json:"registered_at"`
	LastSeen      string            `json:"last_seen"`
	SftdVersion   *string           `json:"sftd_version"`
	SSHHostKeys   []string          `json:"ssh_host_keys"`
	State         string            `json:"state"`
	Managed       bool              `json:"managed"`
	DeletedAt     *string           `json:"deleted_at"`
	Labels        map[string]string `json:"labels"`
}

// serverBody renders a server; teamName is the path's (a server is read only within its team).
func serverBody(teamName string) func(pam.Server) server {
	return func(s pam.Server) server {
		services := []string{"ssh"}
		if s.OSType == "windows" {
			services = []string{"rdp"}
		}
		labels := s.Labels
		if labels == nil {
			labels = map[string]string{}
		}
		return server{ID: s.ID, TeamName: teamName, ProjectID: s.ProjectID, ProjectName: s.ProjectName, Hostname: s.Hostname,
			AltNames: []string{}, OS: orNull(s.OS), OSType: s.OSType, Services: services, RegisteredAt: timestamp(s.RegisteredAt),
			LastSeen: timestamp(s.LastSeen), SftdVersion: orNull(s.AgentVersion), SSHHostKeys: []string{}, State: s.State,
			Managed: true, Labels: labels}
	}
}

// serverQuery reads the server-list filters; os_type and hostname_contains are checked as the spec bounds them.
func serverQuery(r *http.Request) (pam.ServerQuery, error) {
	q := r.URL.Query()
	sq := pam.ServerQuery{Hostname: q.Get("hostname"), HostnameContains: q.Get("hostname_contains"), OSType: q.Get("os_type")}
	if sq.OSType != "" && sq.OSType != "linux" && sq.OSType != "windows" {
		return sq, fault.Invalidf("os_type", "os_type: must be linux or windows")
	}
	if q.Has("hostname_contains") && (sq.HostnameContains == "" || len([]rune(sq.HostnameContains)) > 255) {
		return sq, fault.Invalidf("hostname_contains", "hostname_contains: must be 1 to 255 characters")
	}
	return sq, nil
}

// writeServers answers a server list read through fetch.
func (h *Handlers) writeServers(w http.ResponseWriter, r *http.Request, fetch func(ctx context.Context, q pam.ServerQuery, p store.Page) ([]pam.Server, error)) error {
	sq, err := serverQuery(r)
	if err != nil {
		return err
	}
	body := serverBody(r.PathValue("team_name"))
	return writeList(h, w, r, func(s server) string { return s.ID }, func(ctx context.Context, p store.Page) ([]server, error) {
		ss, err := fetch(ctx, sq, p)
		return mapped(ss, body), err
	})
}

func (h *Handlers) listResourceGroupProjectServers(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.projectRef(r)
	if err != nil {
		return err
	}
	return h.writeServers(w, r, func(ctx context.Context, q pam.ServerQuery, p store.Page) ([]pam.Server, error) {
		return h.PAM.ListProjectServers(ctx, ref, q, p)
	})
}

func (h *Handlers) getResourceGroupProjectServer(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.projectRef(r)
	if err != nil {
		return err
	}
	s, err := h.PAM.ProjectServer(r.Context(), ref, r.PathValue("server_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, serverBody(ref.TeamName)(s))
	return nil
}

func (h *Handlers) deleteResourceGroupProjectServer(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.projectRef(r)
	if err != nil {
		return err
	}
	if err := h.PAM.DeleteProjectServer(r.Context(), ref, r.PathValue("server_id")); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

func (h *Handlers) listAllServersForResourceGroup(w http.ResponseWriter, r *http.Request) error {
	rgID, err := h.resourceGroupAccess(r, pam.RoleSecurityAdmin, pam.RoleDelegatedSecurityAdmin)
	if err != nil {
		return err
	}
	teamID, projectID := wire.PrincipalFrom(r).TeamID, r.URL.Query().Get("project_id")
	return h.writeServers(w, r, func(ctx context.Context, q pam.ServerQuery, p store.Page) ([]pam.Server, error) {
		return h.PAM.ListResourceGroupServers(ctx, teamID, rgID, projectID, q, p)
	})
}

func (h *Handlers) listAllServersForAdmin(w http.ResponseWriter, r *http.Request) error {
	teamID, q := wire.PrincipalFrom(r).TeamID, r.URL.Query()
	return h.writeServers(w, r, func(ctx context.Context, sq pam.ServerQuery, p store.Page) ([]pam.Server, error) {
		return h.PAM.ListTeamServers(ctx, teamID, q.Get("resource_group_id"), q.Get("project_id"), sq, p)
	})
}

// listServers is the end user's list. keyward grants no server access by policy yet, so it
// lists the team's servers, as OPA does for a user whose policies reach every project.
func (h *Handlers) listServers(w http.ResponseWriter, r *http.Request) error {
	teamID := wire.PrincipalFrom(r).TeamID
	return h.writeServers(w, r, func(ctx context.Context, sq pam.ServerQuery, p store.Page) ([]pam.Server, error) {
		return h.PAM.ListTeamServers(ctx, teamID, "", "", sq, p)
	})
}
