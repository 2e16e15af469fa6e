package pam

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// DefaultServerStaleAfter is how long a server may be silent before it counts as stale when
// Service.ServerStaleAfter is zero.
const DefaultServerStaleAfter = 5 * time.Minute

// Server states as OPA shows them: ACTIVE while heartbeats arrive, INACTIVE once stale.
const (
	ServerActive   = "ACTIVE"
	ServerInactive = "INACTIVE"
)

// Server is an enrolled server with what is computed for it.
type Server struct {
	store.Server
	ProjectName string
	State       string
}

// ServerQuery is a server list's filters; the resource group and project come from the path.
type ServerQuery struct {
	Hostname, HostnameContains, OSType string
}

// in is the store filter for q within a resource group and project ("" for any).
func (q ServerQuery) in(rgID, projectID string) store.ServerFilter {
	return store.ServerFilter{ResourceGroupID: rgID, ProjectID: projectID, Hostname: q.Hostname,
		HostnameContains: q.HostnameContains, OSType: q.OSType}
}

func (s *Service) staleAfter() time.Duration {
	if s.ServerStaleAfter > 0 {
		return s.ServerStaleAfter
	}
	return DefaultServerStaleAfter
}

// activeSince is the earliest last_seen that still counts as active now.
func (s *Service) activeSince() time.Time { return s.Clock.Now().Add(-s.staleAfter()) }

// serverViews adds project names and states, reading each project once.
func (s *Service) serverViews(ctx context.Context, servers []store.Server) ([]Server, error) {
	since := s.activeSince()
	names := map[string]string{}
	out := make([]Server, len(servers))
	for i, srv := range servers {
		name, ok := names[srv.ProjectID]
		if !ok {
			p, err := s.Store.GetProject(ctx, srv.TeamID, srv.ResourceGroupID, srv.ProjectID)
			if err != nil {
				return nil, err
			}
			name, names[srv.ProjectID] = p.Name, p.Name
		}
		out[i] = serverView(srv, name, since)
	}
	return out, nil
}

// serverView is a server with its project's name and its state: active when seen since since.
func serverView(srv store.Server, projectName string, since time.Time) Server {
	state := ServerActive
	if srv.LastSeen.Before(since) {
		state = ServerInactive
	}
	return Server{Server: srv, ProjectName: projectName, State: state}
}

// ListProjectServers pages a project's servers by id.
func (s *Service) ListProjectServers(ctx context.Context, ref ProjectRef, q ServerQuery, p store.Page) ([]Server, error) {
	if _, err := s.project(ctx, s.Store, ref); err != nil {
		return nil, err
	}
	return s.listServers(ctx, ref.TeamID, q.in(ref.ResourceGroupID, ref.ProjectID), p)
}

// ListResourceGroupServers pages a resource group's servers, optionally of one project.
func (s *Service) ListResourceGroupServers(ctx context.Context, teamID, rgID, projectID string, q ServerQuery, p store.Page) ([]Server, error) {
	if _, err := s.teamResourceGroup(ctx, teamID, rgID); err != nil {
		return nil, err
	}
	return s.listServers(ctx, teamID, q.in(rgID, projectID), p)
}

// ListTeamServers pages the team's servers, optionally of one resource group and project.
func (s *Service) ListTeamServers(ctx context.Context, teamID, rgID, projectID string, q ServerQuery, p store.Page) ([]Server, error) {
	return s.listServers(ctx, teamID, q.in(rgID, projectID), p)
}

func (s *Service) listServers(ctx context.Context, teamID string, f store.ServerFilter, p store.Page) ([]Server, error) {
	if err := checkPage(p); err != nil {
		return nil, err
	}
	for _, v := range []string{f.ResourceGroupID, f.ProjectID, f.Hostname, f.HostnameContains, f.OSType} {
		if !storable(v) {
			return []Server{}, nil // nothing stored can match what could not be stored
		}
	}
	servers, err := s.Store.ListServers(ctx, teamID, f, p)
	if err != nil {
		return nil, err
	}
	return s.serverViews(ctx, servers)
}

// ProjectServer returns one of a project's servers.
func (s *Service) ProjectServer(ctx context.Context, ref ProjectRef, id string) (Server, error) {
	proj, err := s.project(ctx, s.Store, ref)
	if err != nil {
		return Server{}, err
	}
	if !storable(id) {
		return Server{}, fault.Missing(id, "Server")
	}
	srv, err := s.Store.GetServer(ctx, ref.TeamID, ref.ProjectID, id)
	if err != nil {
		return Server{}, missing(err, id, "Server")
	}
	return serverView(srv, proj.Name, s.activeSince()), nil
}

// DeleteProjectServer removes a server with its accounts (retiring their lending states: a
// checkout ends as system_user_lost_access); its credential stops working at once.
func (s *Service) DeleteProjectServer(ctx context.Context, ref ProjectRef, id string) error {
	if _, err := s.project(ctx, s.Store, ref); err != nil {
		return err
	}
	if !storable(id) {
		return fault.Missing(id, "Server")
	}
	return missing(s.Store.InTx(ctx, func(q store.Queries) error {
		accounts, err := q.ListServerAccounts(ctx, ref.TeamID, store.AccountFilter{ProjectID: ref.ProjectID, ServerID: id}, store.Page{})
		if err != nil {
			return err
		}
		if err := q.DeleteServer(ctx, ref.TeamID, ref.ProjectID, id); err != nil {
			return err
		}
		ids := make([]string, len(accounts))
		for i, a := range accounts {
			ids[i] = a.ID
		}
		return retireCheckouts(ctx, q, ref.TeamID, ids, s.Clock.Now())
	}), id, "Server")
}

// counted adds a project's active and stale server counts.
func (s *Service) counted(ctx context.Context, p store.Project) (Project, error) {
	active, stale, err := s.Store.CountServers(ctx, p.TeamID, p.ID, s.activeSince())
	return Project{Project: p, ActiveResourceCount: active, StaleResourceCount: stale}, err
}
