package e2e

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/okta/okta-sdk-golang/v6/okta"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/auth"
)

// operation is one Agent Pools call whose answer body does not matter.
type operation struct {
	name string
	call func() (*okta.APIResponse, error)
}

func drop[T any](_ T, resp *okta.APIResponse, err error) (*okta.APIResponse, error) { return resp, err }

// writes are the Agent Pools operations that need okta.agentPools.manage, on job jobID.
func writes(api okta.AgentPoolsAPI, poolID, jobID string, body okta.AgentPoolUpdate) []operation {
	ctx := context.Background()
	setting := okta.AgentPoolUpdateSetting{AgentType: okta.PtrString("AD"), ReleaseChannel: okta.PtrString("BETA")}
	return []operation{
		{"createAgentPoolsUpdate", func() (*okta.APIResponse, error) {
			return drop(api.CreateAgentPoolsUpdate(ctx, poolID).AgentPoolUpdate(body).Execute())
		}},
		{"updateAgentPoolsUpdate", func() (*okta.APIResponse, error) {
			return drop(api.UpdateAgentPoolsUpdate(ctx, poolID, jobID).AgentPoolUpdate(body).Execute())
		}},
		{"deleteAgentPoolsUpdate", api.DeleteAgentPoolsUpdate(ctx, poolID, jobID).Execute},
		{"updateAgentPoolsUpdateSettings", func() (*okta.APIResponse, error) {
			return drop(api.UpdateAgentPoolsUpdateSettings(ctx, poolID).AgentPoolUpdateSetting(setting).Execute())
		}},
		{"activateAgentPoolsUpdate", func() (*okta.APIResponse, error) {
			return drop(api.ActivateAgentPoolsUpdate(ctx, poolID, jobID).Execute())
		}},
		{"deactivateAgentPoolsUpdate", func() (*okta.APIResponse, error) {
			return drop(api.DeactivateAgentPoolsUpdate(ctx, poolID, jobID).Execute())
		}},
		{"pauseAgentPoolsUpdate", func() (*okta.APIResponse, error) {
			return drop(api.PauseAgentPoolsUpdate(ctx, poolID, jobID).Execute())
		}},
		{"resumeAgentPoolsUpdate", func() (*okta.APIResponse, error) {
			return drop(api.ResumeAgentPoolsUpdate(ctx, poolID, jobID).Execute())
		}},
		{"retryAgentPoolsUpdate", func() (*okta.APIResponse, error) {
			return drop(api.RetryAgentPoolsUpdate(ctx, poolID, jobID).Execute())
		}},
		{"stopAgentPoolsUpdate", func() (*okta.APIResponse, error) { return drop(api.StopAgentPoolsUpdate(ctx, poolID, jobID).Execute()) }},
	}
}

// reads are the Agent Pools operations that need okta.agentPools.read.
func reads(api okta.AgentPoolsAPI, poolID, jobID string) []operation {
	ctx := context.Background()
	return []operation{
		{"listAgentPools", func() (*okta.APIResponse, error) { return drop(api.ListAgentPools(ctx).Execute()) }},
		{"listAgentPoolsUpdates", func() (*okta.APIResponse, error) { return drop(api.ListAgentPoolsUpdates(ctx, poolID).Execute()) }},
		{"getAgentPoolsUpdateInstance", func() (*okta.APIResponse, error) {
			return drop(api.GetAgentPoolsUpdateInstance(ctx, poolID, jobID).Execute())
		}},
		{"getAgentPoolsUpdateSettings", func() (*okta.APIResponse, error) {
			return drop(api.GetAgentPoolsUpdateSettings(ctx, poolID).Execute())
		}},
	}
}

// scheduledJob creates, as the admin, a scheduled job of a new pool and returns the pool, the
// job and the job's request body.
func scheduledJob(t *testing.T, s *apptest.Server) (string, string, okta.AgentPoolUpdate) {
	t.Helper()
	publishReleases(t, s)
	poolID, agents := createPool(t, s, "corp.example.com", "AD", 2)
	body := okta.AgentPoolUpdate{Name: okta.PtrString("Monthly AD update"), AgentType: okta.PtrString("AD"),
		Enabled: okta.PtrBool(true), Agents: sdkAgents(agents...), Schedule: sdkSchedule()}
	admin := newSDK(t, s, sswsAuth(apptest.AdminToken)...).AgentPoolsAPI
	job, resp, err := admin.CreateAgentPoolsUpdate(context.Background(), poolID).AgentPoolUpdate(body).Execute()
	sdkOK(t, "createAgentPoolsUpdate", resp, err, 201)
	return poolID, job.GetId(), body
}

// TestReadScopeCannotWrite checks that an access token with only okta.agentPools.read reads
// everything but is refused every write the way Okta refuses it: 403 with no body and a
// WWW-Authenticate challenge naming insufficient_scope, the job left untouched.
func TestReadScopeCannotWrite(t *testing.T) {
	s := start(t, false)
	poolID, jobID, body := scheduledJob(t, s)
	api := newSDK(t, s, privateKeyAuth(t, s, auth.ScopeRead)...).AgentPoolsAPI
	before := readSnapshot(t, s, poolID, jobID)
	for _, op := range writes(api, poolID, jobID, body) {
		t.Run(op.name, func(t *testing.T) {
			resp, err := op.call()
			if b := sdkFailure(t, resp, err, 403); len(b) != 0 {
				t.Errorf("403 body = %q, want none", b)
			}
			if h := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer ") || !strings.Contains(h, `error="insufficient_scope"`) ||
				!strings.Contains(h, `scope="`+auth.ScopeManage+`"`) {
				t.Errorf("WWW-Authenticate = %q", h)
			}
		})
	}
	if after := readSnapshot(t, s, poolID, jobID); !reflect.DeepEqual(before, after) {
		t.Errorf("refused writes changed the store:\nbefore %+v\nafter  %+v", before, after)
	}
	for _, op := range reads(api, poolID, jobID) {
		t.Run(op.name, func(t *testing.T) {
			resp, err := op.call()
			sdkOK(t, op.name, resp, err, 200)
		})
	}
}

// TestWrongAPIToken checks that an unknown SSWS token is refused with 401 E0000011 on reads and
// writes alike.
func TestWrongAPIToken(t *testing.T) {
	s := start(t, false)
	poolID, jobID, body := scheduledJob(t, s)
	api := newSDK(t, s, sswsAuth("00not-a-token-of-this-org-0123456789")...).AgentPoolsAPI
	ops := append(reads(api, poolID, jobID), writes(api, poolID, jobID, body)...)
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			resp, err := op.call()
			e := sdkErrorBody(t, resp, err, 401, "E0000011")
			if e.ErrorSummary != "Invalid token provided" {
				t.Errorf("errorSummary = %q", e.ErrorSummary)
			}
		})
	}
}
