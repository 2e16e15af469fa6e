package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeOPA serves a team's service_token, a paged project list, and records
// what it was sent.
type fakeOPA struct {
	*httptest.Server
	mu        sync.Mutex
	minted    int
	valid     map[string]bool
	ttl       time.Duration
	teamName  string
	projects  int
	bodies    []string
	auths     []string
	refuseAll bool // answer 401 to every bearer
}

func newFakeOPA(t *testing.T) *fakeOPA {
	f := &fakeOPA{valid: map[string]bool{}, ttl: time.Hour, teamName: "acme", projects: 5}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/teams/acme/service_token", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			KeyID     string `json:"key_id"`
			KeySecret string `json:"key_secret"`
		}
		json.NewDecoder(r.Body).Decode(&in)
		if in.KeyID != "kid" || in.KeySecret != "ksecret" {
			opaErr(w, 401, "authorization_error", "Authentication failed")
			return
		}
		f.mu.Lock()
		f.minted++
		tok := fmt.Sprintf("tok%d", f.minted)
		f.valid[tok] = true
		f.mu.Unlock()
		writeJSON(w, 200, map[string]any{"bearer_token": tok, "expires_at": time.Now().Add(f.ttl).UTC().Format(time.RFC3339), "team_name": f.teamName})
	})
	authed := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			auth := r.Header.Get("Authorization")
			f.mu.Lock()
			f.auths = append(f.auths, auth)
			f.bodies = append(f.bodies, string(body))
			ok := f.valid[strings.TrimPrefix(auth, "Bearer ")] && !f.refuseAll
			f.mu.Unlock()
			if !ok {
				opaErr(w, 401, "authorization_error", "Missing capability: role")
				return
			}
			h(w, r)
		}
	}
	mux.HandleFunc("GET /v1/teams/acme/resource_groups/{rg}/projects", authed(func(w http.ResponseWriter, r *http.Request) {
		// Offsets are the index of the first item; count defaults to 2.
		count, _ := strconv.Atoi(r.URL.Query().Get("count"))
		if count == 0 {
			count = 2
		}
		from, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		var page []Project
		for i := from; i < from+count && i < f.projects; i++ {
			page = append(page, Project{ID: fmt.Sprintf("p%d", i), Name: fmt.Sprintf("proj-%d", i)})
		}
		base := f.URL + r.URL.Path + "?count=" + strconv.Itoa(count) + "&offset="
		var links []string
		if from+count < f.projects {
			links = append(links, "<"+base+strconv.Itoa(from+count)+`>; rel="next"`)
		}
		if from > 0 {
			links = append(links, "<"+base+strconv.Itoa(max(0, from-count))+`>; rel="prev"`)
		}
		if len(links) > 0 {
			w.Header().Set("Link", strings.Join(links, ", "))
		}
		writeJSON(w, 200, map[string]any{"list": page})
	}))
	mux.HandleFunc("PUT /v1/teams/acme/resource_groups/{rg}/projects/{id}", authed(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(204)
	}))
	mux.HandleFunc("GET /v1/teams/acme/resource_groups/{rg}", authed(func(w http.ResponseWriter, r *http.Request) {
		opaErr(w, 404, "not_found", "Not Found")
	}))
	mux.HandleFunc("GET /v1/teams/acme/current_user", authed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, CurrentUser{ID: "u1", Name: "svc", TeamName: "acme"})
	}))
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func opaErr(w http.ResponseWriter, status int, typ, msg string) {
	writeJSON(w, status, map[string]any{"code": status, "message": msg, "type": typ})
}

func (f *fakeOPA) stats() (minted int, auths []string, bodies []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.minted, append([]string(nil), f.auths...), append([]string(nil), f.bodies...)
}

func TestOPATokenIsCachedAndRefreshed(t *testing.T) {
	f := newFakeOPA(t)
	ctx := context.Background()
	o := NewOPA(f.URL, "acme", "kid", "ksecret")
	for i := 0; i < 3; i++ {
		if _, err := o.CurrentUser(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if minted, auths, _ := f.stats(); minted != 1 || auths[2] != "Bearer tok1" {
		t.Fatalf("minted %d tokens for three calls; auths %v", minted, auths)
	}
	// Close to its expiry the token is replaced before use.
	o.now = func() time.Time { return time.Now().Add(f.ttl - 10*time.Second) }
	if _, err := o.CurrentUser(ctx); err != nil {
		t.Fatal(err)
	}
	if minted, auths, _ := f.stats(); minted != 2 || auths[len(auths)-1] != "Bearer tok2" {
		t.Fatalf("near expiry: minted %d, auths %v", minted, auths)
	}
	// A 401 (the server forgot the token) mints a new one and retries once.
	o.now = time.Now
	f.mu.Lock()
	delete(f.valid, "tok2")
	f.mu.Unlock()
	if _, err := o.CurrentUser(ctx); err != nil {
		t.Fatal(err)
	}
	if minted, auths, _ := f.stats(); minted != 3 || auths[len(auths)-1] != "Bearer tok3" {
		t.Fatalf("after a 401: minted %d, auths %v", minted, auths)
	}
	// A server refusing every token is answered with its 401, after one retry only.
	f.mu.Lock()
	f.refuseAll = true
	f.mu.Unlock()
	_, err := o.CurrentUser(ctx)
	if StatusCode(err) != 401 || ErrorCode(err) != "authorization_error" || !strings.Contains(err.Error(), "Missing capability") {
		t.Fatalf("err = %v", err)
	}
	if minted, _, _ := f.stats(); minted != 4 {
		t.Fatalf("minted %d tokens, want 4", minted)
	}
}

func TestOPABadKeyAndWrongTeam(t *testing.T) {
	f := newFakeOPA(t)
	ctx := context.Background()
	_, err := NewOPA(f.URL, "acme", "kid", "wrong").CurrentUser(ctx)
	if StatusCode(err) != 401 || !strings.Contains(err.Error(), "service token for team acme") {
		t.Fatalf("bad secret: %v", err)
	}
	f.teamName = "ACME" // team names compare without case
	if _, err := NewOPA(f.URL, "acme", "kid", "ksecret").CurrentUser(ctx); err != nil {
		t.Fatal(err)
	}
	f.teamName = "other"
	if _, err := NewOPA(f.URL, "acme", "kid", "ksecret").CurrentUser(ctx); err == nil || !strings.Contains(err.Error(), `"other"`) {
		t.Fatalf("token of another team: %v", err)
	}
}

func TestOPAFixedTokenIsNotRefreshed(t *testing.T) {
	f := newFakeOPA(t)
	o := NewOPAWithToken(f.URL, "acme", "user-token")
	_, err := o.CurrentUser(context.Background())
	if StatusCode(err) != 401 {
		t.Fatalf("err = %v", err)
	}
	if minted, auths, _ := f.stats(); minted != 0 || len(auths) != 1 || auths[0] != "Bearer user-token" {
		t.Fatalf("minted %d, auths %v", minted, auths)
	}
}

func TestOPAListsFollowNextAndPagesGoBack(t *testing.T) {
	f := newFakeOPA(t)
	ctx := context.Background()
	o := NewOPA(f.URL, "acme", "kid", "ksecret")
	all, err := o.ListProjects(ctx, "rg1", ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range all {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "proj-0,proj-1,proj-2,proj-3,proj-4" {
		t.Fatalf("listed %v", names)
	}
	var page []Project
	links, err := o.Page(ctx, "resource_groups/rg1/projects?count=2&offset=2", &page)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].ID != "p2" || !strings.HasSuffix(links.Next, "offset=4") || !strings.HasSuffix(links.Prev, "offset=0") {
		t.Fatalf("page %+v links %+v", page, links)
	}
	links, err = o.Page(ctx, links.Next, &page)
	if err != nil || len(page) != 1 || links.Next != "" || links.Prev == "" {
		t.Fatalf("last page %+v %+v %v", page, links, err)
	}
	all, err = o.ListProjects(ctx, "rg1", ListOptions{Count: 10, Contains: "proj"})
	if err != nil || len(all) != 5 {
		t.Fatalf("one page of 10: %d, %v", len(all), err)
	}
}

func TestOPAUpdateSendsOnlyChangedFields(t *testing.T) {
	f := newFakeOPA(t)
	ctx := context.Background()
	o := NewOPA(f.URL, "acme", "kid", "ksecret")
	err := o.UpdateProject(ctx, "rg1", "p1", ProjectInput{GatewaySelector: Ptr("REGION=EU"), RequirePreauthForCreds: Ptr(false), SharedAdminUserName: Ptr("")})
	if err != nil {
		t.Fatal(err)
	}
	_, _, bodies := f.stats()
	var sent map[string]any
	if err := json.Unmarshal([]byte(bodies[len(bodies)-1]), &sent); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"gateway_selector": "REGION=EU", "require_preauth_for_creds": false, "shared_admin_user_name": ""}
	if fmt.Sprint(sent) != fmt.Sprint(want) {
		t.Fatalf("sent %v, want %v", sent, want)
	}
	_, err = o.GetResourceGroup(ctx, "nope")
	if StatusCode(err) != 404 || ErrorCode(err) != "not_found" {
		t.Fatalf("err = %v", err)
	}
}
