package pam

import (
	"context"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// Project is a project with the counts computed from its servers.
type Project struct {
	store.Project
	ActiveResourceCount int
	StaleResourceCount  int
}

// view is a project without servers yet (just created): both counts are 0. Projects read back
// are counted (servers.go).
func view(p store.Project) Project { return Project{Project: p} }

// CreateProject adds a project, with defaults for the fields not sent, to a resource group.
func (s *Service) CreateProject(ctx context.Context, teamID, rgID string, in ProjectInput) (Project, error) {
	if cs := in.check(true); len(cs) > 0 {
		return Project{}, fault.Invalidf("Project", cs...)
	}
	if !storable(rgID) {
		return Project{}, fault.Missing(rgID, "ResourceGroup")
	}
	p := in.apply(newProject())
	p.ID, p.TeamID, p.ResourceGroupID, p.CreatedAt = newID(), teamID, rgID, s.Clock.Now()
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		if _, err := q.GetResourceGroup(ctx, teamID, rgID); err != nil {
			return missing(err, rgID, "ResourceGroup")
		}
		return taken(q.CreateProject(ctx, p), "project", p.Name, "resource group")
	})
	return view(p), err
}

// Project returns a project of a resource group of the team.
func (s *Service) Project(ctx context.Context, teamID, rgID, id string) (Project, error) {
	p, err := s.project(ctx, s.Store, ProjectRef{TeamID: teamID, ResourceGroupID: rgID, ProjectID: id})
	if err != nil {
		return Project{}, err
	}
	return s.counted(ctx, p)
}

// ListProjects pages a resource group's projects by name; an unknown resource group is NotFound.
func (s *Service) ListProjects(ctx context.Context, teamID, rgID string, p store.Page) ([]Project, error) {
	if err := checkPage(p); err != nil {
		return nil, err
	}
	if _, err := s.teamResourceGroup(ctx, teamID, rgID); err != nil {
		return nil, err
	}
	ps, err := s.Store.ListProjects(ctx, teamID, rgID, p)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	counts, err := s.Store.CountServersByProject(ctx, teamID, ids, s.activeSince())
	if err != nil {
		return nil, err
	}
	out := make([]Project, len(ps))
	for i, p := range ps {
		c := counts[p.ID]
		out[i] = Project{Project: p, ActiveResourceCount: c[0], StaleResourceCount: c[1]}
	}
	return out, nil
}

// UpdateProject merges the fields sent into the project: the others keep their value.
func (s *Service) UpdateProject(ctx context.Context, teamID, rgID, id string, in ProjectInput) (Project, error) {
	if cs := in.check(false); len(cs) > 0 {
		return Project{}, fault.Invalidf("Project", cs...)
	}
	var out store.Project
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		p, err := s.project(ctx, q, ProjectRef{TeamID: teamID, ResourceGroupID: rgID, ProjectID: id})
		if err != nil {
			return err
		}
		out = in.apply(p)
		return taken(q.UpdateProject(ctx, out), "project", out.Name, "resource group")
	})
	if err != nil {
		return Project{}, err
	}
	return s.counted(ctx, out)
}

// DeleteProject removes a project; it is gone at once (GET answers 404, its name is free). Its
// AD account rules go with it and the AD accounts placed in it are placed in no project, as a
// sync without those rules would leave them.
func (s *Service) DeleteProject(ctx context.Context, teamID, rgID, id string) error {
	if !storable(rgID) || !storable(id) {
		return fault.Missing(id, "Project")
	}
	return missing(s.Store.InTx(ctx, func(q store.Queries) error {
		if err := q.DeleteProject(ctx, teamID, rgID, id); err != nil {
			return err
		}
		return unplaceADAccounts(ctx, q, teamID, id)
	}), id, "Project")
}
