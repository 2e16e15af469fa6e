package httpapi

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

func TestDomainMetrics(t *testing.T) {
	ok := func(w http.ResponseWriter, r *http.Request) error {
		wire.JSON(w, http.StatusOK, map[string]bool{"ok": true})
		return nil
	}
	f := newFixture(t, fixtureOptions{limit: 1, routes: []wire.Route{
		{Method: "POST", Pattern: "/agent/v1/heartbeat", Name: "heartbeat", Access: wire.Public, Handler: ok},
		{Method: "POST", Pattern: "/oauth2/v1/token", Name: "token", Access: wire.Public, Handler: ok},
	}})
	ctx, now := context.Background(), time.Now()
	org, err := f.store.FirstOrg(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pool := store.Pool{ID: ids.New(ids.Pool), OrgID: org.ID, Name: "corp", Type: "AD", CreatedAt: now}
	if err := f.store.CreatePool(ctx, pool); err != nil {
		t.Fatal(err)
	}
	for _, status := range []string{"Scheduled", "Scheduled", "Success"} {
		if err := f.store.CreatePoolUpdate(ctx, store.PoolUpdate{ID: ids.New(ids.UpdateJob), OrgID: org.ID, PoolID: pool.ID,
			Name: "job", AgentType: "AD", Status: status, TargetVersion: "3.21.0", CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	f.do("GET", "/api/v1/things", "", f.ssws(f.admin)...)
	if w := f.do("GET", "/api/v1/things", "", f.ssws(f.admin)...); w.Code != http.StatusTooManyRequests {
		t.Fatalf("second request over a limit of 1: %d", w.Code)
	}
	for range 2 {
		f.do("POST", "/agent/v1/heartbeat", "")
	}
	f.do("POST", "/oauth2/v1/token", "")

	body := f.do("GET", "/metrics", "").Body.String()
	for series, want := range map[string]float64{
		`keyward_rate_limit_rejections_total{bucket="` + wire.BucketAgentPools + `"}`: 1,
		`keyward_heartbeats_total{kind="agent"}`:                                      2,
		`keyward_tokens_issued_total{kind="okta_access_token"}`:                       1,
		`keyward_agent_pool_update_jobs{status="Scheduled"}`:                          2,
		`keyward_agent_pool_update_jobs{status="Success"}`:                            1,
		`keyward_agent_pool_update_jobs{status="Failed"}`:                             0,
	} {
		if got, ok := sample(body, series); !ok || got != want {
			t.Errorf("%s = %v (found %v), want %v", series, got, ok, want)
		}
	}
}
