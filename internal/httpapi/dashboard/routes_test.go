package dashboard_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/httpapi/dashboard"
)

func fetch(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// The page and its assets answer with the strict policy; other paths keep answering as before.
func TestDashboardRoutes(t *testing.T) {
	s := apptest.Start(t, apptest.Options{})
	for path, typ := range map[string]string{"/": "text/html", "/dashboard/app.js": "text/javascript", "/dashboard/app.css": "text/css"} {
		resp, body := fetch(t, "GET", s.URL+path)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), typ) || body == "" {
			t.Errorf("GET %s: %d %s, %d bytes", path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
		}
		for h, want := range map[string]string{"Content-Security-Policy": dashboard.Policy, "X-Content-Type-Options": "nosniff",
			"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
			if got := resp.Header.Get(h); got != want {
				t.Errorf("GET %s: %s %q, want %q", path, h, got, want)
			}
		}
		if resp, body := fetch(t, "HEAD", s.URL+path); resp.StatusCode != http.StatusOK || body != "" {
			t.Errorf("HEAD %s: %d with %d bytes", path, resp.StatusCode, len(body))
		}
	}
	for _, c := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/index.html", 404, "E0000008"},
		{"GET", "/dashboard/", 404, "E0000008"},
		{"GET", "/dashboard/other.js", 404, "E0000008"},
		{"GET", "/api/v1/nothing", 404, "E0000008"},
		{"POST", "/", 405, "E0000022"},
		{"DELETE", "/dashboard/app.js", 405, "E0000022"},
		{"GET", "/healthz", 200, ""},
	} {
		resp, body := fetch(t, c.method, s.URL+c.path)
		var e struct{ ErrorCode string }
		_ = json.Unmarshal([]byte(body), &e)
		if resp.StatusCode != c.status || e.ErrorCode != c.code {
			t.Errorf("%s %s: %d %s, want %d %s", c.method, c.path, resp.StatusCode, body, c.status, c.code)
		}
	}
}

// Nothing in the page needs the policy relaxed: no inline script, style or handler, and nothing
// loaded from another origin.
func TestPageNeedsNoInlineCode(t *testing.T) {
	s := apptest.Start(t, apptest.Options{})
	_, page := fetch(t, "GET", s.URL+"/")
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`<script[^>]*>\s*[^<\s]`),       // a script with inline code
		regexp.MustCompile(`<style`),                       // an inline style sheet
		regexp.MustCompile(`\sstyle=`),                     // a style attribute
		regexp.MustCompile(`\son[a-z]+=`),                  // an inline event handler
		regexp.MustCompile(`(?:src|href)="(?:https?:)?//`), // another origin
	} {
		if m := bad.FindString(page); m != "" {
			t.Errorf("the page holds %q", m)
		}
	}
	_, script := fetch(t, "GET", s.URL+"/dashboard/app.js")
	for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
		if strings.Contains(script, sink) {
			t.Errorf("the script uses %s: values must be written as text", sink)
		}
	}
}
