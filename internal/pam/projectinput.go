package pam

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/keyward/keyward/internal/store"
)

// SSH certificate types a project may use (the spec's SSHCertificateType).
var SSHCertificateTypes = []string{"CERT_TYPE_ECDSA_256_01", "CERT_TYPE_ECDSA_384_01", "CERT_TYPE_ECDSA_521_01",
	"CERT_TYPE_ED25519_01", "CERT_TYPE_RSA_01", "CERT_TYPE_RSA_SHA2_256_01", "CERT_TYPE_RSA_SHA2_512_01"}

// Project defaults: the spec's and the OPA Terraform provider's documented starting values.
const (
	DefaultSSHCertificateType = "CERT_TYPE_ED25519_01"
	DefaultNextUnixUID        = 60001
	DefaultNextUnixGID        = 63001
	minUnixID, maxUnixID      = 100, 65535
)

// gatewaySelector is "key=value" labels joined by commas, e.g. REGION=WEST-EU,TEAM=MARKETING.
var gatewaySelector = regexp.MustCompile(`^[^=,\s]+=[^=,\s]+(,[^=,\s]+=[^=,\s]+)*$`)

// ProjectInput is a project as sent on create or update. Every field is a pointer: nil is "not
// sent", which on update keeps the stored value (OPA's project PUT merges), while "" or false
// sets it. Read-only fields (id, team, resource_group_id, deleted_at, counts,
// user_on_demand_period) are not inputs.
type ProjectInput struct {
	Name                         *string
	SSHCertificateType           *string
	NextUnixUID                  *int
	NextUnixGID                  *int
	GatewaySelector              *string
	CreateServerUsers            *bool
	ForceSharedSSHUsers          *bool
	PersistentServerUserAccounts *bool
	RequirePreauthForCreds       *bool
	ServerAccountManagement      *bool
	SharedAdminUserName          *string
	SharedStandardUserName       *string
}

// check returns a cause for every invalid field; creating requires a name.
func (in ProjectInput) check(creating bool) []string {
	var cs []string
	if in.Name != nil || creating {
		cs = append(cs, checkResourceName("name", deref(in.Name)))
	}
	if in.SSHCertificateType != nil && !slices.Contains(SSHCertificateTypes, *in.SSHCertificateType) {
		cs = append(cs, "ssh_certificate_type: must be one of "+listed(SSHCertificateTypes))
	}
	cs = append(cs, checkUnixID("next_unix_uid", in.NextUnixUID), checkUnixID("next_unix_gid", in.NextUnixGID))
	if in.GatewaySelector != nil && *in.GatewaySelector != "" {
		if len(*in.GatewaySelector) > 1024 || !gatewaySelector.MatchString(*in.GatewaySelector) {
			cs = append(cs, "gateway_selector: must be key=value labels separated by commas, e.g. REGION=WEST-EU,TEAM=MARKETING")
		}
		cs = append(cs, checkText("gateway_selector", *in.GatewaySelector))
	}
	cs = append(cs, checkOptionalUserName("shared_admin_user_name", in.SharedAdminUserName),
		checkOptionalUserName("shared_standard_user_name", in.SharedStandardUserName))
	return causes(cs...)
}

func checkUnixID(field string, v *int) string {
	if v == nil || (*v >= minUnixID && *v <= maxUnixID) {
		return ""
	}
	return fmt.Sprintf("%s: must be between %d and %d", field, minUnixID, maxUnixID)
}

func checkOptionalUserName(field string, v *string) string {
	if v == nil || *v == "" {
		return ""
	}
	if len(*v) > maxName {
		return field + ": must be at most 255 characters"
	}
	return checkText(field, *v)
}

// newProject is a project with the documented defaults, before the input is applied.
func newProject() store.Project {
	zero := int64(0)
	return store.Project{SSHCertificateType: DefaultSSHCertificateType, NextUnixUID: DefaultNextUnixUID,
		NextUnixGID: DefaultNextUnixGID, UserOnDemandPeriod: &zero}
}

// apply merges the fields sent into p.
func (in ProjectInput) apply(p store.Project) store.Project {
	set(&p.Name, in.Name)
	set(&p.SSHCertificateType, in.SSHCertificateType)
	set(&p.NextUnixUID, in.NextUnixUID)
	set(&p.NextUnixGID, in.NextUnixGID)
	set(&p.GatewaySelector, in.GatewaySelector)
	set(&p.CreateServerUsers, in.CreateServerUsers)
	set(&p.ForceSharedSSHUsers, in.ForceSharedSSHUsers)
	set(&p.RequirePreauthForCreds, in.RequirePreauthForCreds)
	set(&p.ServerAccountManagement, in.ServerAccountManagement)
	set(&p.SharedAdminUserName, in.SharedAdminUserName)
	set(&p.SharedStandardUserName, in.SharedStandardUserName)
	if in.PersistentServerUserAccounts != nil {
		v := *in.PersistentServerUserAccounts
		p.PersistentServerUserAccounts = &v
	}
	return p
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
