package seed

import (
	"context"
	"encoding/json"

	"github.com/keyward/keyward/internal/store"
)

// The sections of a seed document, in loading order (a section may refer to what an earlier
// one created: groups name users, resource groups name groups). To add a section: write
// section_<name>.go with its item type, a load and an export function, add a line here, and
// describe it in schema/seed.schema.json (the schema test checks the example and a snapshot
// against it).
var (
	orgSections = []orgSection{
		orgPart("releases", loadReleases, exportReleases),
		orgPart("pools", loadPools, exportPools),
		orgPart("serviceApps", loadServiceApps, exportServiceApps),
	}
	teamSections = []teamSection{
		teamPart("users", loadUsers, exportUsers),
		teamPart("serviceUsers", loadServiceUsers, exportServiceUsers),
		teamPart("groups", loadGroups, exportGroups),
		teamPart("resourceGroups", loadResourceGroups, exportResourceGroups),
		teamPart("adConnections", loadADConnections, exportADConnections),
		teamPart("saasApps", loadSaaSApps, exportSaaSApps),
		teamPart("udAccounts", loadUDAccounts, exportUDAccounts),
		teamPart("securityPolicies", loadSecurityPolicies, exportSecurityPolicies),
	}
)

// run is one load: what it may use and what it created, by section.
type run struct {
	*Service
	created map[string]int
	apps    []CreatedApp
	// later is what a team's sections left to do once all of them are loaded.
	later []func(ctx context.Context) error
}

// settle sets a project's settings once the team's sections are loaded.
func (r *run) settle(team store.Team, projectID, at string, ps *projectSettings) {
	if ps == nil {
		return
	}
	r.later = append(r.later, func(ctx context.Context) error {
		return loadProjectSettings(ctx, r, team, projectID, at, *ps)
	})
}

// made counts one object a section created.
func (r *run) made(section string) { r.created[section]++ }

// A section is one key of an org or a team, with its items of type T: load creates those
// missing, export lists the state as items (nil or empty leaves the section out).
type section[Scope, T any] struct {
	name   string
	load   func(ctx context.Context, r *run, scope Scope, items T) error
	export func(ctx context.Context, s *Service, scope Scope) (T, error)
}

// orgSection and teamSection are sections of an org (scoped by its id) and of a team.
type (
	orgSection  = sectionOf[string]
	teamSection = sectionOf[store.Team]
)

// sectionOf is a section with its item type hidden, as the lists above hold it.
type sectionOf[Scope any] interface {
	key() string
	parse(raw json.RawMessage) (func(ctx context.Context, r *run, scope Scope) error, error)
	dump(ctx context.Context, s *Service, scope Scope) (json.RawMessage, error)
}

func orgPart[T any](name string, load func(context.Context, *run, string, T) error,
	export func(context.Context, *Service, string) (T, error)) orgSection {
	return section[string, T]{name: name, load: load, export: export}
}

func teamPart[T any](name string, load func(context.Context, *run, store.Team, T) error,
	export func(context.Context, *Service, store.Team) (T, error)) teamSection {
	return section[store.Team, T]{name: name, load: load, export: export}
}

func (s section[Scope, T]) key() string { return s.name }

// parse decodes the section strictly and returns its loading, ready to run.
func (s section[Scope, T]) parse(raw json.RawMessage) (func(context.Context, *run, Scope) error, error) {
	var items T
	if err := strict(raw, &items); err != nil {
		return nil, err
	}
	return func(ctx context.Context, r *run, scope Scope) error { return s.load(ctx, r, scope, items) }, nil
}

// dump exports the section as JSON; nil when it holds nothing.
func (s section[Scope, T]) dump(ctx context.Context, svc *Service, scope Scope) (json.RawMessage, error) {
	items, err := s.export(ctx, svc, scope)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(items)
	if err != nil || string(b) == "null" || string(b) == "[]" {
		return nil, err
	}
	return b, nil
}

func orgSectionNamed(name string) orgSection   { return named(orgSections, name) }
func teamSectionNamed(name string) teamSection { return named(teamSections, name) }
func orgSectionNames() []string                { return names(orgSections) }
func teamSectionNames() []string               { return names(teamSections) }

func named[S interface{ key() string }](list []S, name string) S {
	for _, s := range list {
		if s.key() == name {
			return s
		}
	}
	var none S
	return none
}

func names[S interface{ key() string }](list []S) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.key()
	}
	return out
}
