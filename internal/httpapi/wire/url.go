package wire

import "net/http"

// BaseURL is the scheme and host the client used to reach keyward, for absolute links.
func BaseURL(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}
