package pam

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/store"
)

// Active Directory connection statuses. A connection is made connected; only connected and
// disconnected can be set through OPA, and rules and syncs need it connected. Inactive comes
// from Okta (here: the admin API) and stays until Okta changes it.
const (
	ADConnected    = "connected"
	ADDisconnected = "disconnected"
	ADInactive     = "inactive"
)

// Sync statuses of a connection. A sync runs inside the force_sync request, so a connection is
// never seen SYNC_IN_PROGRESS and SYNC_FAILED is not reached.
const (
	ADNotSynced     = "NOT_SYNCED"
	ADSyncCompleted = "SYNC_COMPLETED"
)

// Account types and match statuses (OPA's values, spaces included).
const (
	ADShared         = "SHARED"
	ADIndividual     = "INDIVIDUAL"
	MatchExact       = "MATCH"
	MatchPartial     = "PARTIAL MATCH"
	MatchNone        = "NO MATCH"
	MatchDuplicate   = "DUPLICATE"
	MatchManual      = "MANUAL MATCH"
	maxSIDLength     = 256
	maxADDirectory   = 10000
	adAccountNoun    = "ActiveDirectoryAccount"
	adConnectionNoun = "ActiveDirectoryConnection"
)

// ADAccountTypes are the values of account_type and of a rule's rule_type.
var ADAccountTypes = []string{ADShared, ADIndividual}

// ADEntry is one account as its domain holds it: what the admin API feeds and a sync applies.
type ADEntry struct {
	SID               string `json:"sid"`
	SAMAccountName    string `json:"sam_account_name"`
	UPN               string `json:"upn"`
	DistinguishedName string `json:"distinguished_name"`
	FirstName         string `json:"first_name"`
	LastName          string `json:"last_name"`
	DisplayName       string `json:"display_name"`
	Email             string `json:"email"`
	AccountType       string `json:"account_type"`
}

// check returns the causes against one fed entry, fields named under prefix.
func (e ADEntry) check(prefix string) []string {
	var cs []string
	if e.SID == "" || len(e.SID) > maxSIDLength {
		cs = append(cs, prefix+"sid: must be 1 to 256 characters")
	}
	if e.SAMAccountName == "" || len(e.SAMAccountName) > maxName {
		cs = append(cs, prefix+"sam_account_name: must be 1 to 255 characters")
	}
	if e.AccountType != ADShared && e.AccountType != ADIndividual {
		cs = append(cs, prefix+"account_type: must be one of "+listed(ADAccountTypes))
	}
	for _, f := range []struct{ name, v string }{{"sid", e.SID}, {"sam_account_name", e.SAMAccountName}, {"upn", e.UPN},
		{"distinguished_name", e.DistinguishedName}, {"first_name", e.FirstName}, {"last_name", e.LastName},
		{"display_name", e.DisplayName}, {"email", e.Email}} {
		if len(f.v) > 1024 {
			cs = append(cs, prefix+f.name+": must be at most 1024 characters")
		}
		cs = append(cs, checkText(prefix+f.name, f.v))
	}
	return causes(cs...)
}

// ADMatch is how an individual account is matched to a team user: the override a resource
// admin set beats the rule's match, and ForceNoMatch forbids any.
type ADMatch struct {
	RuleMatchUserID string `json:"rule_match_user_id,omitempty"`
	OverrideUserID  string `json:"match_override_user_id,omitempty"`
	ForceNoMatch    bool   `json:"force_no_match,omitempty"`
	RuleStatus      string `json:"rule_status,omitempty"` // what the rule's attributes found
}

// UserID is the matched user's id, or "".
func (m ADMatch) UserID() string {
	switch {
	case m.ForceNoMatch:
		return ""
	case m.OverrideUserID != "":
		return m.OverrideUserID
	}
	return m.RuleMatchUserID
}

// Status is the account's match_status.
func (m ADMatch) Status() string {
	switch {
	case m.ForceNoMatch:
		return MatchNone
	case m.OverrideUserID != "":
		return MatchManual
	case m.RuleStatus != "":
		return m.RuleStatus
	}
	return MatchNone
}

// ADAccount is an account of a connection's domain as the last sync left it: placed in a
// project by a rule (or in none) and, when individual, matched to a team user.
type ADAccount struct {
	ID              string
	ConnectionID    string
	ResourceGroupID string
	ProjectID       string
	SyncedAt        time.Time
	adAccountBody
}

// adAccountBody is what the store keeps as the account's JSON body.
type adAccountBody struct {
	ADEntry
	Match ADMatch `json:"match"`
	// ManagedAt is when a sync first placed the account in a project.
	ManagedAt time.Time `json:"brought_under_management_at,omitzero"`
}

func (a ADAccount) record(teamID string) (store.ADAccount, error) {
	body, err := json.Marshal(a.adAccountBody)
	return store.ADAccount{ID: a.ID, TeamID: teamID, ConnectionID: a.ConnectionID, SID: a.SID, UPN: a.UPN,
		ResourceGroupID: a.ResourceGroupID, ProjectID: a.ProjectID, Body: body, SyncedAt: a.SyncedAt}, err
}

func adAccountOf(r store.ADAccount) (ADAccount, error) {
	a := ADAccount{ID: r.ID, ConnectionID: r.ConnectionID, ResourceGroupID: r.ResourceGroupID, ProjectID: r.ProjectID, SyncedAt: r.SyncedAt}
	if err := json.Unmarshal(r.Body, &a.adAccountBody); err != nil {
		return a, fmt.Errorf("ad account %s: %w", r.ID, err)
	}
	return a, nil
}

func adAccountsOf(rs []store.ADAccount) ([]ADAccount, error) {
	out := make([]ADAccount, 0, len(rs))
	for _, r := range rs {
		a, err := adAccountOf(r)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// inOU reports whether a distinguished name lies in an organizational unit (its DN), ignoring
// case and the spaces LDAP allows after commas.
func inOU(dn, ou string) bool {
	norm := func(s string) string {
		parts := strings.Split(strings.ToLower(s), ",")
		for i, p := range parts {
			parts[i] = strings.TrimSpace(p)
		}
		return strings.Join(parts, ",")
	}
	dn, ou = norm(dn), norm(ou)
	return ou != "" && (dn == ou || strings.HasSuffix(dn, ","+ou))
}
