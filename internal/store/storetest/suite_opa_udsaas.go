package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func testServiceAccounts(t *testing.T, s store.Store) {
	t1 := t0.Add(time.Hour)
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	p := seedProject(t, s, seedResourceGroup(t, s, "tm1", "r1", "prod"), "p1", "web")

	if got, err := s.GetTeamProject(ctx, "tm1", "p1"); err != nil || got.ResourceGroupID != "r1" {
		t.Fatalf("team project %+v %v", got, err)
	}
	_, err := s.GetTeamProject(ctx, "tm2", "p1")
	wantErr(t, err, store.ErrNotFound)

	app := store.SaaSApp{TeamID: "tm1", ID: "0oaB", Name: "GitHub Prod", Body: []byte(`{"g":1}`), CreatedAt: t0, UpdatedAt: t0}
	must(t, s.PutSaaSApp(ctx, app))
	must(t, s.PutSaaSApp(ctx, store.SaaSApp{TeamID: "tm1", ID: "0oaA", Name: "AWS", Body: []byte(`{}`), CreatedAt: t0, UpdatedAt: t0}))
	app.Name, app.Body, app.CreatedAt, app.UpdatedAt = "GitHub Enterprise", []byte(`{"g":2}`), t1, t1
	must(t, s.PutSaaSApp(ctx, app))
	if got, err := s.GetSaaSApp(ctx, "tm1", "0oaB"); err != nil || got.Name != "GitHub Enterprise" || string(got.Body) != `{"g":2}` ||
		!got.CreatedAt.Equal(t0) || !got.UpdatedAt.Equal(t1) {
		t.Fatalf("app after replace %+v %v", got, err)
	}
	if l, err := s.ListSaaSApps(ctx, "tm1", store.Page{}); err != nil || len(l) != 2 || l[0].ID != "0oaA" {
		t.Fatalf("apps by id %+v %v", l, err)
	}
	if l, err := s.ListSaaSApps(ctx, "tm1", store.Page{Contains: "enterPRISE"}); err != nil || len(l) != 1 || l[0].ID != "0oaB" {
		t.Fatalf("apps containing %+v %v", l, err)
	}

	ud := store.ServiceAccount{ID: "s1", TeamID: "tm1", Kind: store.ServiceAccountUD, ExternalID: "00u1", Name: "Deploy Bot",
		Username: "deploy@example.com", Managed: true, Body: []byte(`{}`), CreatedAt: t0, UpdatedAt: t0}
	must(t, s.PutServiceAccount(ctx, ud))
	saas := store.ServiceAccount{ID: "s2", TeamID: "tm1", Kind: store.ServiceAccountSaaS, AppID: "0oaB", ExternalID: "x1",
		Name: "ci", Username: "ci", Body: []byte(`{}`), CreatedAt: t0, UpdatedAt: t0}
	must(t, s.PutServiceAccount(ctx, saas))
	// The same external id in another app or kind is another account; in the same app it conflicts.
	must(t, s.PutServiceAccount(ctx, store.ServiceAccount{ID: "s3", TeamID: "tm1", Kind: store.ServiceAccountSaaS, AppID: "0oaA",
		ExternalID: "x1", Name: "ci-aws", Body: []byte(`{}`), CreatedAt: t0, UpdatedAt: t0}))
	wantErr(t, s.PutServiceAccount(ctx, store.ServiceAccount{ID: "s4", TeamID: "tm1", Kind: store.ServiceAccountSaaS, AppID: "0oaB",
		ExternalID: "x1", Body: []byte(`{}`)}), store.ErrConflict)
	// An id never moves to another kind or app.
	wantErr(t, s.PutServiceAccount(ctx, store.ServiceAccount{ID: "s1", TeamID: "tm1", Kind: store.ServiceAccountSaaS, AppID: "0oaB",
		ExternalID: "00u9", Body: []byte(`{}`)}), store.ErrNotFound)

	saas.ResourceGroupID, saas.ProjectID, saas.RotationDueAt, saas.Body, saas.UpdatedAt = p.ResourceGroupID, p.ID, t1, []byte(`{"a":1}`), t1
	must(t, s.PutServiceAccount(ctx, saas))
	if got, err := s.GetServiceAccount(ctx, "tm1", "s2"); err != nil || got.ProjectID != "p1" || !got.RotationDueAt.Equal(t1) ||
		string(got.Body) != `{"a":1}` || !got.CreatedAt.Equal(t0) || got.Managed {
		t.Fatalf("assigned account %+v %v", got, err)
	}
	yes, no := true, false
	for _, c := range []struct {
		name string
		f    store.ServiceAccountFilter
		p    store.Page
		want []string
	}{
		{"all", store.ServiceAccountFilter{}, store.Page{}, []string{"s1", "s2", "s3"}},
		{"ud", store.ServiceAccountFilter{Kind: store.ServiceAccountUD}, store.Page{}, []string{"s1"}},
		{"staged", store.ServiceAccountFilter{Staged: true}, store.Page{}, []string{"s1", "s3"}},
		{"assigned", store.ServiceAccountFilter{Assigned: true}, store.Page{}, []string{"s2"}},
		{"project", store.ServiceAccountFilter{ProjectID: "p1", ResourceGroupID: "r1"}, store.Page{}, []string{"s2"}},
		{"apps", store.ServiceAccountFilter{AppIDs: []string{"0oaA", "0oaB"}}, store.Page{}, []string{"s2", "s3"}},
		{"managed", store.ServiceAccountFilter{Managed: &yes}, store.Page{}, []string{"s1"}},
		{"unmanaged", store.ServiceAccountFilter{Managed: &no}, store.Page{}, []string{"s2", "s3"}},
		{"rotation due", store.ServiceAccountFilter{RotationDue: true}, store.Page{}, []string{"s2"}},
		{"external id", store.ServiceAccountFilter{ExternalID: "00u1"}, store.Page{}, []string{"s1"}},
		{"name contains", store.ServiceAccountFilter{NameContains: "BOT"}, store.Page{}, []string{"s1"}},
		{"ids", store.ServiceAccountFilter{}, store.Page{IDs: []string{"s3", "s1"}}, []string{"s1", "s3"}},
		{"no ids", store.ServiceAccountFilter{}, store.Page{IDs: []string{}}, nil},
		{"page", store.ServiceAccountFilter{}, store.Page{After: "s1", Limit: 1}, []string{"s2"}},
		{"descending", store.ServiceAccountFilter{}, store.Page{Descending: true, Limit: 2}, []string{"s3", "s2"}},
	} {
		l, err := s.ListServiceAccounts(ctx, "tm1", c.f, c.p)
		must(t, err)
		var got []string
		for _, a := range l {
			got = append(got, a.ID)
		}
		if len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) || (len(got) > 1 && got[len(got)-1] != c.want[len(c.want)-1]) {
			t.Fatalf("%s: got %v, want %v", c.name, got, c.want)
		}
	}

	// An account of a deleted project is staged again.
	must(t, s.PutServiceAccount(ctx, store.ServiceAccount{ID: "s5", TeamID: "tm1", Kind: store.ServiceAccountUD, ExternalID: "00u5",
		Name: "orphan", ResourceGroupID: "r1", ProjectID: "gone", Body: []byte(`{}`), CreatedAt: t0, UpdatedAt: t0}))
	for f, want := range map[*store.ServiceAccountFilter]bool{{Staged: true}: true, {Assigned: true}: false} {
		l, err := s.ListServiceAccounts(ctx, "tm1", *f, store.Page{IDs: []string{"s5"}})
		if err != nil || (len(l) == 1) != want {
			t.Fatalf("orphan with %+v: %+v %v", *f, l, err)
		}
	}
	must(t, s.DeleteServiceAccount(ctx, "tm1", "s5"))

	t.Run("another team cannot reach them", func(t *testing.T) {
		_, err := s.GetSaaSApp(ctx, "tm2", "0oaB")
		wantErr(t, err, store.ErrNotFound)
		_, err = s.GetServiceAccount(ctx, "tm2", "s1")
		wantErr(t, err, store.ErrNotFound)
		wantErr(t, s.PutServiceAccount(ctx, store.ServiceAccount{ID: "s1", TeamID: "tm2", Kind: store.ServiceAccountUD,
			ExternalID: "00u1", Body: []byte(`{}`)}), store.ErrNotFound)
		wantErr(t, s.DeleteServiceAccount(ctx, "tm2", "s1"), store.ErrNotFound)
		if l, err := s.ListServiceAccounts(ctx, "tm2", store.ServiceAccountFilter{}, store.Page{}); err != nil || len(l) != 0 {
			t.Fatalf("tm2 sees %+v %v", l, err)
		}
		if l, err := s.ListSaaSApps(ctx, "tm2", store.Page{}); err != nil || len(l) != 0 {
			t.Fatalf("tm2 sees %+v %v", l, err)
		}
		// The same app id in another team is that team's own app.
		must(t, s.PutSaaSApp(ctx, store.SaaSApp{TeamID: "tm2", ID: "0oaB", Name: "other", Body: []byte(`{}`), CreatedAt: t0, UpdatedAt: t0}))
		if got, err := s.GetSaaSApp(ctx, "tm1", "0oaB"); err != nil || got.Name != "GitHub Enterprise" {
			t.Fatalf("tm1 app after tm2 put %+v %v", got, err)
		}
	})
	must(t, s.DeleteServiceAccount(ctx, "tm1", "s3"))
	wantErr(t, s.DeleteServiceAccount(ctx, "tm1", "s3"), store.ErrNotFound)
}
