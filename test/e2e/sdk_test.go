package e2e

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/okta/okta-sdk-golang/v6/okta"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/auth"
)

// newSDK configures Okta's Go SDK for the keyward server s: the org URL, an HTTP client whose
// transport dials keyward's address (the SDK drops the port of the org URL) and checks every
// response against the spec, no response cache (it would answer reads from before a write), and a
// request timeout. authn chooses the authorization mode.
func newSDK(t testing.TB, s *apptest.Server, authn ...okta.ConfigSetter) *okta.APIClient {
	t.Helper()
	hc := &http.Client{Timeout: 30 * time.Second, Transport: apptest.Validating(t, apptest.DialTransport(s.Addr))}
	setters := append([]okta.ConfigSetter{
		ignoreOktaConfig,
		okta.WithOrgUrl(s.URL),
		okta.WithHttpClientPtr(hc),
		okta.WithCache(false),
		okta.WithRequestTimeout(30),
	}, authn...)
	cfg, err := okta.NewConfiguration(setters...)
	if err != nil {
		t.Fatalf("okta.NewConfiguration: %v", err)
	}
	return okta.NewAPIClient(cfg)
}

// ignoreOktaConfig drops what NewConfiguration read from ~/.okta/okta.yaml and OKTA_* variables,
// so that a developer's own Okta settings cannot leak into the tests.
func ignoreOktaConfig(c *okta.Configuration) {
	c.Okta = okta.Configuration{}.Okta
	c.Debug, c.UserAgentExtra = false, ""
}

// sswsAuth is the SDK's API-token mode.
func sswsAuth(token string) []okta.ConfigSetter {
	return []okta.ConfigSetter{okta.WithAuthorizationMode("SSWS"), okta.WithToken(token)}
}

const clientKeyID = "e2e-key-1"

// clientKey is the service apps' RSA key; generating one takes a while, so the tests share it.
var clientKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// privateKeyAuth creates a service app granted scopes, whose public key is clientKey's, and
// returns the SDK's PrivateKey mode for it, requesting the same scopes.
func privateKeyAuth(t testing.TB, s *apptest.Server, scopes ...string) []okta.ConfigSetter {
	t.Helper()
	key, err := clientKey()
	if err != nil {
		t.Fatal(err)
	}
	jwk, err := jose.JSONWebKey{Key: &key.PublicKey, KeyID: clientKeyID, Algorithm: "RS256", Use: "sig"}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	app, err := s.Client.CreateServiceApp(context.Background(), client.ServiceAppRequest{
		Name: "e2e", Scopes: scopes, JWKS: client.JWKS{Keys: []json.RawMessage{jwk}}})
	if err != nil {
		t.Fatalf("create service app: %v", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return []okta.ConfigSetter{
		okta.WithAuthorizationMode("PrivateKey"),
		okta.WithClientId(app.ClientID),
		okta.WithScopes(scopes),
		okta.WithPrivateKey(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))),
		okta.WithPrivateKeyId(clientKeyID),
	}
}

// authModes are the ways an SDK user authenticates, each with full agent-pool rights.
var authModes = []struct {
	name  string
	authn func(t testing.TB, s *apptest.Server) []okta.ConfigSetter
}{
	{"SSWS", func(testing.TB, *apptest.Server) []okta.ConfigSetter { return sswsAuth(apptest.AdminToken) }},
	{"PrivateKey", func(t testing.TB, s *apptest.Server) []okta.ConfigSetter {
		return privateKeyAuth(t, s, auth.ScopeRead, auth.ScopeManage)
	}},
}

// oktaError is Okta's error body.
type oktaError struct {
	ErrorCode    string `json:"errorCode"`
	ErrorSummary string `json:"errorSummary"`
	ErrorCauses  []struct {
		ErrorSummary string `json:"errorSummary"`
	} `json:"errorCauses"`
}

// sdkFailure checks that an SDK call failed with status and returns the response body.
func sdkFailure(t testing.TB, resp *okta.APIResponse, err error, status int) []byte {
	t.Helper()
	var apiErr *okta.GenericOpenAPIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v (%T), want an API error with status %d", err, err, status)
	}
	if resp == nil || resp.StatusCode != status {
		t.Fatalf("err = %v, want status %d", err, status)
	}
	return apiErr.Body()
}

// sdkErrorBody checks that an SDK call failed with status and Okta's errorCode code.
func sdkErrorBody(t testing.TB, resp *okta.APIResponse, err error, status int, code string) oktaError {
	t.Helper()
	var e oktaError
	body := sdkFailure(t, resp, err, status)
	if jerr := json.Unmarshal(body, &e); jerr != nil || e.ErrorCode != code {
		t.Fatalf("status %d body %s, want errorCode %s", status, body, code)
	}
	return e
}

// sdkOK fails the test unless an SDK call succeeded with status.
func sdkOK(t testing.TB, what string, resp *okta.APIResponse, err error, status int) {
	t.Helper()
	if err != nil {
		var apiErr *okta.GenericOpenAPIError
		if errors.As(err, &apiErr) {
			t.Fatalf("%s: %v: %s", what, err, apiErr.Body())
		}
		t.Fatalf("%s: %v", what, err)
	}
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d", what, resp.StatusCode, status)
	}
}
