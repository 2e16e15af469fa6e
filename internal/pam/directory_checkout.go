package pam

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// ErrorDirectoryRejected is the last_password_change_error_type of a rotation the password
// directory refused (its failure switch is on).
const ErrorDirectoryRejected = "directory_rejected_password_change"

// applyInDirectory is a rotation of an account no agent rotates: keyward's password directory
// stands in for the system holding the account. The new password becomes the directory's and the
// account's current one at once; with the team's failure switch on, the change fails and is
// retried with back-off like an agent's failed report. One state machine serves both: the
// rotation is started (rotate) and its outcome recorded (rotated) in one step.
func (s *Service) applyInDirectory(ctx context.Context, q store.Queries, c store.Checkout, acct TargetAccount, pw string) (store.Checkout, error) {
	now := s.Clock.Now()
	started, err := rotate(c, s.seal(pw), "directory:"+newID())
	if err != nil {
		return c, err
	}
	failure, err := q.DirectoryFailure(ctx, c.TeamID)
	if err != nil {
		return c, err
	}
	d, err := q.GetDirectoryPassword(ctx, c.TeamID, c.AccountID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return c, err
	}
	d.AccountID, d.TeamID, d.ResourceType = c.AccountID, c.TeamID, c.ResourceType
	if failure == "" {
		d.Password, d.ChangedAt = started.PendingPassword, now
		d.Successes++
	} else {
		d.Failures++
	}
	if err := q.PutDirectoryPassword(ctx, d); err != nil {
		return c, err
	}
	if err := s.saveCheckout(ctx, q, c, started); err != nil {
		return c, err
	}
	started.Version++
	done, _ := rotated(started, started.InstructionID, failure == "", ErrorDirectoryRejected, now)
	if err := s.saveCheckout(ctx, q, started, done); err != nil {
		return c, err
	}
	done.Version++
	if r, ok := checkoutTargets[acct.ResourceType].(rotationRecorder); ok && failure == "" {
		if err := r.rotated(ctx, q, acct, now); err != nil {
			return c, err
		}
	}
	return done, scheduleAfterRotation(ctx, q, acct, done, failure == "", now)
}

// DirectoryPassword returns an account's current password as keyward's directory holds it, for
// the admin API (tests compare it with what a reveal shows). NotFound until a rotation set one.
func (s *Service) DirectoryPassword(ctx context.Context, teamID, accountID string) (string, time.Time, error) {
	if !storable(accountID) {
		return "", time.Time{}, fault.Missing(accountID, "DirectoryAccount")
	}
	d, err := s.Store.GetDirectoryPassword(ctx, teamID, accountID)
	if err != nil || d.Password == "" {
		return "", time.Time{}, missing(orNotFound(err), accountID, "DirectoryAccount")
	}
	pw, err := s.unseal(d.Password)
	return pw, d.ChangedAt, err
}

// SetDirectoryFailure turns the team's failure switch on (a message, reported by every password
// change of its directory accounts until turned off) or off ("").
func (s *Service) SetDirectoryFailure(ctx context.Context, teamID, message string) error {
	if cs := causes(checkText("message", message)); len(cs) > 0 || len(message) > maxName {
		return fault.Invalidf("DirectoryFailure", append(cs, "message: at most 255 characters")...)
	}
	return s.Store.SetDirectoryFailure(ctx, teamID, message)
}

// adTarget is an Active Directory account placed in a project: its password lives in keyward's
// directory.
type adTarget struct{}

func (adTarget) Lookup(ctx context.Context, q store.Queries, teamID, id string) (TargetAccount, error) {
	a, domain, err := placedADAccount(ctx, q, teamID, id)
	if err != nil {
		return TargetAccount{}, err
	}
	return adTargetOf(teamID, a, domain), nil
}

func adTargetOf(teamID string, a ADAccount, domain string) TargetAccount {
	return TargetAccount{ID: a.ID, ResourceType: ResourceADAccountPassword, TeamID: teamID, ResourceGroupID: a.ResourceGroupID,
		ProjectID: a.ProjectID, Name: a.SAMAccountName, SettingsKind: ActiveDirectoryAccounts, SettingsKey: adKey(domain, a.SID),
		Apply: ApplyInDirectory, Login: a.SAMAccountName}
}

// placedADAccount is a team's AD account in a project, with its connection's domain.
func placedADAccount(ctx context.Context, q store.Queries, teamID, id string) (ADAccount, string, error) {
	if !storable(id) {
		return ADAccount{}, "", fault.Missing(id, adAccountNoun)
	}
	r, err := q.GetADAccount(ctx, teamID, id)
	if err == nil && r.ProjectID == "" {
		err = store.ErrNotFound
	}
	if err != nil {
		return ADAccount{}, "", missing(err, id, adAccountNoun)
	}
	a, err := adAccountOf(r)
	if err != nil {
		return a, "", err
	}
	conn, err := q.GetADConnection(ctx, teamID, a.ConnectionID)
	return a, conn.Domain, missing(err, a.ConnectionID, adConnectionNoun)
}

func (adTarget) AccessMethods(ctx context.Context, s *Service, userID string, t TargetAccount) ([]AccessMethod, error) {
	a, domain, err := placedADAccount(ctx, s.Store, t.TeamID, t.ID)
	if err != nil {
		return nil, err
	}
	policies, err := s.userPolicies(ctx, t.TeamID, userID)
	if err != nil || len(policies) == 0 {
		return nil, err
	}
	checkout, err := s.projectCheckoutSettings(ctx, s.Store, t.TeamID, a.ProjectID, ActiveDirectoryAccounts)
	if err != nil {
		return nil, err
	}
	return EvaluateAD(policies, userID, a, domain, checkout), nil
}

// adPrivileges are the privileges an AD-based rule may grant.
var adPrivileges = []string{PrivilegePasswordCheckoutRDP, PrivilegePasswordCheckoutSSH, PrivilegeRevealPassword, PrivilegeRotatePassword}

// ActiveDirectoryBasedResource is the rule resource type of AD accounts.
const ActiveDirectoryBasedResource = "active_directory_based_resource"

// adResourceSelector is an AD-based rule's resource_selector as the spec's examples send it.
type adResourceSelector struct {
	Selectors []adSelectorEnvelope `json:"selectors"`
}

type adSelectorEnvelope struct {
	SelectorType string     `json:"selector_type"`
	Selector     adSelector `json:"selector"`
}

// adSharedAccount is one of a selector's specific_accounts.
type adSharedAccount struct {
	Account struct {
		ID string `json:"id"`
	} `json:"shared_account"`
}

// checkADSelector returns the cause against an AD-based rule's resource selector, "" when fine:
// one selector (the document's maxItems) of selector_type active_directory.
func checkADSelector(at string, raw json.RawMessage) string {
	var rs adResourceSelector
	if err := json.Unmarshal(raw, &rs); err != nil {
		return at + ": must be an object with selectors"
	}
	if len(rs.Selectors) != 1 {
		return at + ".selectors: exactly one selector is required"
	}
	if rs.Selectors[0].SelectorType != "active_directory" {
		return at + ".selectors[0].selector_type: must be active_directory"
	}
	return ""
}

// adSelector picks AD accounts: individual accounts (those matched to the user), narrowed by
// domain and by a condition on the account name; shared accounts by name, by domain, or one by one.
// The servers and ssh_servers parts say where the accounts may log in and pick no account.
type adSelector struct {
	Individual *struct {
		ByCondition *struct {
			Format string `json:"account_name_format"`
			Value  string `json:"value"`
		} `json:"by_condition"`
		ByDomain []string `json:"by_domain"`
	} `json:"individual_accounts"`
	Shared *struct {
		ByMatchingNames []string          `json:"by_matching_names"`
		ByDomain        []string          `json:"by_domain"`
		Specific        []adSharedAccount `json:"specific_accounts"`
	} `json:"shared_accounts"`
}

func containsFold(list []string, v string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) })
}

// picks reports whether the selector picks the account for the user.
func (sel adSelector) picks(userID string, a ADAccount, domain string) bool {
	switch a.AccountType {
	case ADIndividual:
		in := sel.Individual
		if in == nil || a.Match.UserID() == "" || a.Match.UserID() != userID {
			return false
		}
		if len(in.ByDomain) > 0 && !containsFold(in.ByDomain, domain) {
			return false
		}
		return in.ByCondition == nil || nameCondition(in.ByCondition.Format, in.ByCondition.Value, a.SAMAccountName)
	case ADShared:
		sh := sel.Shared
		if sh == nil {
			return false
		}
		if slices.ContainsFunc(sh.Specific, func(x adSharedAccount) bool { return strings.EqualFold(x.Account.ID, a.ID) }) {
			return true
		}
		if len(sh.ByDomain) == 0 && len(sh.ByMatchingNames) == 0 {
			return false
		}
		return (len(sh.ByDomain) == 0 || containsFold(sh.ByDomain, domain)) &&
			(len(sh.ByMatchingNames) == 0 || containsFold(sh.ByMatchingNames, a.SAMAccountName))
	}
	return false
}

// nameCondition applies a by_condition to an account name, ignoring case.
func nameCondition(format, value, name string) bool {
	name, value = strings.ToLower(name), strings.ToLower(value)
	switch strings.ToUpper(format) {
	case "STARTS_WITH":
		return strings.HasPrefix(name, value)
	case "ENDS_WITH":
		return strings.HasSuffix(name, value)
	case "CONTAINS":
		return strings.Contains(name, value)
	case "EQUALS", "MATCHES", "EXACT":
		return name == value
	}
	return false
}

// EvaluateAD is the decision for an AD account, without I/O: the privileges that the active
// AD-based rules of the policies (all naming one of the user's groups) in the account's resource
// group grant the user, each once, sorted; checkout as the project's AD settings say for the
// account ("domain\SID"), its duration the project's or the longest override.
func EvaluateAD(policies []SecurityPolicy, userID string, a ADAccount, domain string, checkout CheckoutSettings) []AccessMethod {
	held := map[string]AccessMethod{}
	for _, p := range policies {
		if !p.Active || p.ResourceGroupID != a.ResourceGroupID {
			continue
		}
		for _, r := range p.Rules {
			if r.ResourceType != ActiveDirectoryBasedResource {
				continue
			}
			var rs adResourceSelector
			if json.Unmarshal(r.Selector, &rs) != nil || !slices.ContainsFunc(rs.Selectors, func(s adSelectorEnvelope) bool { return s.Selector.picks(userID, a, domain) }) {
				continue
			}
			grantRule(held, r, adPrivileges, checkout, adKey(domain, a.SID))
		}
	}
	return sortedMethods(held)
}
