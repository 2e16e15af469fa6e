package seed

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// Service loads, exports and resets over the domains.
type Service struct {
	Store store.Store
	Pools *agentpool.Service
	PAM   *pam.Service
	Auth  *auth.Service    // service apps
	Now   func() time.Time // real time, for credentials
	// Events records each reset, delete and load in its transaction (nil records nothing).
	Events *events.Log
	// DefaultTeam is the team bootstrap made (config's OPA team): a server reset keeps it, as it
	// keeps the caller's org, so that the configured credentials go on working.
	DefaultTeam string
	// AllowServerReset enables ResetServer (serve --allow-server-reset).
	AllowServerReset bool
}

// Result is what a load created, counted by section ("teams" for teams); a second load of the
// same document creates nothing.
type Result struct {
	Created map[string]int `json:"created"`
	// Keys are the generated keys of the teams the load created, shown once.
	Keys []CreatedKey `json:"keys,omitempty"`
	// ServiceApps are the client ids of the service apps the load created.
	ServiceApps []CreatedApp `json:"serviceApps,omitempty"`
}

// CreatedApp is a service app a load created.
type CreatedApp struct {
	Name     string `json:"name"`
	ClientID string `json:"clientId"`
}

// CreatedKey is the first service user key of a team a load created.
type CreatedKey struct {
	Team   string `json:"team"`
	User   string `json:"serviceUser"`
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

// Load creates what the document holds and the org or teams miss, section by section, in one
// transaction: a document that fails part way stores nothing. Objects are matched by name; an
// object that exists is left as it is (only group members are added), so loading twice
// changes nothing.
func (s *Service) Load(ctx context.Context, orgID string, doc Document) (Result, error) {
	if err := check(doc); err != nil {
		return Result{}, err
	}
	var res Result
	err := s.inTx(ctx, func(tx *Service) error {
		var err error
		res, err = tx.load(ctx, orgID, doc)
		if err != nil {
			return err
		}
		return tx.record(ctx, tx.Store, events.Change{Type: EventSeedLoaded, Org: orgID, Resource: "seed",
			Summary: "seed document loaded", After: res.Created})
	})
	return res, err
}

func (s *Service) load(ctx context.Context, orgID string, doc Document) (Result, error) {
	r := &run{Service: s, created: map[string]int{}}
	res := Result{Created: r.created}
	for _, sec := range orgSections {
		raw, ok := doc.Okta[sec.key()]
		if !ok {
			continue
		}
		load, _ := sec.parse(raw)
		if err := load(ctx, r, orgID); err != nil {
			return res, within("okta."+sec.key(), err)
		}
	}
	res.ServiceApps = r.apps
	if doc.OPA == nil {
		return res, nil
	}
	for _, td := range doc.OPA.Teams {
		team, key, err := s.ensureTeam(ctx, r, td)
		if err != nil {
			return res, within("opa.teams."+td.Name, err)
		}
		if key != nil {
			res.Keys = append(res.Keys, *key)
		}
		for _, sec := range teamSections {
			raw, ok := td.Sections[sec.key()]
			if !ok {
				continue
			}
			load, _ := sec.parse(raw)
			if err := load(ctx, r, team); err != nil {
				return res, within("opa.teams."+td.Name+"."+sec.key(), err)
			}
		}
		for _, later := range r.later {
			if err := later(ctx); err != nil {
				return res, within("opa.teams."+td.Name+".resourceGroups", err)
			}
		}
		r.later = nil
	}
	return res, nil
}

// ensureTeam finds the document's team or creates it, returning the generated key of a new one.
func (s *Service) ensureTeam(ctx context.Context, r *run, td TeamDocument) (store.Team, *CreatedKey, error) {
	team, err := s.Store.GetTeamByName(ctx, td.Name)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return team, nil, err
	}
	in := pam.NewTeam{Name: td.Name, ServiceUser: td.ServiceUser}
	if td.Key != nil {
		in.KeyID, in.KeySecret = td.Key.ID, td.Key.Secret
	}
	created, err := s.PAM.CreateTeam(ctx, in)
	if err != nil {
		return team, nil, err
	}
	r.made("teams")
	if td.Key != nil {
		return created.Team, nil, nil
	}
	return created.Team, &CreatedKey{Team: td.Name, User: created.ServiceUser.Name, ID: created.Key.ID, Secret: created.Key.Secret}, nil
}

// within names the section a loading error came from. A document naming something that does
// not exist (a member, an owner group) is bad input: Invalid, not NotFound.
func within(where string, err error) error {
	var f *fault.Error
	if !errors.As(err, &f) {
		return err
	}
	c := *f
	if c.Kind == fault.NotFound {
		return invalid(where + ": " + f.Summary)
	}
	c.Summary = where + ": " + f.Summary
	return &c
}

// Scope chooses what a snapshot holds.
type Scope struct {
	Org   bool     // the org's sections
	Teams []string // these teams; nil for every team
}

// Export writes the state in scope as a seed document. It holds no secret: keys, tokens and
// passwords are left out (docs/seed.md), so a team created by loading the snapshot gets a new
// generated key unless the document is given one.
func (s *Service) Export(ctx context.Context, orgID string, sc Scope) (Document, error) {
	var doc Document
	err := s.inTx(ctx, func(tx *Service) error {
		var err error
		doc, err = tx.export(ctx, orgID, sc)
		return err
	})
	return doc, err
}

func (s *Service) export(ctx context.Context, orgID string, sc Scope) (Document, error) {
	doc := Document{Version: Version}
	if sc.Org {
		doc.Okta = map[string]json.RawMessage{}
		for _, sec := range orgSections {
			raw, err := sec.dump(ctx, s, orgID)
			if err != nil {
				return doc, err
			}
			if raw != nil {
				doc.Okta[sec.key()] = raw
			}
		}
	}
	teams, err := s.Store.ListTeams(ctx)
	if err != nil {
		return doc, err
	}
	doc.OPA = &OPADocument{Teams: []TeamDocument{}}
	for _, t := range teams {
		if sc.Teams != nil && !slices.Contains(sc.Teams, t.Name) {
			continue
		}
		first, err := s.firstServiceUser(ctx, t)
		if err != nil {
			return doc, err
		}
		td := TeamDocument{Name: t.Name, ServiceUser: first, Sections: map[string]json.RawMessage{}}
		for _, sec := range teamSections {
			raw, err := sec.dump(ctx, s, t)
			if err != nil {
				return doc, err
			}
			if raw != nil {
				td.Sections[sec.key()] = raw
			}
		}
		doc.OPA.Teams = append(doc.OPA.Teams, td)
	}
	return doc, nil
}

// firstServiceUser names the service user a team would be created with: the first, by name, of
// the service users in its admin group ("" when it has none).
func (s *Service) firstServiceUser(ctx context.Context, t store.Team) (string, error) {
	g, err := s.Store.GetOPAGroupByName(ctx, t.ID, adminGroupName)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	members, err := s.Store.ListOPAGroupMembers(ctx, t.ID, g.ID, store.Page{Limit: 100})
	for _, u := range members {
		if u.Type == store.UserService {
			return u.Name, err
		}
	}
	return "", err
}

// byName sorts exported items by a name, so that a snapshot does not depend on generated ids.
func byName[T any](items []T, name func(T) string) []T {
	slices.SortStableFunc(items, func(a, b T) int { return strings.Compare(name(a), name(b)) })
	return items
}

// pageAll reads every row of a paged list, by id.
func pageAll[T any](list func(p store.Page) ([]T, error), id func(T) string) ([]T, error) {
	const size = 500
	var out []T
	p := store.Page{Limit: size, OrderByID: true}
	for {
		rows, err := list(p)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		if len(rows) < size {
			return out, nil
		}
		p.After = id(rows[len(rows)-1])
	}
}
