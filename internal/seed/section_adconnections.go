package seed

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"

	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// adConnection is an Active Directory connection with the accounts its domain holds (Okta's
// side: an OPA force_sync then applies them); matched by domain. The accounts are fed again
// only when they differ from what the domain holds.
type adConnection struct {
	Domain        string      `json:"domain"`
	AppInstanceID string      `json:"appInstanceId,omitempty"`
	Status        string      `json:"status,omitempty"`
	Accounts      []adAccount `json:"accounts,omitempty"`
}

// adAccount is an account of the domain, as the admin API's feed takes it.
type adAccount struct {
	SID               string `json:"sid"`
	SAMAccountName    string `json:"samAccountName,omitempty"`
	UPN               string `json:"upn,omitempty"`
	DistinguishedName string `json:"distinguishedName,omitempty"`
	FirstName         string `json:"firstName,omitempty"`
	LastName          string `json:"lastName,omitempty"`
	DisplayName       string `json:"displayName,omitempty"`
	Email             string `json:"email,omitempty"`
	AccountType       string `json:"accountType,omitempty"`
}

func loadADConnections(ctx context.Context, r *run, team store.Team, items []adConnection) error {
	conns, err := teamADConnections(ctx, r.Service, team)
	if err != nil {
		return err
	}
	for _, it := range items {
		i := slices.IndexFunc(conns, func(c store.ADConnection) bool { return c.Domain == it.Domain })
		var c store.ADConnection
		if i >= 0 {
			c = conns[i]
		} else {
			made, err := r.PAM.CreateADConnection(ctx, team.ID, pam.NewADConnection{Domain: it.Domain, AppInstanceID: it.AppInstanceID, Status: it.Status})
			if err != nil {
				return err
			}
			c = made.ADConnection
			r.made("adConnections")
		}
		want := make([]pam.ADEntry, len(it.Accounts))
		for j, a := range it.Accounts {
			want[j] = pam.ADEntry(a)
		}
		have, err := directory(c)
		if err != nil {
			return err
		}
		if len(want) == len(have) && (len(want) == 0 || reflect.DeepEqual(want, have)) {
			continue
		}
		if err := r.PAM.FeedADDirectory(ctx, team.ID, c.ID, want); err != nil {
			return err
		}
		r.made("adAccountFeeds")
	}
	return nil
}

// directory is what the connection's domain was last fed.
func directory(c store.ADConnection) ([]pam.ADEntry, error) {
	var entries []pam.ADEntry
	if len(c.Directory) == 0 {
		return nil, nil
	}
	return entries, json.Unmarshal(c.Directory, &entries)
}

func teamADConnections(ctx context.Context, s *Service, team store.Team) ([]store.ADConnection, error) {
	return pageAll(func(p store.Page) ([]store.ADConnection, error) {
		return s.Store.ListADConnections(ctx, team.ID, p)
	}, func(c store.ADConnection) string { return c.ID })
}

func exportADConnections(ctx context.Context, s *Service, team store.Team) ([]adConnection, error) {
	conns, err := teamADConnections(ctx, s, team)
	if err != nil {
		return nil, err
	}
	out := make([]adConnection, len(conns))
	for i, c := range conns {
		entries, err := directory(c)
		if err != nil {
			return nil, err
		}
		it := adConnection{Domain: c.Domain, AppInstanceID: c.AppInstanceID, Status: c.Status}
		for _, e := range entries {
			it.Accounts = append(it.Accounts, adAccount(e))
		}
		out[i] = it
	}
	return byName(out, func(c adConnection) string { return c.Domain }), nil
}
