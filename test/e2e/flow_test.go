package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/okta/okta-sdk-golang/v6/okta"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/store"
)

// backends are the stores every flow runs on.
var backends = []struct {
	name     string
	postgres bool
}{{"SQLite", false}, {"PostgreSQL", true}}

// TestAgentPoolsSDK drives all 14 Agent Pools operations through Okta's Go SDK, in each
// authorization mode and on each store.
func TestAgentPoolsSDK(t *testing.T) {
	for _, db := range backends {
		for _, mode := range authModes {
			t.Run(db.name+"/"+mode.name, func(t *testing.T) {
				t.Parallel()
				s := start(t, db.postgres)
				api := newSDK(t, s, mode.authn(t, s)...).AgentPoolsAPI
				f := seed(t, s)
				checkPoolPages(t, api, f)
				checkMainPool(t, api, f)
				checkUpdateFlow(t, s, api, f)
			})
		}
	}
}

// sdkSchedule is closedSchedule in the SDK's terms.
func sdkSchedule() *okta.AutoUpdateSchedule {
	sc := closedSchedule()
	return &okta.AutoUpdateSchedule{Cron: okta.PtrString(sc["cron"].(string)), Timezone: okta.PtrString("UTC"),
		Duration: okta.PtrInt32(60), Delay: okta.PtrInt32(0)}
}

func sdkAgents(ids ...string) []okta.Agent {
	out := make([]okta.Agent, len(ids))
	for i, id := range ids {
		out[i] = okta.Agent{Id: okta.PtrString(id)}
	}
	return out
}

// checkUpdate compares the fields of an AgentPoolUpdate answer that the flow controls.
func checkUpdate(t *testing.T, what string, got *okta.AgentPoolUpdate, name, status, target string, enabled bool, agents []string, agentStatus string) {
	t.Helper()
	if got.GetName() != name || got.GetStatus() != status || got.GetTargetVersion() != target ||
		got.GetEnabled() != enabled || got.GetAgentType() != "AD" || got.GetId() == "" {
		t.Errorf("%s: name %q status %s targetVersion %q enabled %v agentType %q id %q; want %q %s %q %v AD",
			what, got.GetName(), got.GetStatus(), got.GetTargetVersion(), got.GetEnabled(), got.GetAgentType(), got.GetId(),
			name, status, target, enabled)
	}
	var ids []string
	for _, a := range got.Agents {
		ids = append(ids, a.GetId())
		if a.GetUpdateStatus() != agentStatus || a.GetType() != "AD" || a.GetVersion() != agentVersion {
			t.Errorf("%s: agent %s updateStatus %q type %q version %q, want %s", what, a.GetId(), a.GetUpdateStatus(),
				a.GetType(), a.GetVersion(), agentStatus)
		}
	}
	if !slices.Equal(ids, agents) {
		t.Errorf("%s: agents %v, want %v", what, ids, agents)
	}
}

func checkSettings(t *testing.T, what string, got *okta.AgentPoolUpdateSetting, f fixture, channel string, continueOnError bool, latest string) {
	t.Helper()
	if got.GetPoolId() != f.poolID || got.GetPoolName() != f.poolName || got.GetAgentType() != "AD" ||
		got.GetReleaseChannel() != channel || got.GetContinueOnError() != continueOnError ||
		got.GetLatestVersion() != latest || got.GetMinimalSupportedVersion() != agentpool.MinimalSupportedVersion("AD") {
		b, _ := json.Marshal(got)
		t.Errorf("%s: settings %s; want channel %s continueOnError %v latestVersion %s", what, b, channel, continueOnError, latest)
	}
}

func checkUpdateFlow(t *testing.T, s *apptest.Server, api okta.AgentPoolsAPI, f fixture) {
	ctx := context.Background()
	a1, a2, a3 := f.agents[0], f.agents[1], f.agents[2]

	settings, resp, err := api.GetAgentPoolsUpdateSettings(ctx, f.poolID).Execute()
	sdkOK(t, "getAgentPoolsUpdateSettings", resp, err, 200)
	checkSettings(t, "default settings", settings, f, "GA", false, latestGA)

	// Without targetVersion a job targets the newest version on the pool's channel.
	sched := okta.AgentPoolUpdate{Name: okta.PtrString("Monthly AD update"), AgentType: okta.PtrString("AD"),
		Enabled: okta.PtrBool(true), Agents: sdkAgents(a1, a2), Schedule: sdkSchedule()}
	job, resp, err := api.CreateAgentPoolsUpdate(ctx, f.poolID).AgentPoolUpdate(sched).Execute()
	sdkOK(t, "createAgentPoolsUpdate (scheduled)", resp, err, 201)
	checkUpdate(t, "created scheduled job", job, "Monthly AD update", "Scheduled", latestGA, true, []string{a1, a2}, "Scheduled")
	if sc := job.GetSchedule(); sc.GetCron() != sched.Schedule.GetCron() || sc.GetTimezone() != "UTC" || sc.GetDuration() != 60 || sc.GetDelay() != 0 {
		got, _ := json.Marshal(sc)
		t.Errorf("schedule = %s, want cron %q in UTC for 60 minutes", got, sched.Schedule.GetCron())
	}
	jobID := job.GetId()

	onDemand := okta.AgentPoolUpdate{Name: okta.PtrString("Hotfix"), AgentType: okta.PtrString("AD"),
		Agents: sdkAgents(a3), TargetVersion: okta.PtrString("3.21.0")}
	hotfix, resp, err := api.CreateAgentPoolsUpdate(ctx, f.poolID).AgentPoolUpdate(onDemand).Execute()
	sdkOK(t, "createAgentPoolsUpdate (on demand)", resp, err, 201)
	checkUpdate(t, "created on-demand job", hotfix, "Hotfix", "InProgress", "3.21.0", false, []string{a3}, "Scheduled")
	hotfixID := hotfix.GetId()

	for _, tc := range []struct {
		scheduled *bool
		want      []string
	}{{nil, []string{jobID, hotfixID}}, {okta.PtrBool(true), []string{jobID}}, {okta.PtrBool(false), []string{hotfixID}}} {
		req := api.ListAgentPoolsUpdates(ctx, f.poolID)
		if tc.scheduled != nil {
			req = req.Scheduled(*tc.scheduled)
		}
		jobs, resp, err := req.Execute()
		sdkOK(t, "listAgentPoolsUpdates", resp, err, 200)
		var ids []string
		for _, j := range jobs {
			ids = append(ids, j.GetId())
		}
		if slices.Sort(ids); !slices.Equal(ids, slices.Sorted(slices.Values(tc.want))) {
			t.Errorf("listAgentPoolsUpdates(scheduled=%v) = %v, want %v", tc.scheduled, ids, tc.want)
		}
	}

	got, resp, err := api.GetAgentPoolsUpdateInstance(ctx, f.poolID, jobID).Execute()
	sdkOK(t, "getAgentPoolsUpdateInstance", resp, err, 200)
	checkUpdate(t, "read scheduled job", got, "Monthly AD update", "Scheduled", latestGA, true, []string{a1, a2}, "Scheduled")

	edit := sched
	edit.Name, edit.Reason, edit.TargetVersion, edit.Agents = okta.PtrString("Monthly AD update v2"), okta.PtrString("CVE fix"),
		okta.PtrString("3.21.0"), sdkAgents(a2, a1)
	job, resp, err = api.UpdateAgentPoolsUpdate(ctx, f.poolID, jobID).AgentPoolUpdate(edit).Execute()
	sdkOK(t, "updateAgentPoolsUpdate", resp, err, 201)
	checkUpdate(t, "updated job", job, "Monthly AD update v2", "Scheduled", "3.21.0", true, []string{a2, a1}, "Scheduled")
	if job.GetReason() != "CVE fix" {
		t.Errorf("reason = %q", job.GetReason())
	}

	change := okta.AgentPoolUpdateSetting{AgentType: okta.PtrString("AD"), ReleaseChannel: okta.PtrString("EA"), ContinueOnError: okta.PtrBool(true)}
	settings, resp, err = api.UpdateAgentPoolsUpdateSettings(ctx, f.poolID).AgentPoolUpdateSetting(change).Execute()
	sdkOK(t, "updateAgentPoolsUpdateSettings", resp, err, 201)
	checkSettings(t, "changed settings", settings, f, "EA", true, latestEA)
	settings, resp, err = api.GetAgentPoolsUpdateSettings(ctx, f.poolID).Execute()
	sdkOK(t, "getAgentPoolsUpdateSettings", resp, err, 200)
	checkSettings(t, "settings read back", settings, f, "EA", true, latestEA)
	onDemand.Name, onDemand.TargetVersion, onDemand.Agents = okta.PtrString("Early adopters"), nil, sdkAgents(a1)
	early, resp, err := api.CreateAgentPoolsUpdate(ctx, f.poolID).AgentPoolUpdate(onDemand).Execute()
	sdkOK(t, "createAgentPoolsUpdate (on demand, EA channel)", resp, err, 201)
	checkUpdate(t, "created on EA", early, "Early adopters", "InProgress", latestEA, false, []string{a1}, "Scheduled")

	steps := []struct {
		action string
		req    interface {
			Execute() (*okta.AgentPoolUpdate, *okta.APIResponse, error)
		}
		status      string
		enabled     bool
		agentStatus string
	}{
		{"deactivate", api.DeactivateAgentPoolsUpdate(ctx, f.poolID, jobID), "Scheduled", false, "Scheduled"},
		{"activate", api.ActivateAgentPoolsUpdate(ctx, f.poolID, jobID), "Scheduled", true, "Scheduled"},
		{"pause", api.PauseAgentPoolsUpdate(ctx, f.poolID, jobID), "Paused", true, "Scheduled"},
		// Outside its windows a resumed scheduled job waits for the next one.
		{"resume", api.ResumeAgentPoolsUpdate(ctx, f.poolID, jobID), "Scheduled", true, "Scheduled"},
		{"stop", api.StopAgentPoolsUpdate(ctx, f.poolID, jobID), "Cancelled", true, "Cancelled"},
	}
	for _, st := range steps {
		job, resp, err := st.req.Execute()
		sdkOK(t, st.action+"AgentPoolsUpdate", resp, err, 201)
		checkUpdate(t, st.action, job, "Monthly AD update v2", st.status, "3.21.0", st.enabled, []string{a2, a1}, st.agentStatus)
	}

	// A cancelled job cannot be retried; a failed one can.
	_, resp, err = api.RetryAgentPoolsUpdate(ctx, f.poolID, jobID).Execute()
	e := sdkErrorBody(t, resp, err, 400, "E0000001")
	if len(e.ErrorCauses) != 1 || !strings.Contains(e.ErrorCauses[0].ErrorSummary, "retry") || !strings.Contains(e.ErrorCauses[0].ErrorSummary, "Cancelled") {
		t.Errorf("retry of a cancelled job: %+v", e)
	}
	setStoredJob(t, s, f.poolID, hotfixID, finish(agentpool.StatusFailed))
	retried, resp, err := api.RetryAgentPoolsUpdate(ctx, f.poolID, hotfixID).Execute()
	sdkOK(t, "retryAgentPoolsUpdate", resp, err, 201)
	checkUpdate(t, "retried", retried, "Hotfix", "InProgress", "3.21.0", false, []string{a3}, "Scheduled")

	resp, err = api.DeleteAgentPoolsUpdate(ctx, f.poolID, jobID).Execute()
	sdkOK(t, "deleteAgentPoolsUpdate", resp, err, 204)
	_, resp, err = api.GetAgentPoolsUpdateInstance(ctx, f.poolID, jobID).Execute()
	e = sdkErrorBody(t, resp, err, 404, "E0000007")
	if want := fmt.Sprintf("Not found: Resource not found: %s (AgentPoolUpdate)", jobID); e.ErrorSummary != want {
		t.Errorf("errorSummary = %q, want %q", e.ErrorSummary, want)
	}
	if _, err := s.App.Store().GetPoolUpdate(ctx, f.poolID, jobID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("stored job after delete: %v, want %v", err, store.ErrNotFound)
	}
}
