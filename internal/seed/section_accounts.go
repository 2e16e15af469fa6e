package seed

import (
	"context"
	"fmt"
	"slices"

	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// saasApp is an Okta app instance connected to the team with its accounts, matched by its
// Okta id (the id the admin API feeds).
type saasApp struct {
	ID                       string           `json:"id"`
	Name                     string           `json:"name"`
	GlobalAppName            string           `json:"globalAppName"`
	LoginURL                 string           `json:"loginUrl,omitempty"`
	LogoURL                  string           `json:"logoUrl,omitempty"`
	PasswordRotationStrategy string           `json:"passwordRotationStrategy,omitempty"`
	Accounts                 []serviceAccount `json:"accounts,omitempty"`
}

// serviceAccount is a Universal Directory or SaaS-app account as Okta feeds it, matched by its
// Okta id; with a project it is assigned there (an initial rotation is requested for a managed
// account unless skipRotation), else it stays staged.
type serviceAccount struct {
	ID           string      `json:"id"`
	Name         string      `json:"name"`
	Username     string      `json:"username"`
	Description  string      `json:"description,omitempty"`
	Managed      bool        `json:"managed,omitempty"`
	Project      *projectRef `json:"project,omitempty"`
	SkipRotation bool        `json:"skipRotation,omitempty"`
}

// projectRef names a project by its resource group's name and its own.
type projectRef struct {
	ResourceGroup string `json:"resourceGroup"`
	Project       string `json:"project"`
}

func loadSaaSApps(ctx context.Context, r *run, team store.Team, items []saasApp) error {
	for i, it := range items {
		at := fmt.Sprintf("[%d].", i)
		if it.ID == "" {
			return invalid(at + "id: is required")
		}
		found, err := exists(r.Store.GetSaaSApp(ctx, team.ID, it.ID))
		if err != nil {
			return err
		}
		if !found {
			in := pam.SaaSAppInput{ID: it.ID, Name: it.Name, GlobalAppName: it.GlobalAppName, LoginURL: it.LoginURL,
				LogoURL: it.LogoURL, RotationStrategy: it.PasswordRotationStrategy}
			if _, _, err := r.PAM.PutSaaSApp(ctx, team.ID, in); err != nil {
				return within(at[:len(at)-1], err)
			}
			r.made("saasApps")
		}
		if err := loadAccounts(ctx, r, team, store.ServiceAccountSaaS, it.ID, at+"accounts", it.Accounts); err != nil {
			return err
		}
	}
	return nil
}

func loadUDAccounts(ctx context.Context, r *run, team store.Team, items []serviceAccount) error {
	return loadAccounts(ctx, r, team, store.ServiceAccountUD, "", "", items)
}

// loadAccounts feeds the accounts of a kind (and app) the team lacks, keeping those it has, and
// assigns the staged ones the document places in a project. An account assigned elsewhere is
// left where it is.
func loadAccounts(ctx context.Context, r *run, team store.Team, kind, appID, at string, items []serviceAccount) error {
	if len(items) == 0 {
		return nil
	}
	have, err := teamAccounts(ctx, r.Service, team, kind, appID)
	if err != nil {
		return err
	}
	feed := make([]pam.ServiceAccountEntry, 0, len(have)+len(items))
	known := map[string]bool{}
	for _, a := range have {
		known[a.ExternalID] = true
		feed = append(feed, pam.ServiceAccountEntry{ExternalID: a.ExternalID, Name: a.Name, Username: a.Username,
			Description: a.Description, Managed: a.Managed})
	}
	added := 0
	for _, it := range items {
		if known[it.ID] {
			continue
		}
		known[it.ID] = true
		added++
		feed = append(feed, pam.ServiceAccountEntry{ExternalID: it.ID, Name: it.Name, Username: it.Username,
			Description: it.Description, Managed: it.Managed})
	}
	if added > 0 {
		if kind == store.ServiceAccountSaaS {
			_, err = r.PAM.FeedSaaSAccounts(ctx, team.ID, appID, feed)
		} else {
			_, err = r.PAM.FeedUDAccounts(ctx, team.ID, feed)
		}
		if err != nil {
			return within(at, err)
		}
		r.created[kindSection(kind)] += added
		if have, err = teamAccounts(ctx, r.Service, team, kind, appID); err != nil {
			return err
		}
	}
	for i, it := range items {
		if it.Project == nil {
			continue
		}
		a := have[slices.IndexFunc(have, func(a pam.ServiceAccount) bool { return a.ExternalID == it.ID })]
		if a.ProjectID != "" {
			continue
		}
		proj, err := findProject(ctx, r.Service, team, *it.Project, fmt.Sprintf("%s[%d].project", at, i))
		if err != nil {
			return err
		}
		if err := r.PAM.AssignServiceAccount(ctx, team.ID, a.ID, proj.ID, it.SkipRotation); err != nil {
			return err
		}
		r.made("assignments")
	}
	return nil
}

func kindSection(kind string) string {
	if kind == store.ServiceAccountSaaS {
		return "saasAccounts"
	}
	return "udAccounts"
}

// findProject looks a project up by names; one missing is bad input naming the field.
func findProject(ctx context.Context, s *Service, team store.Team, ref projectRef, field string) (store.Project, error) {
	rgs, err := teamResourceGroups(ctx, s, team)
	if err != nil {
		return store.Project{}, err
	}
	i := slices.IndexFunc(rgs, func(rg store.ResourceGroup) bool { return rg.Name == ref.ResourceGroup })
	if i < 0 {
		return store.Project{}, invalid(field + ".resourceGroup: " + ref.ResourceGroup + " is not a resource group of the team")
	}
	ps, err := rgProjects(ctx, s, team, rgs[i].ID)
	if err != nil {
		return store.Project{}, err
	}
	j := slices.IndexFunc(ps, func(p store.Project) bool { return p.Name == ref.Project })
	if j < 0 {
		return store.Project{}, invalid(field + ".project: " + ref.Project + " is not a project of " + ref.ResourceGroup)
	}
	return ps[j], nil
}

// teamAccounts lists the team's accounts of a kind (and app), by id.
func teamAccounts(ctx context.Context, s *Service, team store.Team, kind, appID string) ([]pam.ServiceAccount, error) {
	f := store.ServiceAccountFilter{Kind: kind}
	if appID != "" {
		f.AppIDs = []string{appID}
	}
	recs, err := s.Store.ListServiceAccounts(ctx, team.ID, f, store.Page{})
	if err != nil {
		return nil, err
	}
	recs = slices.DeleteFunc(recs, func(r store.ServiceAccount) bool { return r.AppID != appID })
	return pam.ServiceAccountsOf(recs)
}

func exportSaaSApps(ctx context.Context, s *Service, team store.Team) ([]saasApp, error) {
	apps, err := pageAll(func(p store.Page) ([]pam.SaaSApp, error) {
		return s.PAM.ListSaaSApps(ctx, team.ID, p)
	}, func(a pam.SaaSApp) string { return a.ID })
	if err != nil {
		return nil, err
	}
	names, err := projectNames(ctx, s, team)
	if err != nil {
		return nil, err
	}
	out := make([]saasApp, len(apps))
	for i, a := range apps {
		accts, err := exportAccounts(ctx, s, team, store.ServiceAccountSaaS, a.ID, names)
		if err != nil {
			return nil, err
		}
		out[i] = saasApp{ID: a.ID, Name: a.Name, GlobalAppName: a.GlobalAppName, LoginURL: a.LoginURL, LogoURL: a.LogoURL,
			PasswordRotationStrategy: a.RotationStrategy, Accounts: accts}
	}
	return byName(out, func(a saasApp) string { return a.Name + "\x00" + a.ID }), nil
}

func exportUDAccounts(ctx context.Context, s *Service, team store.Team) ([]serviceAccount, error) {
	names, err := projectNames(ctx, s, team)
	if err != nil {
		return nil, err
	}
	return exportAccounts(ctx, s, team, store.ServiceAccountUD, "", names)
}

func exportAccounts(ctx context.Context, s *Service, team store.Team, kind, appID string, names map[string]projectRef) ([]serviceAccount, error) {
	as, err := teamAccounts(ctx, s, team, kind, appID)
	if err != nil {
		return nil, err
	}
	out := make([]serviceAccount, len(as))
	for i, a := range as {
		out[i] = serviceAccount{ID: a.ExternalID, Name: a.Name, Username: a.Username, Description: a.Description, Managed: a.Managed}
		if ref, ok := names[a.ProjectID]; ok && a.ProjectID != "" {
			out[i].Project, out[i].SkipRotation = &ref, a.SkipRotation
		}
	}
	return byName(out, func(a serviceAccount) string { return a.Name + "\x00" + a.ID }), nil
}

// projectNames maps the team's project ids to their names.
func projectNames(ctx context.Context, s *Service, team store.Team) (map[string]projectRef, error) {
	rgs, err := teamResourceGroups(ctx, s, team)
	if err != nil {
		return nil, err
	}
	out := map[string]projectRef{}
	for _, rg := range rgs {
		ps, err := rgProjects(ctx, s, team, rg.ID)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[p.ID] = projectRef{ResourceGroup: rg.Name, Project: p.Name}
		}
	}
	return out, nil
}
