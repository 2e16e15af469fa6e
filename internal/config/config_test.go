package config

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want []string // one substring per reported error, all reported at once
	}{
		{name: "defaults"},
		{name: "good everything", args: []string{"--addr", ":9090", "--log-level", "debug", "--log-format", "json",
			"--opa-key-id", "k", "--opa-key-secret", strongSecret1, "--admin-token", strongSecret2},
			env: map[string]string{"KEYWARD_TOKEN_TTL": "2h", "KEYWARD_RATE_LIMIT": "10", "KEYWARD_VIRTUAL_CLOCK": "true"}},
		{name: "addr without port", args: []string{"--addr", "localhost"}, want: []string{"addr:"}},
		{name: "addr with a port out of range", env: map[string]string{"KEYWARD_ADDR": "127.0.0.1:99999"}, want: []string{"addr:"}},
		{name: "addr with a bad port", args: []string{"--addr", "127.0.0.1:eighty"}, want: []string{"addr:"}},
		{name: "empty addr", args: []string{"--addr", ""}, want: []string{"addr:"}},
		{name: "bad log level", args: []string{"--log-level", "loud"}, want: []string{`log-level: "loud"`}},
		{name: "bad log format", env: map[string]string{"KEYWARD_LOG_FORMAT": "xml"}, want: []string{"log-format"}},
		{name: "bad duration env var", env: map[string]string{"KEYWARD_TOKEN_TTL": "soon"}, want: []string{`KEYWARD_TOKEN_TTL: "soon"`}},
		{name: "bad int env var", env: map[string]string{"KEYWARD_RATE_LIMIT": "lots"}, want: []string{"KEYWARD_RATE_LIMIT"}},
		{name: "bad size env var", env: map[string]string{"KEYWARD_MAX_BODY_BYTES": "1MB"}, want: []string{"KEYWARD_MAX_BODY_BYTES"}},
		{name: "bad bool env var", env: map[string]string{"KEYWARD_VIRTUAL_CLOCK": "maybe"}, want: []string{"KEYWARD_VIRTUAL_CLOCK"}},
		{name: "OPA key id without secret", env: map[string]string{"KEYWARD_OPA_KEY_ID": "k"}, want: []string{"opa-key-id and opa-key-secret"}},
		{name: "OPA key secret without id", args: []string{"--opa-key-secret", "s"}, want: []string{"opa-key-id and opa-key-secret"}},
		{name: "short admin token", env: map[string]string{"KEYWARD_ADMIN_TOKEN": "short"}, want: []string{"admin-token"}},
		{name: "rate limit zero", args: []string{"--rate-limit", "0"}, want: []string{"rate-limit"}},
		{name: "no database connections", args: []string{"--db-max-conns", "0"}, want: []string{"db-max-conns"}},
		{name: "bad pool size env var", env: map[string]string{"KEYWARD_DB_MAX_CONNS": "many"}, want: []string{"KEYWARD_DB_MAX_CONNS"}},
		{name: "tiny body limit", args: []string{"--max-body-bytes", "10"}, want: []string{"max-body-bytes"}},
		{name: "negative duration", args: []string{"--tick-interval", "-1s"}, want: []string{"tick-interval: must be positive"}},
		{name: "inactive before disrupted", args: []string{"--inactive-after", "1m"}, want: []string{"inactive-after: must be longer"}},
		{name: "unknown database", args: []string{"--database-url", "mysql://db"}, want: []string{"database-url"}},
		{name: "sqlite without a path", args: []string{"--database-url", "sqlite:"}, want: []string{"database-url"}},
		{name: "empty OPA team", args: []string{"--opa-team", ""}, want: []string{"opa-team"}},
		{name: "everything at once",
			args: []string{"--addr", "nowhere", "--log-level", "loud", "--rate-limit", "0"},
			env:  map[string]string{"KEYWARD_SHUTDOWN_TIMEOUT": "later", "KEYWARD_OPA_KEY_SECRET": "s", "KEYWARD_DATABASE_URL": "mysql://x"},
			want: []string{"KEYWARD_SHUTDOWN_TIMEOUT", "addr:", "log-level", "rate-limit", "opa-key-id and opa-key-secret", "database-url"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("keyward serve", c.args, envOf(c.env), io.Discard)
			if len(c.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(c.want) {
				t.Errorf("%d errors, want %d:\n%v", len(lines), len(c.want), err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// Secrets as strong as generated ones (32 random bytes, base64).
const (
	strongSecret1 = "q3Vf0Zt8yJ2nWc7LkP4xRb9aHs6Ed1Gu5MoTi3NvXwY"
	strongSecret2 = "00Hj7Kp2Lm9Nq4Rs6Tv8Wx1Yz3Ab5Cd0Ef2Gh4Ij6Kl8M"
)

func TestParseRejectsBadFlagsAndArguments(t *testing.T) {
	for _, args := range [][]string{{"--tick-interval", "soon"}, {"--no-such-flag"}, {"extra"}} {
		if _, err := Parse("keyward serve", args, envOf(nil), io.Discard); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

func TestEnvAndFlagPrecedence(t *testing.T) {
	env := envOf(map[string]string{"KEYWARD_ADDR": "127.0.0.1:1111", "KEYWARD_LOG_LEVEL": "warn",
		"KEYWARD_TICK_INTERVAL": "3s", "KEYWARD_RATE_LIMIT": "7", "KEYWARD_MAX_BODY_BYTES": "4096", "KEYWARD_VIRTUAL_CLOCK": "1",
		"KEYWARD_DB_MAX_CONNS": "4"})
	c, err := Parse("keyward serve", []string{"--addr", "127.0.0.1:2222", "--tick-interval", "5s"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Addr, want.LogLevel, want.TickInterval, want.RateLimit, want.MaxBodyBytes, want.VirtualClock =
		"127.0.0.1:2222", "warn", 5*time.Second, 7, 4096, true
	want.DBMaxConns = 4
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

func TestDatabase(t *testing.T) {
	cases := []struct {
		url, driver, dsn string
		bad              bool
	}{
		{url: "", driver: "sqlite", dsn: "/data/keyward.db"},
		{url: "memory", driver: "sqlite", dsn: ":memory:"},
		{url: "sqlite::memory:", driver: "sqlite", dsn: ":memory:"},
		{url: "sqlite:/var/lib/kw.db", driver: "sqlite", dsn: "/var/lib/kw.db"},
		{url: "sqlite:kw.db", driver: "sqlite", dsn: "kw.db"},
		{url: "postgres://u@db:5432/kw?sslmode=disable", driver: "postgres", dsn: "postgres://u@db:5432/kw?sslmode=disable"},
		{url: "postgresql://u@db/kw", driver: "postgres", dsn: "postgresql://u@db/kw"},
		{url: "sqlite:", bad: true},
		{url: "mysql://db", bad: true},
		{url: "/data/keyward.db", bad: true},
	}
	for _, c := range cases {
		cfg := Default()
		cfg.DataDir, cfg.DatabaseURL = "/data", c.url
		db, err := cfg.Database()
		if c.bad != (err != nil) || (!c.bad && (db.Driver != c.driver || db.DSN != c.dsn)) {
			t.Errorf("%q: %+v, %v; want %s %s (bad %v)", c.url, db, err, c.driver, c.dsn, c.bad)
		}
	}
}

func TestHelpListsEveryFlag(t *testing.T) {
	var out bytes.Buffer
	if _, err := Parse("keyward serve", []string{"--help"}, envOf(nil), &out); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c := Default()
	c.Flags(fs, envOf(nil))
	// Every setting of Config is a flag named after it, with its KEYWARD_ variable in the help.
	typ := reflect.TypeOf(c)
	fields := 0
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		fields++
		name := kebab(f.Name)
		if fs.Lookup(name) == nil {
			t.Errorf("Config.%s has no --%s flag", f.Name, name)
		}
	}
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		env := "$KEYWARD_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		listed := regexp.MustCompile(`(?m)^\s+-` + regexp.QuoteMeta(f.Name) + `( |$)`).MatchString(out.String())
		if !listed || !strings.Contains(f.Usage, env) || !strings.Contains(out.String(), env) {
			t.Errorf("help does not list -%s with %s", f.Name, env)
		}
	})
	if n != fields || n < 20 {
		t.Errorf("%d flags for %d settings", n, fields)
	}
}

// kebab turns a Go field name into its flag name: OPAKeyID → opa-key-id.
func kebab(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) && (unicode.IsLower(r[i-1]) || i+1 < len(r) && unicode.IsLower(r[i+1])) {
			b.WriteByte('-')
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

func TestChosenSecretsMustBeStrong(t *testing.T) {
	for _, c := range []struct {
		token, keySecret string
		want             []string
	}{
		{token: strongSecret2, keySecret: strongSecret1},
		{token: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", keySecret: "abcdefabcdefabcdefabcdefabcdefabcdefabcdefabc",
			want: []string{"opa-key-secret: a chosen secret must be as strong"}}, // 6 symbols
		{token: "00test-admin-token-0123456789", keySecret: strongSecret1, want: []string{"admin-token: a chosen secret"}},
		{token: strongSecret1[:42], keySecret: "short", want: []string{"admin-token", "opa-key-secret"}},
	} {
		env := envOf(map[string]string{"KEYWARD_ADMIN_TOKEN": c.token, "KEYWARD_OPA_KEY_ID": "k", "KEYWARD_OPA_KEY_SECRET": c.keySecret})
		_, err := Parse("keyward serve", nil, env, io.Discard)
		if len(c.want) == 0 {
			if err != nil {
				t.Errorf("%q: %v", c.token, err)
			}
			continue
		}
		if err == nil || len(strings.Split(err.Error(), "\n")) != len(c.want) {
			t.Errorf("%q, %q: %v, want %q", c.token, c.keySecret, err, c.want)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v does not mention %q", err, w)
			}
		}
	}
}

func TestLimitsFromEnvAndFlags(t *testing.T) {
	env := envOf(map[string]string{"KEYWARD_WRITE_TIMEOUT": "5s", "KEYWARD_MAX_CONNECTIONS_PER_CLIENT": "3"})
	c, err := Parse("keyward serve", []string{"--max-concurrent-requests", "9", "--idle-timeout", "2s"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.WriteTimeout != 5*time.Second || c.MaxConnectionsPerClient != 3 || c.MaxConcurrentRequests != 9 || c.IdleTimeout != 2*time.Second {
		t.Errorf("got %+v", c)
	}
	_, err = Parse("keyward serve", []string{"--read-timeout", "0s", "--max-concurrent-requests", "0", "--max-connections", "3",
		"--max-connections-per-client", "-1"}, envOf(map[string]string{"KEYWARD_IDLE_TIMEOUT": "idle"}), io.Discard)
	for _, w := range []string{"read-timeout", "max-concurrent-requests", "max-connections:", "max-connections-per-client", "KEYWARD_IDLE_TIMEOUT"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("%v does not mention %q", err, w)
		}
	}
}
