package seed

import (
	"context"
	"fmt"
	"slices"

	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// resourceGroup is a resource group with its owner groups (by name) and its projects; matched
// by name.
type resourceGroup struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	AdminGroups []string `json:"adminGroups,omitempty"`
	// SecurityAdminGroups are its delegated security admin groups, by name: a load adds those
	// missing.
	SecurityAdminGroups []string  `json:"securityAdminGroups,omitempty"`
	Projects            []project `json:"projects,omitempty"`
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
	// Settings are its checkout settings and password policies (project_settings.go).
	Settings *projectSettings `json:"settings,omitempty"`
}

func loadResourceGroups(ctx context.Context, r *run, team store.Team, items []resourceGroup) error {
	rgs, err := teamResourceGroups(ctx, r.Service, team)
	if err != nil {
		return err
	}
	for n, it := range items {
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
		if err := addSecurityAdminGroups(ctx, r, team, rgID, fmt.Sprintf("[%d]", n), it.SecurityAdminGroups); err != nil {
			return err
		}
		if err := loadProjects(ctx, r, team, rgID, fmt.Sprintf("[%d].projects", n), it.Projects); err != nil {
			return err
		}
	}
	return nil
}

// addSecurityAdminGroups makes the named groups delegated security admin groups of the resource
// group, keeping those it has.
func addSecurityAdminGroups(ctx context.Context, r *run, team store.Team, rgID, at string, names []string) error {
	if len(names) == 0 {
		return nil
	}
	have, err := r.PAM.SecurityAdminGroups(ctx, team.ID, rgID)
	if err != nil {
		return err
	}
	all := make([]string, 0, len(have)+len(names))
	for _, g := range have {
		all = append(all, g.Name)
	}
	added := 0
	for i, name := range names {
		if ok, err := exists(r.Store.GetOPAGroupByName(ctx, team.ID, name)); err != nil {
			return err
		} else if !ok {
			return invalid(fmt.Sprintf("%s.securityAdminGroups[%d]: %s is not a group of the team", at, i, name))
		}
		if !slices.Contains(all, name) {
			all = append(all, name)
			added++
		}
	}
	if added == 0 {
		return nil
	}
	if _, err := r.PAM.SetSecurityAdminGroups(ctx, team.ID, rgID, all); err != nil {
		return err
	}
	r.created["securityAdminGroups"] += added
	return nil
}

// loadProjects creates the projects missing; their settings are set once the team's other
// sections are loaded.
func loadProjects(ctx context.Context, r *run, team store.Team, rgID, at string, items []project) error {
	have, err := rgProjects(ctx, r.Service, team, rgID)
	if err != nil {
		return err
	}
	for n, it := range items {
		if i := slices.IndexFunc(have, func(p store.Project) bool { return p.Name == it.Name }); i >= 0 {
			r.settle(team, have[i].ID, fmt.Sprintf("%s[%d].settings", at, n), it.Settings)
			continue
		}
		in := pam.ProjectInput{Name: &it.Name, SSHCertificateType: it.SSHCertificateType, NextUnixUID: it.NextUnixUID,
			NextUnixGID: it.NextUnixGID, GatewaySelector: it.GatewaySelector, CreateServerUsers: it.CreateServerUsers,
			ForceSharedSSHUsers: it.ForceSharedSSHUsers, PersistentServerUserAccounts: it.PersistentServerUserAccounts,
			RequirePreauthForCreds: it.RequirePreauthForCreds, ServerAccountManagement: it.ServerAccountManagement,
			SharedAdminUserName: it.SharedAdminUserName, SharedStandardUserName: it.SharedStandardUserName}
		p, err := r.PAM.CreateProject(ctx, team.ID, rgID, in)
		if err != nil {
			return err
		}
		r.made("projects")
		r.settle(team, p.ID, fmt.Sprintf("%s[%d].settings", at, n), it.Settings)
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
		sec, err := s.PAM.SecurityAdminGroups(ctx, team.ID, rg.ID)
		if err != nil {
			return nil, err
		}
		for _, g := range sec {
			it.SecurityAdminGroups = append(it.SecurityAdminGroups, g.Name)
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
			if it.Projects[len(it.Projects)-1].Settings, err = exportProjectSettings(ctx, s, team, p.ID); err != nil {
				return nil, err
			}
		}
		byName(it.Projects, func(p project) string { return p.Name })
		out[i] = it
	}
	return byName(out, func(rg resourceGroup) string { return rg.Name }), nil
}
