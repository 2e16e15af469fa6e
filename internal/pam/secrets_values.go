package pam

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/limits"
	"github.com/keyward/keyward/internal/store"
)

// secretRequest names the request schema of CreateSecret and UpdateSecret in faults.
const secretRequest = "SecretCreateOrUpdateRequest"

// checkSecretValue returns the cause against a secret's decrypted value, "" when fine: a JSON
// object of 1 to limits.SecretEntries string values under non-empty keys, at most
// limits.SecretValue bytes in all.
func checkSecretValue(raw []byte) string {
	const field = "secret_jwe"
	if len(raw) > limits.SecretValue {
		return fmt.Sprintf("%s: the secret may hold at most %d bytes", field, limits.SecretValue)
	}
	var kv map[string]string
	if json.Unmarshal(raw, &kv) != nil || kv == nil {
		return field + `: must encrypt a JSON object of key/value strings, e.g. {"password":"…"}`
	}
	if len(kv) == 0 || len(kv) > limits.SecretEntries {
		return fmt.Sprintf("%s: the secret must hold 1 to %d keys", field, limits.SecretEntries)
	}
	for k, v := range kv {
		if k == "" {
			return field + ": a key must not be empty"
		}
		if c := causes(limits.Check(field+" key", k, limits.SecretEntryKey), limits.Check(field+" value", v, limits.SecretValue)); len(c) > 0 {
			return c[0]
		}
	}
	return ""
}

// canonicalSecret is the value as sealed: the same pairs, re-encoded.
func canonicalSecret(raw []byte) string {
	var kv map[string]string
	_ = json.Unmarshal(raw, &kv) // checked by checkSecretValue
	out, _ := json.Marshal(kv)
	return string(out)
}

func checkSecretInput(in SecretInput) error {
	cs := causes(checkSecretName("name", in.Name), checkSecretDescription(in.Description), checkSecretValue(in.Value))
	if in.ParentID == "" {
		cs = append(cs, "parent_folder_id: is required")
	}
	if len(cs) > 0 {
		return fault.Invalidf(secretRequest, cs...)
	}
	return nil
}

// CreateSecret stores a key/value secret in a folder (secret_create on the folder), sealed at
// rest under the server key.
func (s *Service) CreateSecret(ctx context.Context, p Principal, rgID, projectID string, in SecretInput) (SecretItem, error) {
	if err := checkSecretInput(in); err != nil {
		return SecretItem{}, err
	}
	c, err := s.secretScope(ctx, p, rgID, projectID)
	if err != nil {
		return SecretItem{}, err
	}
	parent, err := c.parentFolder(ctx, in.ParentID, store.SecretKeyValue, secretRequest)
	if err != nil {
		return SecretItem{}, err
	}
	if !c.privileges(parent).SecretCreate {
		return SecretItem{}, denied("secret_create on the folder")
	}
	now, by := s.Clock.Now().UTC(), c.actor(ctx)
	it := store.SecretItem{ID: newID(), TeamID: p.TeamID, ProjectID: projectID, ParentID: in.ParentID, Kind: store.SecretKeyValue,
		Name: in.Name, Description: in.Description, Value: s.seal(canonicalSecret(in.Value)),
		CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	if err := s.intoFolder(ctx, it, in.ParentID, store.Queries.CreateSecretItem); err != nil {
		return SecretItem{}, missingParent(nameTaken(err, it.Name), in.ParentID, projectID)
	}
	return c.view(it, append(parent.Path, parent.SecretItem)), nil
}

// permitted is an item of the project, of one kind, on which the caller holds the privilege
// need says, with the caller's scope.
func (s *Service) permitted(ctx context.Context, p Principal, rgID, projectID, id, kind string,
	need func(SecretPrivileges) bool, what string) (*secretScope, SecretItem, error) {
	c, err := s.secretScope(ctx, p, rgID, projectID)
	if err != nil {
		return nil, SecretItem{}, err
	}
	it, err := c.item(ctx, id, kind)
	if err != nil {
		return nil, it, err
	}
	if !need(c.privileges(it)) {
		return nil, SecretItem{}, denied(what)
	}
	return c, it, nil
}

// Secret returns a secret's description (never its value) to a caller holding any privilege
// on it.
func (s *Service) Secret(ctx context.Context, p Principal, rgID, projectID, id string) (SecretItem, error) {
	_, it, err := s.permitted(ctx, p, rgID, projectID, id, store.SecretKeyValue, SecretPrivileges.Any, "a privilege on the secret")
	return it, err
}

// UpdateSecret replaces a secret's name, description and value (secret_update), moving it when
// parent_folder_id names another folder (which needs secret_create there).
func (s *Service) UpdateSecret(ctx context.Context, p Principal, rgID, projectID, id string, in SecretInput) (SecretItem, error) {
	if err := checkSecretInput(in); err != nil {
		return SecretItem{}, err
	}
	c, it, err := s.permitted(ctx, p, rgID, projectID, id, store.SecretKeyValue, func(h SecretPrivileges) bool { return h.SecretUpdate }, "secret_update on the secret")
	if err != nil {
		return it, err
	}
	moveTo := ""
	if in.ParentID != it.ParentID {
		moveTo = in.ParentID
		parent, err := c.parentFolder(ctx, in.ParentID, store.SecretKeyValue, secretRequest)
		if err != nil {
			return SecretItem{}, err
		}
		if !c.privileges(parent).SecretCreate {
			return SecretItem{}, denied("secret_create on the folder it would move to")
		}
		it.Path = append(parent.Path, parent.SecretItem)
	}
	it.Name, it.Description, it.ParentID = in.Name, in.Description, in.ParentID
	it.Value, it.UpdatedAt, it.UpdatedBy = s.seal(canonicalSecret(in.Value)), s.Clock.Now().UTC(), c.actor(ctx)
	if err := s.intoFolder(ctx, it.SecretItem, moveTo, store.Queries.UpdateSecretItem); err != nil {
		return SecretItem{}, missing(nameTaken(err, it.Name), id, secretNoun)
	}
	return it, nil
}

// DeleteSecret deletes a secret (secret_delete).
func (s *Service) DeleteSecret(ctx context.Context, p Principal, rgID, projectID, id string) error {
	_, _, err := s.permitted(ctx, p, rgID, projectID, id, store.SecretKeyValue, func(h SecretPrivileges) bool { return h.SecretDelete }, "secret_delete on the secret")
	if err != nil {
		return err
	}
	return missing(s.deleteItem(ctx, p.TeamID, projectID, id), id, secretNoun)
}

// EventSecretRevealed is recorded each time a secret's value is revealed.
const EventSecretRevealed = "secret.revealed"

// RevealSecret returns a secret with its unsealed key/value pairs as JSON (secret_reveal), for
// the caller to encrypt to the requester's key: the value leaves keyward only that way. Each
// reveal is recorded (secret.revealed: who, which secret; never the value).
func (s *Service) RevealSecret(ctx context.Context, p Principal, rgID, projectID, id string) (SecretItem, []byte, error) {
	c, it, err := s.permitted(ctx, p, rgID, projectID, id, store.SecretKeyValue, func(h SecretPrivileges) bool { return h.SecretReveal }, "secret_reveal on the secret")
	if err != nil {
		return it, nil, err
	}
	plain, err := s.unseal(it.Value)
	if err != nil {
		return it, nil, err
	}
	err = s.Events.Record(ctx, s.Store, events.Change{Type: EventSecretRevealed, Team: p.TeamID, Resource: "secret/" + it.ID,
		Summary: "secret " + it.Name + " (" + it.ID + ") revealed to " + c.actor(ctx)})
	return it, []byte(plain), err
}
