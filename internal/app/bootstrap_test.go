package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/ids"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// open starts the app as `keyward serve` would with env and args, returning what it printed.
func open(t *testing.T, env map[string]string, args ...string) (*App, string) {
	t.Helper()
	cfg, err := config.Parse("keyward serve", args, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	a, err := Open(context.Background(), cfg, quiet, &out)
	if err != nil {
		t.Fatal(err)
	}
	return a, out.String()
}

func status(a *App, method, path, body string, header ...string) int {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	a.Handler().ServeHTTP(w, req)
	return w.Code
}

// databaseBytes is everything SQLite wrote for the database in dir.
func databaseBytes(t *testing.T, dir string) []byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "keyward.db*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no database files in %s: %v", dir, err)
	}
	var all []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func TestBootstrapGeneratesCredentialsOnce(t *testing.T) {
	dir := t.TempDir()
	a, out := open(t, nil, "--data-dir", dir)
	token := regexp.MustCompile(`admin API token \(shown once\): (00\S+)`).FindStringSubmatch(out)
	key := regexp.MustCompile(`OPA service user key id: (\S+) secret \(shown once\): (\S+)`).FindStringSubmatch(out)
	if token == nil || key == nil {
		t.Fatalf("credentials not printed:\n%s", out)
	}
	if got := status(a, "GET", "/api/v1/agentPools", "", "Authorization", "SSWS "+token[1]); got != 200 {
		t.Errorf("printed token: %d", got)
	}
	if got := status(a, "POST", "/v1/teams/keyward/service_token", `{"key_id":"`+key[1]+`","key_secret":"`+key[2]+`"}`); got != 200 {
		t.Errorf("printed OPA key: %d", got)
	}
	a.Close()

	a, out = open(t, nil, "--data-dir", dir)
	if out != "" {
		t.Errorf("second start printed:\n%s", out)
	}
	if got := status(a, "GET", "/api/v1/agentPools", "", "Authorization", "SSWS "+token[1]); got != 200 {
		t.Errorf("token after restart: %d", got)
	}
	a.Close()

	db := databaseBytes(t, dir)
	for _, secret := range []string{token[1], key[2]} {
		if bytes.Contains(db, []byte(secret)) {
			t.Errorf("the database holds the clear secret %q", secret)
		}
		if !bytes.Contains(db, []byte(ids.Hash(secret))) {
			t.Errorf("the database does not hold the hash of %q", secret)
		}
	}
}

func TestBootstrapFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	const token, keyID, keySecret = "00from-the-environment-0123-abcdefghijklmnopq", "key-from-env", "secret-from-env-0123-abcdefghijklmnopqrstuvw"
	env := map[string]string{"KEYWARD_ADMIN_TOKEN": token, "KEYWARD_OPA_KEY_ID": keyID, "KEYWARD_OPA_KEY_SECRET": keySecret,
		"KEYWARD_DATA_DIR": dir, "KEYWARD_OPA_TEAM": "acme"}
	a, out := open(t, env)
	if strings.Contains(out, token) || strings.Contains(out, keySecret) || strings.Contains(out, "shown once") {
		t.Errorf("configured credentials were printed:\n%s", out)
	}
	if !strings.Contains(out, `OPA team "acme"`) {
		t.Errorf("first start not reported:\n%s", out)
	}
	if got := status(a, "POST", "/keyward/v1/agentPools", `{"name":"corp","type":"AD"}`,
		"Authorization", "SSWS "+token, "Content-Type", "application/json"); got != http.StatusCreated {
		t.Errorf("configured admin token: %d", got)
	}
	if got := status(a, "POST", "/v1/teams/acme/service_token", `{"key_id":"`+keyID+`","key_secret":"`+keySecret+`"}`); got != 200 {
		t.Errorf("configured OPA key: %d", got)
	}
	a.Close()

	// The credentials are created on the first start only: a new value later changes nothing.
	env["KEYWARD_ADMIN_TOKEN"] = "00another-token-0123456789-abcdefghijklmnopqrs"
	a, _ = open(t, env)
	defer a.Close()
	if got := status(a, "GET", "/api/v1/agentPools", "", "Authorization", "SSWS "+env["KEYWARD_ADMIN_TOKEN"]); got != 401 {
		t.Errorf("token set after the first start: %d, want 401", got)
	}
	if got := status(a, "GET", "/api/v1/agentPools", "", "Authorization", "SSWS "+token); got != 200 {
		t.Errorf("original token: %d", got)
	}
	db := databaseBytes(t, dir)
	if bytes.Contains(db, []byte(token)) || bytes.Contains(db, []byte(keySecret)) {
		t.Error("the database holds a clear secret")
	}
	if !bytes.Contains(db, []byte(ids.Hash(token))) || !bytes.Contains(db, []byte(ids.Hash(keySecret))) {
		t.Error("the database does not hold the secrets' hashes")
	}
}
