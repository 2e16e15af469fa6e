//go:build unix

package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/okta/okta-sdk-golang/v6/okta"
)

const tlsTestToken = "00tls-test-admin-token-0123456789-abcdefghijklm"

// TestServeTLSWithExportedCA runs `keyward serve --tls`, exports the CA with `keyward ca`, and
// checks that Okta's Go SDK works over HTTPS when it trusts that CA and fails when it does not;
// then `keyward admin-token` adds a token to the same data directory offline.
func TestServeTLSWithExportedCA(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string {
		return map[string]string{"KEYWARD_ADMIN_TOKEN": tlsTestToken, "KEYWARD_DATA_DIR": dir}[k]
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() { code <- run(ctx, []string{"serve", "--tls", "--addr", addr}, env, &stdout, &stderr) }()
	defer func() {
		cancel()
		if c := <-code; c != 0 {
			t.Errorf("serve exit code %d; stderr:\n%s", c, stderr.String())
		}
	}()

	var caPEM bytes.Buffer
	if c := run(ctx, []string{"ca"}, env, &caPEM, &stderr); c != 0 || !strings.HasPrefix(caPEM.String(), "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("keyward ca: exit %d, output %q", c, caPEM.String())
	}
	if fi, err := os.Stat(filepath.Join(dir, "keyward-ca.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("CA key file: %v %v, want mode 0600", fi, err)
	}
	trusted := x509.NewCertPool()
	if !trusted.AppendCertsFromPEM(caPEM.Bytes()) {
		t.Fatal("the exported CA does not parse")
	}
	waitServing(t, &stderr)

	_, port, _ := net.SplitHostPort(addr)
	for _, host := range []string{"localhost", "127.0.0.1"} {
		pools, _, err := tlsSDK(t, "https://"+host+":"+port, addr, trusted).AgentPoolsAPI.ListAgentPools(ctx).Execute()
		if err != nil {
			t.Errorf("SDK over TLS to %s trusting the exported CA: %v", host, err)
		} else if pools == nil {
			t.Errorf("SDK over TLS to %s: no pool list", host)
		}
	}
	_, _, err := tlsSDK(t, "https://localhost:"+port, addr, x509.NewCertPool()).AgentPoolsAPI.ListAgentPools(ctx).Execute()
	if err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") { // the SDK flattens the error
		t.Errorf("SDK over TLS without the CA: %v, want an unknown-authority error", err)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + addr + "/healthz")
	if err == nil {
		if resp.StatusCode < 400 {
			t.Errorf("plain HTTP to the TLS port answered %d", resp.StatusCode)
		}
		resp.Body.Close()
	}

	var out bytes.Buffer
	if c := run(ctx, []string{"admin-token"}, env, &out, &stderr); c != 0 ||
		!regexp.MustCompile(`^keyward: new admin API token \(shown once\): 00\S{40,}\n$`).MatchString(out.String()) {
		t.Errorf("keyward admin-token: exit %d, output %q, stderr %s", c, out.String(), stderr.String())
	}
}

// tlsSDK is the Okta Go SDK for orgURL, dialling addr (the SDK drops the URL's port) and trusting roots.
func tlsSDK(t *testing.T, orgURL, addr string, roots *x509.CertPool) *okta.APIClient {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: roots}
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	cfg, err := okta.NewConfiguration(
		func(c *okta.Configuration) { c.Okta = okta.Configuration{}.Okta }, // ignore ~/.okta and OKTA_*
		okta.WithOrgUrl(orgURL), okta.WithAuthorizationMode("SSWS"), okta.WithToken(tlsTestToken), okta.WithCache(false), okta.WithRequestTimeout(30),
		okta.WithHttpClientPtr(&http.Client{Transport: tr, Timeout: 30 * time.Second}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return okta.NewAPIClient(cfg)
}

// waitServing waits for the serving log line, failing only when nothing comes for a long while.
func waitServing(t *testing.T, stderr *lockedBuffer) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(stderr.String(), "keyward serving") {
		if time.Now().After(deadline) {
			t.Fatalf("not serving; stderr:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
