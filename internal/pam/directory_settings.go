package pam

import (
	"context"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// ADAccountRef names an AD account in a project's settings by its domain and SID. The settings
// store it as the key "domain\SID" (a domain holds no backslash), so that AD settings share
// the other kinds' documents, validation and Applies.
type ADAccountRef struct {
	Domain string
	SID    string
}

// ADAccountRefView is a reference as read: resolved to the account's name, or Missing when
// no account of that SID is in a connection of that domain.
type ADAccountRefView struct {
	ADAccountRef
	AccountName string
	Missing     bool
}

// ADCheckoutSettings are a project's checkout settings for AD accounts.
type ADCheckoutSettings struct {
	Required        bool
	DurationSeconds int
	IncludeList     []ADAccountRefView
	ExcludeList     []ADAccountRefView
}

// ADCheckoutSettingsInput is a PUT body: nil is "not sent".
type ADCheckoutSettingsInput struct {
	Required        *bool
	DurationSeconds *int
	IncludeList     []ADAccountRef
	ExcludeList     []ADAccountRef
}

// adKey names an account in a project's settings lists: its domain, which DNS compares ignoring
// case, in lower case (a list written "CORP.Example" applies to corp.example's accounts), and its SID.
func adKey(domain, sid string) string { return strings.ToLower(domain) + `\` + sid }

// adKeysOf writes DOMAIN\SID keys as adKey does (the domain in lower case).
func adKeysOf(keys []string) []string {
	if keys == nil {
		return nil
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k
		if domain, sid, ok := strings.Cut(k, `\`); ok {
			out[i] = adKey(domain, sid)
		}
	}
	return out
}

func refOfKey(key string) ADAccountRef {
	domain, sid, _ := strings.Cut(key, `\`)
	return ADAccountRef{Domain: domain, SID: sid}
}

// keys checks the references and returns their keys, or the causes naming fields.
func adRefKeys(field string, refs []ADAccountRef) ([]string, []string) {
	if refs == nil {
		return nil, nil
	}
	keys := make([]string, len(refs))
	var cs []string
	for i, r := range refs {
		at := field + "[" + strconv.Itoa(i) + "]."
		if r.Domain == "" || len(r.Domain) > maxName || strings.Contains(r.Domain, `\`) {
			cs = append(cs, at+"domain: must be 1 to 255 characters without a backslash")
		}
		if r.SID == "" || len(r.SID) > maxSIDLength {
			cs = append(cs, at+"account_sid: must be 1 to 256 characters")
		}
		cs = append(cs, checkText(at+"domain", r.Domain), checkText(at+"account_sid", r.SID))
		keys[i] = adKey(r.Domain, r.SID)
	}
	return keys, causes(cs...)
}

// SetADCheckoutSettings replaces a project's checkout settings for AD accounts.
func (s *Service) SetADCheckoutSettings(ctx context.Context, p Principal, rgID, projectID string, in ADCheckoutSettingsInput) error {
	include, cs := adRefKeys("include_list", in.IncludeList)
	exclude, more := adRefKeys("exclude_list", in.ExcludeList)
	if cs = append(cs, more...); len(cs) > 0 {
		return fault.Invalidf("ActiveDirectoryCheckoutSettings", cs...)
	}
	return s.SetCheckoutSettings(ctx, p, rgID, projectID, ActiveDirectoryAccounts, CheckoutSettingsInput{Required: in.Required,
		DurationSeconds: in.DurationSeconds, IncludeList: include, ExcludeList: exclude})
}

// ADCheckoutSettings returns a project's checkout settings for AD accounts, each reference
// resolved.
func (s *Service) ADCheckoutSettings(ctx context.Context, p Principal, rgID, projectID string) (ADCheckoutSettings, error) {
	set, err := s.CheckoutSettings(ctx, p, rgID, projectID, ActiveDirectoryAccounts)
	if err != nil {
		return ADCheckoutSettings{}, err
	}
	out := ADCheckoutSettings{Required: set.Required, DurationSeconds: set.DurationSeconds}
	if out.IncludeList, err = s.resolveADRefs(ctx, p.TeamID, set.IncludeList); err != nil {
		return out, err
	}
	out.ExcludeList, err = s.resolveADRefs(ctx, p.TeamID, set.ExcludeList)
	return out, err
}

func (s *Service) resolveADRefs(ctx context.Context, teamID string, keys []string) ([]ADAccountRefView, error) {
	out := make([]ADAccountRefView, len(keys))
	var conns []store.ADConnection
	for i, k := range keys {
		v := ADAccountRefView{ADAccountRef: refOfKey(k), Missing: true}
		if conns == nil {
			var err error
			if conns, err = s.Store.ListADConnections(ctx, teamID, store.Page{}); err != nil {
				return nil, err
			}
		}
		for _, c := range conns {
			if !strings.EqualFold(c.Domain, v.Domain) {
				continue
			}
			recs, err := s.Store.ListADAccounts(ctx, teamID, store.ADAccountFilter{ConnectionID: c.ID, SID: v.SID}, store.Page{Limit: 1})
			if err != nil {
				return nil, err
			}
			if len(recs) == 1 {
				a, err := adAccountOf(recs[0])
				if err != nil {
					return nil, err
				}
				v.AccountName, v.Missing = a.SAMAccountName, false
			}
		}
		out[i] = v
	}
	return out, nil
}

// ADPasswordPolicy is a project's password policy for AD accounts, its rotation lists resolved.
type ADPasswordPolicy struct {
	PasswordPolicy
	Include, Exclude []ADAccountRefView
}

// SetADPasswordPolicy replaces a project's password policy for AD accounts; the rotation lists
// name accounts by domain and SID.
func (s *Service) SetADPasswordPolicy(ctx context.Context, p Principal, rgID, projectID string, in PasswordPolicyInput,
	include, exclude []ADAccountRef) (ADPasswordPolicy, error) {
	inc, cs := adRefKeys("periodic_rotation_account_include_list", include)
	exc, more := adRefKeys("periodic_rotation_account_exclude_list", exclude)
	if cs = append(cs, more...); len(cs) > 0 {
		return ADPasswordPolicy{}, fault.Invalidf("ActiveDirectoryPasswordPolicy", cs...)
	}
	in.RotationInclude, in.RotationExclude = inc, exc
	pol, err := s.SetPasswordPolicy(ctx, p, rgID, projectID, ActiveDirectoryAccounts, in)
	if err != nil {
		return ADPasswordPolicy{}, err
	}
	return s.resolvePolicy(ctx, p.TeamID, pol)
}

// ADPasswordPolicy returns a project's password policy for AD accounts.
func (s *Service) ADPasswordPolicy(ctx context.Context, p Principal, rgID, projectID string) (ADPasswordPolicy, error) {
	pol, err := s.PasswordPolicy(ctx, p, rgID, projectID, ActiveDirectoryAccounts)
	if err != nil {
		return ADPasswordPolicy{}, err
	}
	return s.resolvePolicy(ctx, p.TeamID, pol)
}

func (s *Service) resolvePolicy(ctx context.Context, teamID string, pol PasswordPolicy) (ADPasswordPolicy, error) {
	out := ADPasswordPolicy{PasswordPolicy: pol}
	var err error
	if out.Include, err = s.resolveADRefs(ctx, teamID, pol.RotationInclude); err != nil {
		return out, err
	}
	out.Exclude, err = s.resolveADRefs(ctx, teamID, pol.RotationExclude)
	return out, err
}
