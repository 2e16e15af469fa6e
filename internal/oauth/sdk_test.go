// This test drives the real Okta Go SDK (okta-sdk-golang/v6) against the
// issuer.

package oauth_test

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/okta/okta-sdk-golang/v6/okta"

	"github.com/keyward/keyward/internal/oauth"
)

// sdkServer is a minimal org: the token endpoint wired to an Issuer and a
// protected GET /api/v1/agentPools.
type sdkServer struct {
	*httptest.Server
	iss *oauth.Issuer

	mu        sync.Mutex
	tokenReqs []*http.Request // with PostForm parsed
	apiReqs   []*http.Request
}

func newSDKServer(t *testing.T, clients map[string]oauth.Client) *sdkServer {
	t.Helper()
	signer, err := oauth.NewSigner(keys().server)
	if err != nil {
		t.Fatal(err)
	}
	s := &sdkServer{iss: &oauth.Issuer{Signer: signer, TTL: time.Hour, Replay: oauth.NewMemoryReplay(),
		Lookup: func(_ context.Context, id string) (oauth.Client, error) {
			if c, ok := clients[id]; ok {
				return c, nil
			}
			return oauth.Client{}, oauth.ErrUnknownClient
		}}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+oauth.TokenPath, func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.tokenReqs = append(s.tokenReqs, r)
		s.mu.Unlock()
		resp, err := s.iss.Token(r.Context(), oauth.ParseTokenRequest(r.PostForm))
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		var oe *oauth.Error
		switch {
		case errors.As(err, &oe):
			w.WriteHeader(oe.Status)
			w.Write(oe.Body())
		case err != nil:
			w.WriteHeader(http.StatusInternalServerError)
		default:
			json.NewEncoder(w).Encode(resp)
		}
	})
	mux.HandleFunc("GET /api/v1/agentPools", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.apiReqs = append(s.apiReqs, r)
		s.mu.Unlock()
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		c, err := s.iss.Verify(tok)
		if !ok || err != nil || !c.HasScope("okta.agentPools.read") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`[{"id":"0pr1","name":"pool","type":"AD","operationalStatus":"OPERATIONAL"}]`))
	})
	s.Server = httptest.NewServer(mux)
	s.iss.Issuer = s.URL
	t.Cleanup(s.Close)
	return s
}

// sdkClient configures the SDK for PrivateKey mode. The SDK calls the token
// endpoint at the full org URL but sends API calls to the org URL's host
// name without its port, so every connection is dialled to the test server.
func sdkClient(t *testing.T, s *sdkServer, cid, kid string, key any, scopes ...string) *okta.APIClient {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	addr := s.Listener.Addr().String()
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	setters := []okta.ConfigSetter{
		okta.WithOrgUrl(s.URL),
		okta.WithAuthorizationMode("PrivateKey"),
		okta.WithClientId(cid),
		okta.WithScopes(scopes),
		okta.WithPrivateKey(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))),
		okta.WithHttpClientPtr(hc),
		okta.WithCache(false),
		okta.WithRateLimitMaxRetries(0),
	}
	if kid != "" {
		setters = append(setters, okta.WithPrivateKeyId(kid))
	}
	cfg, err := okta.NewConfiguration(setters...)
	if err != nil {
		t.Fatal(err)
	}
	return okta.NewAPIClient(cfg)
}

func decodeSegment(t *testing.T, seg string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSDKPrivateKeyAuth(t *testing.T) {
	tests := []struct {
		name, cid, kid, alg string
		key                 any
	}{
		{"RSA key with key id", clientID, clientKID, "RS256", keys().client},
		{"RSA key without key id", clientID, "", "RS256", keys().client},
		{"EC key", ecClient, "", "ES256", keys().ec},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t) // for its registered clients
			clients := map[string]oauth.Client{}
			for _, id := range []string{clientID, ecClient} {
				clients[id], _ = f.iss.Lookup(context.Background(), id)
			}
			s := newSDKServer(t, clients)
			c := sdkClient(t, s, tc.cid, tc.kid, tc.key, "okta.agentPools.read", "okta.agentPools.manage")
			for range 2 {
				pools, _, err := c.AgentPoolsAPI.ListAgentPools(context.Background()).Execute()
				if err != nil {
					t.Fatalf("ListAgentPools: %v", err)
				}
				if len(pools) != 1 || pools[0].GetId() != "0pr1" {
					t.Fatalf("pools = %+v", pools)
				}
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if len(s.tokenReqs) != 1 || len(s.apiReqs) != 2 {
				t.Fatalf("%d token calls and %d API calls; want 1 (cached token) and 2", len(s.tokenReqs), len(s.apiReqs))
			}
			r := s.tokenReqs[0]
			if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
				t.Errorf("token call Content-Type = %q", ct)
			}
			if r.Header.Get("Accept") != "application/json" || r.Header.Get("DPoP") != "" {
				t.Errorf("token call headers = %v", r.Header)
			}
			if got := r.PostForm.Get("scope"); got != "okta.agentPools.read okta.agentPools.manage" {
				t.Errorf("scope = %q", got)
			}
			parts := strings.Split(r.PostForm.Get("client_assertion"), ".")
			if len(parts) != 3 {
				t.Fatalf("client_assertion has %d parts", len(parts))
			}
			h, cl := decodeSegment(t, parts[0]), decodeSegment(t, parts[1])
			t.Logf("assertion header %v claims %v", h, cl)
			if h["alg"] != tc.alg || (tc.kid == "") != (h["kid"] == nil) {
				t.Errorf("assertion header = %v", h)
			}
			if cl["iss"] != tc.cid || cl["sub"] != tc.cid || cl["aud"] != s.URL+oauth.TokenPath || cl["jti"] == nil {
				t.Errorf("assertion claims = %v", cl)
			}
			if exp, iat := cl["exp"].(float64), cl["iat"].(float64); exp-iat < 3600 || exp-iat > 3601 {
				t.Errorf("assertion lifetime = %v s", exp-iat)
			}
			api := s.apiReqs[0]
			u, _ := url.Parse(s.URL)
			if api.Host != u.Hostname() || api.Header.Get("DPoP") != "" {
				t.Errorf("API call Host = %q (org URL %s), DPoP = %q", api.Host, s.URL, api.Header.Get("DPoP"))
			}
		})
	}
}

func TestSDKTokenFailure(t *testing.T) {
	f := newFixture(t)
	cl, _ := f.iss.Lookup(context.Background(), clientID)
	s := newSDKServer(t, map[string]oauth.Client{clientID: cl})
	c := sdkClient(t, s, clientID, clientKID, keys().client, "okta.users.manage")
	_, _, err := c.AgentPoolsAPI.ListAgentPools(context.Background()).Execute()
	if err == nil {
		t.Fatal("ListAgentPools succeeded with a scope that is not granted")
	}
	t.Logf("SDK error: %v", err)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tokenReqs) != 1 || len(s.apiReqs) != 0 {
		t.Fatalf("%d token calls, %d API calls", len(s.tokenReqs), len(s.apiReqs))
	}
}
