package wire

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/limits"
)

// CheckInput refuses a matched request whose path values or query parameters no store could
// hold (invalid UTF-8, NUL; raw or percent-encoded) or that are over their limit, before the
// handler sees them. A path value that cannot be stored names no resource: 404, except on a
// Public route, where the path names whose credential is checked (the team of
// POST /v1/teams/{team_name}/service_token), so the credential is invalid: 401. A bad query
// parameter is 400 naming it.
func CheckInput(r *http.Request, route Route) error {
	for _, name := range wildcards(route.Pattern) {
		v := r.PathValue(name)
		if limits.Check(name, v, limits.ID) == "" {
			continue
		}
		if route.Access == Public {
			return InvalidToken()
		}
		return fault.Missing(clip(url.PathEscape(v)), name)
	}
	for key, values := range r.URL.Query() {
		if cause := limits.Check("query parameter", key, limits.Query); cause != "" {
			return Validation("query parameter", cause)
		}
		for _, v := range values {
			if cause := limits.Check(key, v, limits.Query); cause != "" {
				return Validation(key, cause)
			}
		}
	}
	return nil
}

// wildcards lists the names of a ServeMux pattern's wildcards: "poolId" for {poolId} and
// {poolId...}.
func wildcards(pattern string) []string {
	var out []string
	for _, seg := range strings.Split(pattern, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && seg != "{$}" {
			out = append(out, strings.TrimSuffix(strings.Trim(seg, "{}"), "..."))
		}
	}
	return out
}

// clip shortens a value an error message repeats.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
