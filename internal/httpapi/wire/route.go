package wire

// Access is what a route requires of its caller.
type Access int

// The kinds of access a route can require.
const (
	Public       Access = iota // no credential
	OktaRead                   // SSWS token, or OAuth token with okta.agentPools.read (or manage)
	OktaManage                 // SSWS token, or OAuth token with okta.agentPools.manage
	Admin                      // SSWS admin token
	AgentCred                  // an agent's credential
	Registration               // an agent registration token
	OPABearer                  // an OPA bearer token of the path's {team_name}, holding one of Route.Roles
)

// Rate-limit buckets: Okta's named as Okta names them, and OPA's one bucket per team.
const (
	BucketAgentPools = "/api/v1/agentPools"
	BucketOAuth      = "/oauth2/v1"
	BucketAPI        = "/api/v1"
	BucketOPA        = "/v1/teams"
)

// Route is one row of the route table: a Go ServeMux pattern with its method, the operation's
// name (the spec's operationId where there is one), who may call it, and its handler.
type Route struct {
	Method  string
	Pattern string
	Name    string
	Access  Access
	// Roles are the OPA roles of which the caller needs one (the operation's x-okta-opa-roles);
	// none means any principal of the team.
	Roles   []string
	Bucket  string // the rate-limit bucket the route counts against ("" for none)
	Handler Handler
}
