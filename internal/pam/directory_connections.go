package pam

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// ADConnection is a team's connection to an Active Directory domain.
type ADConnection struct {
	store.ADConnection
}

// NewADConnection is what the admin API creates: a domain and the Okta app instance standing
// for it; Status is connected when "".
type NewADConnection struct {
	Domain        string
	AppInstanceID string
	Status        string
}

var adStatuses = []string{ADConnected, ADDisconnected, ADInactive}

// CreateADConnection makes a connection with an empty directory, never synced.
func (s *Service) CreateADConnection(ctx context.Context, teamID string, in NewADConnection) (ADConnection, error) {
	if in.Status == "" {
		in.Status = ADConnected
	}
	var cs []string
	if in.Domain == "" || len(in.Domain) > maxName {
		cs = append(cs, "domain: must be 1 to 255 characters")
	}
	if in.AppInstanceID == "" || len(in.AppInstanceID) > maxName {
		cs = append(cs, "app_instance_id: must be 1 to 255 characters")
	}
	if !slices.Contains(adStatuses, in.Status) {
		cs = append(cs, "status: must be one of "+listed(adStatuses))
	}
	cs = append(cs, checkText("domain", in.Domain), checkText("app_instance_id", in.AppInstanceID))
	if cs = causes(cs...); len(cs) > 0 {
		return ADConnection{}, fault.Invalidf(adConnectionNoun, cs...)
	}
	c := store.ADConnection{ID: newID(), TeamID: teamID, Domain: in.Domain, AppInstanceID: in.AppInstanceID, Status: in.Status,
		SyncStatus: ADNotSynced, Directory: []byte("[]"), RuleSettings: []byte("{}"), CreatedAt: s.Clock.Now()}
	if err := s.Store.CreateADConnection(ctx, c); err != nil {
		return ADConnection{}, taken(err, "connection", in.Domain, "team")
	}
	return ADConnection{c}, nil
}

// ADConnection returns a connection of the team.
func (s *Service) ADConnection(ctx context.Context, teamID, id string) (ADConnection, error) {
	c, err := s.adConnection(ctx, s.Store, teamID, id)
	return ADConnection{c}, err
}

func (s *Service) adConnection(ctx context.Context, q store.Queries, teamID, id string) (store.ADConnection, error) {
	if !storable(id) {
		return store.ADConnection{}, fault.Missing(id, adConnectionNoun)
	}
	c, err := q.GetADConnection(ctx, teamID, id)
	return c, missing(err, id, adConnectionNoun)
}

// ListADConnections pages a team's connections by id.
func (s *Service) ListADConnections(ctx context.Context, teamID string, p store.Page) ([]ADConnection, error) {
	if err := checkPage(p); err != nil {
		return nil, err
	}
	cs, err := s.Store.ListADConnections(ctx, teamID, p)
	out := make([]ADConnection, len(cs))
	for i, c := range cs {
		out[i] = ADConnection{c}
	}
	return out, err
}

// SetADConnectionStatus connects or disconnects a connection. An inactive one stays inactive
// (Okta deactivated it): only the admin API changes that.
func (s *Service) SetADConnectionStatus(ctx context.Context, teamID, id, status string, fromOkta bool) error {
	allowed := []string{ADConnected, ADDisconnected}
	if fromOkta {
		allowed = adStatuses
	}
	if !slices.Contains(allowed, status) {
		return fault.Invalidf(adConnectionNoun, "status: must be one of "+listed(allowed))
	}
	return s.Store.InTx(ctx, func(q store.Queries) error {
		c, err := s.adConnection(ctx, q, teamID, id)
		if err != nil {
			return err
		}
		if c.Status == ADInactive && !fromOkta {
			return fault.Invalidf(adConnectionNoun, "status: the connection is inactive in Okta and cannot be changed here")
		}
		c.Status = status
		return q.UpdateADConnection(ctx, c)
	})
}

// FeedADDirectory replaces what the connection's domain holds (keyward reaches no domain
// controller); the next sync applies it. SIDs are unique; invalid entries refuse the whole feed.
func (s *Service) FeedADDirectory(ctx context.Context, teamID, id string, entries []ADEntry) error {
	if len(entries) > maxADDirectory {
		return fault.Invalidf(adConnectionNoun, fmt.Sprintf("accounts: must hold at most %d accounts", maxADDirectory))
	}
	if cs := checkFeed(entries, "sid", func(e ADEntry) string { return e.SID }); len(cs) > 0 {
		return fault.Invalidf(adAccountNoun, cs...)
	}
	if entries == nil {
		entries = []ADEntry{}
	}
	body, err := json.Marshal(entries)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(q store.Queries) error {
		c, err := s.adConnection(ctx, q, teamID, id)
		if err != nil {
			return err
		}
		c.Directory = body
		return q.UpdateADConnection(ctx, c)
	})
}
