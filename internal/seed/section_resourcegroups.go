package seed

import (
	"context"
	"slices"

	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// resourceGroup is a resource group with its owner groups (by name) and its projects; matched
// by name.
type resourceGroup struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	AdminGroups []string  `json:"adminGroups,omitempty"`
	Projects    []project `json:"projects,omitempty"`
}

// project is a project of a resource group, matched by name; fields left out take OPA's
// defaults.
type project struct {
	Name                         string  `json:"name"`
	SSHCertificateType           *string `json:"sshCertificateType,omitempty"`
	NextUnixUID                  *int    `json:"nextUnixUid,omitempty"`
	NextUnixGID                  *int    `json:"nextUnixGid,omitempty"`
	GatewaySelector              *string `json:"gatewaySelector,omitempty"`
	CreateServerUsers            *bool   `json:"createServerUsers,omitempty"`
	ForceSharedSSHUsers          *bool   `json:"forceSharedSshUsers,omitempty"`
	PersistentServerUserAccounts *bool   `json:"persistentServerUserAccounts,omitempty"`
	RequirePreauthForCreds       *bool   `json:"requirePreauthForCreds,omitempty"`
	ServerAccountManagement      *bool   `json:"serverAccountManagement,omitempty"`
	SharedAdminUserName          *string `json:"sharedAdminUserName,omitempty"`
	SharedStandardUserName       *string `json:"sharedStandardUserName,omitempty"`
}

func loadResourceGroups(ctx context.Context, r *run, team store.Team, items []resourceGroup) error {
	rgs, err := teamResourceGroups(ctx, r.Service, team)
	if err != nil {
		return err
	}
	for _, it := range items {
		i := slices.IndexFunc(rgs, func(rg store.ResourceGroup) bool { return rg.Name == it.Name })
		var rgID string
		if i >= 0 {
			rgID = rgs[i].ID
		} else {
			in := pam.ResourceGroupInput{Name: &it.Name, Description: &it.Description}
			refs := []pam.GroupRef{}
			for _, name := range it.AdminGroups {
				g, err := r.PAM.Group(ctx, team.ID, name)
				if err != nil {
					return err
				}
				refs = append(refs, pam.GroupRef{ID: g.ID})
			}
			in.AdminGroups = &refs
			rg, err := r.PAM.CreateResourceGroup(ctx, team.ID, in)
			if err != nil {
				return err
			}
			rgID = rg.ID
			r.made("resourceGroups")
		}
		if err := loadProjects(ctx, r, team, rgID, it.Projects); err != nil {
			return err
		}
	}
	return nil
}

func loadProjects(ctx context.Context, r *run, team store.Team, rgID string, items []project) error {
	have, err := rgProjects(ctx, r.Service, team, rgID)
	if err != nil {
		return err
	}
	for _, it := range items {
		if slices.ContainsFunc(have, func(p store.Project) bool { return p.Name == it.Name }) {
			continue
		}
		in := pam.ProjectInput{Name: &it.Name, SSHCertificateType: it.SSHCertificateType, NextUnixUID: it.NextUnixUID,
			NextUnixGID: it.NextUnixGID, GatewaySelector: it.GatewaySelector, CreateServerUsers: it.CreateServerUsers,
			ForceSharedSSHUsers: it.ForceSharedSSHUsers, PersistentServerUserAccounts: it.PersistentServerUserAccounts,
			RequirePreauthForCreds: it.RequirePreauthForCreds, ServerAccountManagement: it.ServerAccountManagement,
			SharedAdminUserName: it.SharedAdminUserName, SharedStandardUserName: it.SharedStandardUserName}
		if _, err := r.PAM.CreateProject(ctx, team.ID, rgID, in); err != nil {
			return err
		}
		r.made("projects")
	}
	return nil
}

func teamResourceGroups(ctx context.Context, s *Service, team store.Team) ([]store.ResourceGroup, error) {
	return pageAll(func(p store.Page) ([]store.ResourceGroup, error) {
		return s.Store.ListResourceGroups(ctx, team.ID, p)
	}, func(rg store.ResourceGroup) string { return rg.ID })
}

func rgProjects(ctx context.Context, s *Service, team store.Team, rgID string) ([]store.Project, error) {
	return pageAll(func(p store.Page) ([]store.Project, error) {
		return s.Store.ListProjects(ctx, team.ID, rgID, p)
	}, func(p store.Project) string { return p.ID })
}

func exportResourceGroups(ctx context.Context, s *Service, team store.Team) ([]resourceGroup, error) {
	rgs, err := teamResourceGroups(ctx, s, team)
	if err != nil {
		return nil, err
	}
	out := make([]resourceGroup, len(rgs))
	for i, rg := range rgs {
		it := resourceGroup{Name: rg.Name, Description: rg.Description}
		if len(rg.AdminGroupIDs) > 0 {
			gs, err := s.Store.ListOPAGroupsByID(ctx, team.ID, rg.AdminGroupIDs)
			if err != nil {
				return nil, err
			}
			for _, g := range gs {
				it.AdminGroups = append(it.AdminGroups, g.Name)
			}
			slices.Sort(it.AdminGroups)
		}
		ps, err := rgProjects(ctx, s, team, rg.ID)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			it.Projects = append(it.Projects, project{Name: p.Name, SSHCertificateType: &p.SSHCertificateType,
				NextUnixUID: &p.NextUnixUID, NextUnixGID: &p.NextUnixGID, GatewaySelector: &p.GatewaySelector,
				CreateServerUsers: &p.CreateServerUsers, ForceSharedSSHUsers: &p.ForceSharedSSHUsers,
				PersistentServerUserAccounts: p.PersistentServerUserAccounts, RequirePreauthForCreds: &p.RequirePreauthForCreds,
				ServerAccountManagement: &p.ServerAccountManagement, SharedAdminUserName: &p.SharedAdminUserName,
				SharedStandardUserName: &p.SharedStandardUserName})
		}
		byName(it.Projects, func(p project) string { return p.Name })
		out[i] = it
	}
	return byName(out, func(rg resourceGroup) string { return rg.Name }), nil
}
