package wire

import (
	"context"
	"net/http"

	"github.com/keyward/keyward/internal/auth"
)

// Info is per-request state shared by the middleware and handlers: it is created once, at the
// outermost layer, and filled in as the request goes through.
type Info struct {
	RequestID string
	Pattern   string // the route pattern that matched
	Principal *auth.Principal
	Err       error // the error the handler returned, if any
	// release gives back the request's slot among those served at once (nil: it holds none).
	release func()
}

// HoldSlot records how the request gives back its slot among the requests served at once;
// release must be safe to call twice.
func (i *Info) HoldSlot(release func()) { i.release = release }

// LeaveSlot gives back the request's slot before it ends: a request that lives as long as its
// client wants (an event stream) must not hold one, and bounds itself otherwise.
func (i *Info) LeaveSlot() {
	if i.release != nil {
		i.release()
	}
}

// ErrorID is the errorId of an Okta error body: the request id, so support can find the request.
func (i *Info) ErrorID() string { return "oae" + i.RequestID }

type infoKey struct{}

// WithInfo returns ctx carrying info.
func WithInfo(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// InfoFrom returns the request's Info, or nil outside a request.
func InfoFrom(ctx context.Context) *Info {
	info, _ := ctx.Value(infoKey{}).(*Info)
	return info
}

// PrincipalFrom returns the authenticated caller; handlers behind authentication always have one.
func PrincipalFrom(r *http.Request) *auth.Principal {
	if info := InfoFrom(r.Context()); info != nil && info.Principal != nil {
		return info.Principal
	}
	return &auth.Principal{}
}

// Handler is an HTTP handler that returns its error instead of writing it.
type Handler func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP writes a returned error in the request's dialect.
func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h(w, r); err != nil {
		WriteError(w, r, err)
	}
}
