package httpapi

import (
	"encoding/json"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestAccessLogIsStructured(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	cases := []struct {
		method, path string
		header       []string
		route        string
		status       int
		level        string
		actor        bool
	}{
		{"GET", "/api/v1/things", f.ssws(f.user), "GET /api/v1/things", 200, "INFO", true},
		{"GET", "/api/v1/things", nil, "GET /api/v1/things", 401, "INFO", false},
		{"GET", "/api/v1/panic", f.ssws(f.user), "GET /api/v1/panic", 500, "ERROR", true},
		{"GET", "/nowhere", nil, "unmatched", 404, "INFO", false},
		{"GET", "/healthz", nil, "GET /healthz", 200, "INFO", false},
	}
	for _, c := range cases {
		w := f.do(c.method, c.path, "", c.header...)
		lines := f.log.lines(t)
		l := lines[len(lines)-1]
		id := w.Header().Get("X-Okta-Request-Id")
		if l["msg"] != "request" || l["request_id"] != id || l["route"] != c.route || l["status"] != float64(c.status) ||
			l["method"] != c.method || l["path"] != c.path || l["level"] != c.level {
			t.Errorf("%s %s: log line %v; want request id %s, route %q, status %d, level %s", c.method, c.path, l, id, c.route, c.status, c.level)
		}
		if d, ok := l["duration"].(float64); !ok || d <= 0 {
			t.Errorf("%s: duration %v, want a positive number", c.path, l["duration"])
		}
		if _, has := l["actor"]; has != c.actor || (c.actor && l["actor"] != f.userID) {
			t.Errorf("%s: actor %v, want present=%v (%s)", c.path, l["actor"], c.actor, f.userID)
		}
		if _, has := l["error"]; has != (c.status >= 400) {
			t.Errorf("%s: error attribute %v for status %d", c.path, l["error"], c.status)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	check := func(path string, status int, want map[string]string) {
		t.Helper()
		w := f.do("GET", path, "")
		var got map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != status {
			t.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		if len(got) != len(want) {
			t.Errorf("%s: body %v, want exactly %v (no driver error text)", path, got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got[k], v)
			}
		}
	}
	check("/healthz", 200, map[string]string{"status": "ok"})
	check("/readyz", 200, map[string]string{"status": "ok", "database": "sqlite"})
	f.store.Close()
	check("/readyz", 503, map[string]string{"status": "unavailable"})
	check("/healthz", 200, map[string]string{"status": "ok"}) // liveness does not depend on the database
}

func TestMetrics(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	for range 3 {
		f.do("GET", "/healthz", "")
	}
	f.do("GET", "/api/v1/things", "")
	f.do("GET", "/api/v1/things", "", f.ssws(f.admin)...)
	f.do("GET", "/api/v1/panic", "", f.ssws(f.admin)...)
	f.do("GET", "/no/such/path/1", "")
	f.do("GET", "/no/such/path/2", "")
	f.do("GET", "/metrics", "")

	w := f.do("GET", "/metrics", "")
	if w.Code != 200 {
		t.Fatalf("/metrics: %d", w.Code)
	}
	body := w.Body.String()
	for series, want := range map[string]float64{
		`keyward_http_requests_total{route="GET /healthz",status="200"}`:               3,
		`keyward_http_requests_total{route="GET /api/v1/things",status="401"}`:         1,
		`keyward_http_requests_total{route="GET /api/v1/things",status="200"}`:         1,
		`keyward_http_requests_total{route="GET /api/v1/panic",status="500"}`:          1,
		`keyward_http_requests_total{route="unmatched",status="404"}`:                  2, // by pattern, not by path
		`keyward_http_requests_total{route="GET /metrics",status="200"}`:               1,
		`keyward_http_request_duration_seconds_count{route="GET /healthz"}`:            3,
		`keyward_http_request_duration_seconds_bucket{route="GET /healthz",le="+Inf"}`: 3,
		`keyward_db_connections_open`:                                                  float64(f.store.Stats().OpenConnections),
		`keyward_db_connections_in_use`:                                                0,
	} {
		got, ok := sample(body, series)
		if !ok || got != want {
			t.Errorf("%s = %v (found %v), want %v", series, got, ok, want)
		}
	}
	for _, name := range []string{"keyward_db_connections_idle", "keyward_db_connection_waits_total", `keyward_build_info{goversion="` + runtime.Version() + `",revision="unknown",version="devel"}`} {
		if _, ok := sample(body, name); !ok {
			t.Errorf("no %s", name)
		}
	}
	if strings.Contains(body, "/no/such/path") {
		t.Error("metrics are labelled with raw paths")
	}
}

// sample finds one series' value in the Prometheus text format.
func sample(body, series string) (float64, bool) {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	return v, err == nil
}
