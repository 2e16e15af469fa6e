package spectest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// dialect names the shape of the error objects an API sends.
type dialect int

const (
	dialectOkta dialect = iota + 1 // Okta management API: errorCode, errorSummary, ...
	dialectOPA                     // Okta Privileged Access: code, message, type
)

// profile is what Load knows about a document besides its content.
type profile struct {
	prefix  string // every path of the document starts with it
	dialect dialect
}

var profiles = map[string]profile{
	"okta-agent-pools.yaml": {prefix: "/api/v1/agentPools", dialect: dialectOkta},
	"opa-projects.yaml":     {prefix: "/v1/teams/", dialect: dialectOPA},
	"opa-team.yaml":         {prefix: "/v1/teams/", dialect: dialectOPA},
}

// Spec is a loaded, validated OpenAPI document with a router. It is safe for
// concurrent use.
type Spec struct {
	name    string
	profile profile
	doc     *openapi3.T
	router  routers.Router
	options *openapi3filter.Options
	lenient bool
	// deviations are checked in the document's stead where they apply (WithDeviations).
	deviations []Deviation
}

type cacheEntry struct {
	once sync.Once
	spec *Spec
	err  error
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*cacheEntry{}
)

// Load returns the document called name ("okta-agent-pools.yaml", "opa-projects.yaml" or
// "opa-team.yaml") from the api/ directory of the repository, found by
// walking up from the working directory to the directory holding go.mod.
// Each file is read and validated once per test binary. Load fails the test
// if the document cannot be found, loaded or validated.
func Load(t testing.TB, name string) *Spec {
	t.Helper()
	prof, ok := profiles[name]
	if !ok {
		known := make([]string, 0, len(profiles))
		for k := range profiles {
			known = append(known, k)
		}
		sort.Strings(known)
		t.Fatalf("spectest: unknown document %q (known: %s)", name, strings.Join(known, ", "))
	}
	path, err := locate(name)
	if err != nil {
		t.Fatalf("spectest: %v", err)
	}
	cacheMu.Lock()
	e := cache[path]
	if e == nil {
		e = &cacheEntry{}
		cache[path] = e
	}
	cacheMu.Unlock()
	e.once.Do(func() { e.spec, e.err = load(path, name, prof) })
	if e.err != nil {
		t.Fatalf("spectest: %s: %v", path, e.err)
	}
	return e.spec
}

// Name returns the file name the Spec was loaded from.
func (s *Spec) Name() string { return s.name }

// PathPrefix returns the path prefix shared by every path of the document;
// Transport checks responses to requests whose path starts with it.
func (s *Spec) PathPrefix() string { return s.profile.prefix }

// Lenient returns a Spec sharing s's document whose ValidateResponse accepts,
// without checking, a response to a request for an operation (path or
// method) that the document does not describe.
func (s *Spec) Lenient() *Spec {
	c := *s
	c.lenient = true
	return &c
}

// Operation finds the operation with operationId id, with its method and path.
func (s *Spec) Operation(id string) (method, path string, op *openapi3.Operation, ok bool) {
	for p, item := range s.doc.Paths.Map() {
		for m, o := range item.Operations() {
			if o.OperationID == id {
				return m, p, o, true
			}
		}
	}
	return "", "", nil, false
}

// describes reports whether the document has an operation for req's method and path.
func (s *Spec) describes(req *http.Request) bool {
	_, _, err := s.router.FindRoute(req)
	return err == nil
}

// covers reports whether path is in the part of the URL space s describes.
func (s *Spec) covers(path string) bool {
	p := s.profile.prefix
	if !strings.HasPrefix(path, p) {
		return false
	}
	return len(path) == len(p) || strings.HasSuffix(p, "/") || path[len(p)] == '/'
}

func locate(name string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			path := filepath.Join(dir, "api", name)
			if _, err := os.Stat(path); err != nil {
				return "", err
			}
			return path, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod found above the working directory, cannot locate api/%s", name)
		}
		dir = parent
	}
}

func load(path, name string, prof profile) (*Spec, error) {
	ctx := context.Background()
	loader := &openapi3.Loader{Context: ctx, IsExternalRefsAllowed: false}
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("invalid document: %w", err)
	}
	if doc.Paths.Len() == 0 {
		return nil, errors.New("document has no paths")
	}
	if err := patch(name, doc); err != nil {
		return nil, err
	}
	s := &Spec{name: name, profile: prof, doc: doc}
	// Route on the path alone: the documents name production hosts.
	doc.Servers = openapi3.Servers{{URL: "/"}}
	for p, item := range doc.Paths.Map() {
		if !s.covers(p) {
			return nil, fmt.Errorf("path %s is outside the expected prefix %s", p, prof.prefix)
		}
		item.Servers = nil
		for _, op := range item.Operations() {
			op.Servers = nil
		}
	}
	if s.router, err = gorillamux.NewRouter(doc); err != nil {
		return nil, fmt.Errorf("build router: %w", err)
	}
	s.options = &openapi3filter.Options{
		AuthenticationFunc:        openapi3filter.NoopAuthenticationFunc,
		ExcludeRequestBody:        true,
		ExcludeRequestQueryParams: true,
		MultiError:                true,
	}
	s.options.WithCustomSchemaErrorFunc(schemaErrorMessage)
	return s, nil
}

// schemaErrorMessage shortens kin-openapi's schema errors, which otherwise
// embed the whole schema and value, to the location and the reason.
func schemaErrorMessage(err *openapi3.SchemaError) string {
	return fmt.Sprintf("at %q: %s", "/"+strings.Join(err.JSONPointer(), "/"), err.Reason)
}

// Op is one operation of a document.
type Op struct {
	Method, Path, ID string
}

// Operations lists every operation of the document, by path then method.
func (s *Spec) Operations() []Op {
	var out []Op
	for _, p := range s.doc.Paths.InMatchingOrder() {
		for m, o := range s.doc.Paths.Value(p).Operations() {
			out = append(out, Op{Method: m, Path: p, ID: o.OperationID})
		}
	}
	slices.SortFunc(out, func(a, b Op) int { return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method) })
	return out
}
