package admin

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/seed"
)

// seedRoutes are the emulator controls (docs/seed.md): resets, deleting pools and agents, seed
// documents and snapshots. Each reset has one call site here, where recording it happens.
func (h *Handlers) seedRoutes() []wire.Route {
	return []wire.Route{
		admin("POST", "/keyward/v1/reset", "resetOrg", h.resetOrg),
		admin("POST", "/keyward/v1/teams/{team_name}/reset", "resetTeam", h.resetTeam),
		admin("POST", "/keyward/v1/server/reset", "resetServer", h.resetServer),
		admin("DELETE", "/keyward/v1/agentPools/{poolId}", "deletePool", h.deletePool),
		admin("DELETE", "/keyward/v1/agentPools/{poolId}/agents/{agentId}", "deleteAgent", h.deleteAgent),
		admin("POST", "/keyward/v1/seed", "loadSeed", h.loadSeed),
		admin("GET", "/keyward/v1/snapshot", "exportSnapshot", h.exportSnapshot),
	}
}

// boolQuery reads an optional boolean query parameter.
func boolQuery(r *http.Request, name string, def bool) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def, fault.Invalidf(name, name+": must be true or false")
	}
	return b, nil
}

// resetOrg empties the caller's org (the admin token's). With keepAdminToken=false every token
// goes and a new admin token is answered, shown once.
func (h *Handlers) resetOrg(w http.ResponseWriter, r *http.Request) error {
	keep, err := boolQuery(r, "keepAdminToken", true)
	if err != nil {
		return err
	}
	orgID := wire.PrincipalFrom(r).OrgID
	token, err := h.Seed.ResetOrg(r.Context(), orgID, keep)
	if err != nil {
		return err
	}
	out := map[string]any{"org": orgID, "keptAdminToken": keep}
	if token != "" {
		out["adminToken"] = token
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

// resetTeam empties one team, leaving it as created with its admin group's credentials. With
// keepAdminToken=false those keys are replaced by one new key, answered once.
func (h *Handlers) resetTeam(w http.ResponseWriter, r *http.Request) error {
	keep, err := boolQuery(r, "keepAdminToken", true)
	if err != nil {
		return err
	}
	team, key, err := h.Seed.ResetTeam(r.Context(), r.PathValue("team_name"), keep)
	if err != nil {
		return err
	}
	out := map[string]any{"team": team.Name, "id": team.ID, "keptAdminToken": keep}
	if key != nil {
		out["serviceUser"], out["keyId"], out["keySecret"] = key.User, key.ID, key.Secret
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

// resetServer empties the whole server; refused unless serve --allow-server-reset.
func (h *Handlers) resetServer(w http.ResponseWriter, r *http.Request) error {
	if err := h.Seed.ResetServer(r.Context(), wire.PrincipalFrom(r).OrgID); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

func (h *Handlers) deletePool(w http.ResponseWriter, r *http.Request) error {
	if err := h.Seed.DeletePool(r.Context(), wire.PrincipalFrom(r).OrgID, r.PathValue("poolId")); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

func (h *Handlers) deleteAgent(w http.ResponseWriter, r *http.Request) error {
	err := h.Seed.DeleteAgent(r.Context(), wire.PrincipalFrom(r).OrgID, r.PathValue("poolId"), r.PathValue("agentId"))
	if err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

// yamlTypes are the media types a seed document may be sent as besides JSON.
var yamlTypes = map[string]bool{"application/yaml": true, "application/x-yaml": true, "text/yaml": true, "text/x-yaml": true}

// loadSeed loads a seed document (JSON, or YAML by its content type) into the caller's org and
// the teams it names, answering what it created.
func (h *Handlers) loadSeed(w http.ResponseWriter, r *http.Request) error {
	var body []byte
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if yamlTypes[mt] {
		b, err := io.ReadAll(r.Body)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fault.Invalidf("Seed", "document: the request body is larger than "+strconv.FormatInt(tooBig.Limit, 10)+" bytes")
		}
		if err != nil {
			return fault.Invalidf("Seed", "document: the request body could not be read")
		}
		body = b
	} else {
		var raw json.RawMessage
		if err := wire.Decode(r, &raw); err != nil {
			return err
		}
		body = raw
	}
	doc, err := seed.Parse(body)
	if err != nil {
		return err
	}
	res, err := h.Seed.Load(r.Context(), wire.PrincipalFrom(r).OrgID, doc)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, res)
	return nil
}

// exportSnapshot answers the state as a seed document (YAML when the Accept header asks for it): scope=org (the caller's org),
// scope=team&team=NAME (one team), or scope=all (the default: the org and every team).
func (h *Handlers) exportSnapshot(w http.ResponseWriter, r *http.Request) error {
	var sc seed.Scope
	q := r.URL.Query()
	switch q.Get("scope") {
	case "", "all":
		sc = seed.Scope{Org: true}
	case "org":
		sc = seed.Scope{Org: true, Teams: []string{}}
	case "team":
		team, err := h.PAM.Team(r.Context(), q.Get("team"))
		if err != nil {
			return err
		}
		sc = seed.Scope{Teams: []string{team.Name}}
	default:
		return fault.Invalidf("scope", "scope: must be all, org or team")
	}
	doc, err := h.Seed.Export(r.Context(), wire.PrincipalFrom(r).OrgID, sc)
	if err != nil {
		return err
	}
	if accepts(r, yamlTypes) {
		out, err := doc.YAML()
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(out)
		return nil
	}
	wire.JSON(w, http.StatusOK, doc)
	return nil
}

// accepts tells whether the request's Accept header names one of the media types.
func accepts(r *http.Request, types map[string]bool) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && types[mt] {
			return true
		}
	}
	return false
}
