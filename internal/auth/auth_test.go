package auth

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/sqlite"
)

// access accepts the tokens it maps to a client id, each with the read scope.
type access map[string]string

func (a access) VerifyAccess(token string) (string, []string, error) {
	if id, ok := a[token]; ok {
		return id, []string{ScopeRead}, nil
	}
	return "", nil, errors.New("signature invalid")
}

type world struct {
	svc                    *Service
	store                  store.Store
	org, admin, user       string
	adminID, client        string
	agentCred, regToken    string
	agentID, poolID, regID string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Now()
	w := &world{store: s, org: ids.New(ids.Org), client: ids.New(ids.ServiceApp), poolID: ids.New(ids.Pool),
		agentID: ids.New(ids.Agent), regID: ids.New(ids.RegToken), agentCred: ids.Secret(), regToken: ids.Secret()}
	w.svc = &Service{Store: s, Access: access{"good": w.client, "orphan": "0oa-deleted-app"}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.CreateOrg(ctx, store.Org{ID: w.org, Name: "o", CreatedAt: now}))
	tok, admin, err := w.svc.CreateAPIToken(ctx, w.org, "admin", true, now)
	must(err)
	w.admin, w.adminID = admin, tok.ID
	_, w.user, err = w.svc.CreateAPIToken(ctx, w.org, "user", false, now)
	must(err)
	must(s.CreateServiceApp(ctx, store.ServiceApp{ClientID: w.client, OrgID: w.org, Name: "app", Scopes: []string{ScopeRead},
		JWKS: []byte(`{"keys":[]}`), CreatedAt: now}))
	must(s.CreatePool(ctx, store.Pool{ID: w.poolID, OrgID: w.org, Name: "corp", Type: "AD", CreatedAt: now}))
	must(s.CreateAgent(ctx, store.Agent{ID: w.agentID, OrgID: w.org, PoolID: w.poolID, Name: "a1", Type: "AD",
		Version: "1.0.0", CredentialHash: ids.Hash(w.agentCred), CreatedAt: now}))
	must(s.CreateRegistrationToken(ctx, store.RegistrationToken{ID: w.regID, OrgID: w.org, PoolID: w.poolID,
		Hash: ids.Hash(w.regToken), CreatedAt: now}))
	return w
}

func TestOkta(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		header string
		want   *Principal // nil: ErrInvalid
	}{
		{"", nil},
		{"SSWS", nil},
		{"SSWS ", nil},
		{"SSWS    ", nil},
		{"SSWS 00not-a-token", nil},
		{"SSWS " + w.admin + "x", nil},
		{"Basic " + w.admin, nil},
		{w.admin, nil},
		{"Bearer", nil},
		{"Bearer forged", nil},
		{"Bearer orphan", nil}, // a valid token of an app removed since
		{"SSWS " + w.admin, &Principal{Kind: KindToken, OrgID: w.org, Actor: w.adminID, Admin: true}},
		{"  ssws   " + w.admin + "  ", &Principal{Kind: KindToken, OrgID: w.org, Actor: w.adminID, Admin: true}},
		{"SSWS " + w.user, &Principal{Kind: KindToken, OrgID: w.org}},
		// Okta's Python SDK sends no space after SSWS; Okta accepts it.
		{"SSWS" + w.admin, &Principal{Kind: KindToken, OrgID: w.org, Actor: w.adminID, Admin: true}},
		{"ssws" + w.user, &Principal{Kind: KindToken, OrgID: w.org}},
		{"SSWSx" + w.admin, nil},
		{"Bearergood", nil},
		{"Bearer good", &Principal{Kind: KindOAuth, OrgID: w.org, Actor: w.client, Scopes: []string{ScopeRead}}},
		{"bearer good", &Principal{Kind: KindOAuth, OrgID: w.org, Actor: w.client, Scopes: []string{ScopeRead}}},
	}
	for _, c := range cases {
		p, err := w.svc.Okta(context.Background(), c.header)
		if c.want == nil {
			if !errors.Is(err, ErrInvalid) || p != nil {
				t.Errorf("%q: %+v, %v; want ErrInvalid", c.header, p, err)
			}
			continue
		}
		if err != nil || p.Kind != c.want.Kind || p.OrgID != c.want.OrgID || p.Admin != c.want.Admin ||
			(c.want.Actor != "" && p.Actor != c.want.Actor) || fmt.Sprint(p.Scopes) != fmt.Sprint(c.want.Scopes) {
			t.Errorf("%q: %+v, %v; want %+v", c.header, p, err, c.want)
		}
	}
}

func TestBearerWithoutVerifier(t *testing.T) {
	w := newWorld(t)
	w.svc.Access = nil
	if _, err := w.svc.Okta(context.Background(), "Bearer good"); !errors.Is(err, ErrInvalid) {
		t.Errorf("%v, want ErrInvalid", err)
	}
}

func TestAgentAndRegistration(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p, err := w.svc.Agent(ctx, "Bearer "+w.agentCred)
	if err != nil || p.Kind != KindAgent || p.Agent != w.agentID || p.Pool != w.poolID || p.OrgID != w.org {
		t.Errorf("agent: %+v, %v", p, err)
	}
	p, err = w.svc.Registration(ctx, "Bearer "+w.regToken)
	if err != nil || p.Kind != KindRegistration || p.Pool != w.poolID || p.Actor != w.regID {
		t.Errorf("registration: %+v, %v", p, err)
	}
	for _, h := range []string{"", "Bearer", "Bearer  ", "SSWS " + w.agentCred, "Bearer " + w.regToken, w.agentCred} {
		if _, err := w.svc.Agent(ctx, h); !errors.Is(err, ErrInvalid) {
			t.Errorf("agent %q: %v, want ErrInvalid", h, err)
		}
	}
	for _, h := range []string{"", "Bearer " + w.agentCred, "SSWS " + w.regToken} {
		if _, err := w.svc.Registration(ctx, h); !errors.Is(err, ErrInvalid) {
			t.Errorf("registration %q: %v, want ErrInvalid", h, err)
		}
	}
}

func TestStoreFailureIsNotAnInvalidCredential(t *testing.T) {
	w := newWorld(t)
	w.store.Close()
	for name, call := range map[string]func() error{
		"okta":         func() error { _, err := w.svc.Okta(context.Background(), "SSWS "+w.admin); return err },
		"agent":        func() error { _, err := w.svc.Agent(context.Background(), "Bearer "+w.agentCred); return err },
		"registration": func() error { _, err := w.svc.Registration(context.Background(), "Bearer "+w.regToken); return err },
	} {
		if err := call(); err == nil || errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want a server error distinct from ErrInvalid", name, err)
		}
	}
}

func TestAllows(t *testing.T) {
	cases := []struct {
		p           Principal
		read, write bool
	}{
		{Principal{Kind: KindToken}, true, true},
		{Principal{Kind: KindOAuth, Scopes: []string{ScopeRead}}, true, false},
		{Principal{Kind: KindOAuth, Scopes: []string{ScopeManage}}, true, true},
		{Principal{Kind: KindOAuth, Scopes: []string{"okta.users.read"}}, false, false},
		{Principal{Kind: KindOAuth}, false, false},
		{Principal{Kind: KindAgent}, false, false},
		{Principal{Kind: KindRegistration}, false, false},
	}
	for _, c := range cases {
		if c.p.Allows(ScopeRead) != c.read || c.p.Allows(ScopeManage) != c.write {
			t.Errorf("%+v: read %v manage %v, want %v %v", c.p, c.p.Allows(ScopeRead), c.p.Allows(ScopeManage), c.read, c.write)
		}
	}
}
