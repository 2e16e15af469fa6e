// Package dashboard serves keyward's dashboard: one embedded page at / that an operator signs in
// to with an admin API token, showing pools, agents, update jobs, teams and their OPA resources,
// the event log and the virtual clock. The page is static; everything it shows it reads from the
// admin and Agent Pools APIs with the token, sent from script as the Authorization header.
//
// The token lives in the tab's sessionStorage and is never a cookie, so the browser never attaches
// it on its own and no other site can make requests in the operator's name (no CSRF). What could
// read sessionStorage is script running in the page, so the page runs only its own script file:
// the Content-Security-Policy allows nothing else (no inline script or style, no other origin, no
// framing), and the script writes every value with textContent, never as HTML.
package dashboard

import (
	"embed"
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/wire"
)

//go:embed static
var files embed.FS

// Policy is the page's Content-Security-Policy: its own script, style and API calls, nothing else.
const Policy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'"

// Routes is the dashboard's route table: the page at exactly / and its two assets.
func Routes() []wire.Route {
	return []wire.Route{
		page("/{$}", "static/index.html", "text/html; charset=utf-8", "dashboard"),
		page("/dashboard/app.js", "static/app.js", "text/javascript; charset=utf-8", "dashboardScript"),
		page("/dashboard/app.css", "static/app.css", "text/css; charset=utf-8", "dashboardStyle"),
	}
}

func page(pattern, file, contentType, name string) wire.Route {
	body, err := files.ReadFile(file)
	if err != nil {
		panic(err) // embedded at build time: cannot be missing
	}
	return wire.Route{Method: "GET", Pattern: pattern, Name: name, Access: wire.Public,
		Handler: func(w http.ResponseWriter, r *http.Request) error {
			h := w.Header()
			h.Set("Content-Type", contentType)
			h.Set("Content-Security-Policy", Policy)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Cache-Control", "no-cache")
			w.WriteHeader(http.StatusOK)
			if r.Method != http.MethodHead {
				_, _ = w.Write(body)
			}
			return nil
		}}
}
