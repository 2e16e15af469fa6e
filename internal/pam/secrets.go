package pam

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/limits"
	"github.com/keyward/keyward/internal/store"
)

// Nouns of secret items in faults.
const (
	secretFolderNoun = "SecretFolder"
	secretNoun       = "Secret"
)

// SecretItem is a project's secret folder or secret as the API shows it: never its value.
type SecretItem struct {
	store.SecretItem
	// Path is the folders above the item, the top-level folder first.
	Path          []store.SecretItem
	ResourceGroup store.ResourceGroup
	Project       store.Project
}

// SecretFolderInput is a folder as sent: ParentID "" asks for a top-level folder (create only).
type SecretFolderInput struct {
	Name        string
	Description *string
	ParentID    string
}

// SecretInput is a secret as sent, its key/value pairs already decrypted from the vault JWE
// (Value: a JSON object of strings).
type SecretInput struct {
	Name        string
	Description *string
	ParentID    string
	Value       []byte
}

// secretScope is one caller acting in one project: the project, its resource group and the
// caller's security policies, read once per request.
type secretScope struct {
	s        *Service
	p        Principal
	rg       store.ResourceGroup
	project  store.Project
	policies []SecurityPolicy
	reach    map[string]bool // lazily: the items the caller may browse to (reachable)
}

func (s *Service) secretScope(ctx context.Context, p Principal, rgID, projectID string) (*secretScope, error) {
	rg, err := s.teamResourceGroup(ctx, p.TeamID, rgID)
	if err != nil {
		return nil, err
	}
	if !storable(projectID) {
		return nil, fault.Missing(projectID, "Project")
	}
	project, err := s.Store.GetProject(ctx, p.TeamID, rgID, projectID)
	if err != nil {
		return nil, missing(err, projectID, "Project")
	}
	policies, err := s.userPolicies(ctx, p.TeamID, p.UserID)
	if err != nil && !isMissing(err) { // a key without a user holds no policy
		return nil, err
	}
	return &secretScope{s: s, p: p, rg: rg, project: project, policies: policies}, nil
}

func isMissing(err error) bool {
	f, ok := fault.As(err)
	return ok && f.Kind == fault.NotFound
}

// item reads an item of the project of one kind, with its path; another kind is NotFound.
func (c *secretScope) item(ctx context.Context, id, kind string) (SecretItem, error) {
	noun := secretNoun
	if kind == store.SecretFolder {
		noun = secretFolderNoun
	}
	if !storable(id) {
		return SecretItem{}, fault.Missing(id, noun)
	}
	it, err := c.s.Store.GetSecretItem(ctx, c.p.TeamID, c.project.ID, id)
	if err == nil && it.Kind != kind {
		err = store.ErrNotFound
	}
	if err != nil {
		return SecretItem{}, missing(err, id, noun)
	}
	path, err := c.s.Store.SecretItemAncestors(ctx, c.p.TeamID, id, limits.SecretFolderDepth)
	return c.view(it, path), err
}

func (c *secretScope) view(it store.SecretItem, path []store.SecretItem) SecretItem {
	if path == nil {
		path = []store.SecretItem{}
	}
	return SecretItem{SecretItem: it, Path: path, ResourceGroup: c.rg, Project: c.project}
}

// privileges are what the caller may do with the item.
func (c *secretScope) privileges(it SecretItem) SecretPrivileges {
	ref := SecretItemRef{ResourceGroupID: c.rg.ID, ID: it.ID, Kind: it.Kind, Path: make([]string, len(it.Path))}
	for i, f := range it.Path {
		ref.Path[i] = f.ID
	}
	return EvaluateSecret(c.policies, ref)
}

// reachable reports whether the caller may browse to the item: it is selected by one of the
// caller's rules, or holds something that is.
func (c *secretScope) reachable(ctx context.Context, id string) (bool, error) {
	if c.reach == nil {
		c.reach = map[string]bool{}
		for _, target := range secretTargets(c.policies, c.rg.ID) {
			up, err := c.s.Store.SecretItemAncestors(ctx, c.p.TeamID, target, limits.SecretFolderDepth)
			if err != nil {
				return false, err
			}
			c.reach[target] = true
			for _, f := range up {
				c.reach[f.ID] = true
			}
		}
	}
	return c.reach[id], nil
}

// visible reports whether the caller may see the item at all: holding a privilege on it, or
// reaching through it.
func (c *secretScope) visible(ctx context.Context, it SecretItem) (bool, error) {
	if c.privileges(it).Any() {
		return true, nil
	}
	return c.reachable(ctx, it.ID)
}

func denied(what string) error {
	return fault.Forbiddenf("no security policy grants you %s", what)
}

// orDenied is err when there is one, else denied(what).
func orDenied(err error, what string) error {
	if err != nil {
		return err
	}
	return denied(what)
}

// actor is the caller's user name, as created_by and updated_by show it.
func (c *secretScope) actor(ctx context.Context) string {
	u, err := c.s.Store.GetOPAUser(ctx, c.p.TeamID, c.p.UserID)
	if err != nil {
		return c.p.UserID
	}
	return u.Name
}

func checkSecretName(field, name string) string {
	switch {
	case strings.TrimSpace(name) == "":
		return field + ": is required"
	case utf8.RuneCountInString(name) > limits.SecretName:
		return fmt.Sprintf("%s: must be at most %d characters", field, limits.SecretName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return field + ": must not hold control characters"
	}
	return limits.Check(field, name, limits.SecretName)
}

func checkSecretDescription(d *string) string {
	if d == nil {
		return ""
	}
	return limits.Check("description", *d, limits.Description)
}

func nameTaken(err error, name string) error {
	if errors.Is(err, store.ErrConflict) {
		return fault.Conflictf("an item named %s already exists in the folder", name)
	}
	return err
}

// ListTopLevelSecretFolders lists the project's top-level folders the caller may browse: those
// holding (or being) a folder or secret one of the caller's secret-based rules selects.
func (s *Service) ListTopLevelSecretFolders(ctx context.Context, p Principal, rgID, projectID string) ([]SecretItem, error) {
	c, err := s.secretScope(ctx, p, rgID, projectID)
	if err != nil {
		return nil, err
	}
	roots := []string{}
	for _, target := range secretTargets(c.policies, c.rg.ID) {
		up, err := s.Store.SecretItemAncestors(ctx, p.TeamID, target, limits.SecretFolderDepth)
		if err != nil {
			return nil, err
		}
		if len(up) > 0 {
			target = up[0].ID
		}
		roots = append(roots, target)
	}
	items, err := s.Store.ListSecretItems(ctx, p.TeamID, projectID, "", store.Page{IDs: roots})
	out := make([]SecretItem, len(items))
	for i, it := range items {
		out[i] = c.view(it, nil)
	}
	return out, err
}

// CreateSecretFolder creates a folder: a top-level one for a resource admin of the team or a
// delegated resource admin of the resource group, a nested one for a holder of folder_create on
// its parent.
func (s *Service) CreateSecretFolder(ctx context.Context, p Principal, rgID, projectID string, in SecretFolderInput) (SecretItem, error) {
	if cs := causes(checkSecretName("name", in.Name), checkSecretDescription(in.Description)); len(cs) > 0 {
		return SecretItem{}, fault.Invalidf("SecretFolderCreateRequest", cs...)
	}
	c, err := s.secretScope(ctx, p, rgID, projectID)
	if err != nil {
		return SecretItem{}, err
	}
	var path []store.SecretItem
	if in.ParentID == "" {
		ok, err := s.Reaches(ctx, p, rgID, RoleResourceAdmin, RoleDelegatedResourceAdmin)
		if err != nil {
			return SecretItem{}, err
		}
		if !ok {
			return SecretItem{}, fault.Forbiddenf("a top-level secret folder is created by a resource admin")
		}
	} else {
		parent, err := c.parentFolder(ctx, in.ParentID, store.SecretFolder, "SecretFolderCreateRequest")
		if err != nil {
			return SecretItem{}, err
		}
		if !c.privileges(parent).FolderCreate {
			return SecretItem{}, denied("folder_create on the parent folder")
		}
		path = append(parent.Path, parent.SecretItem)
	}
	now, by := s.Clock.Now().UTC(), c.actor(ctx)
	it := store.SecretItem{ID: newID(), TeamID: p.TeamID, ProjectID: projectID, ParentID: in.ParentID, Kind: store.SecretFolder,
		Name: in.Name, Description: in.Description, CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	if err := s.intoFolder(ctx, it, in.ParentID, store.Queries.CreateSecretItem); err != nil {
		return SecretItem{}, missingParent(nameTaken(err, it.Name), in.ParentID, projectID)
	}
	return c.view(it, path), nil
}

// parentFolder is the folder named as the parent of an item of kind, refused (400 on
// parent_folder_id) when it is unknown or when a folder in it would nest deeper than
// limits.SecretFolderDepth folders.
func (c *secretScope) parentFolder(ctx context.Context, id, kind, what string) (SecretItem, error) {
	parent, err := c.item(ctx, id, store.SecretFolder)
	if isMissing(err) {
		return parent, fault.Invalidf(what, "parent_folder_id: no secret folder "+id+" in the project")
	}
	if err == nil && kind == store.SecretFolder && len(parent.Path)+1 >= limits.SecretFolderDepth {
		return parent, fault.Invalidf(what, fmt.Sprintf("parent_folder_id: folders nest at most %d deep", limits.SecretFolderDepth))
	}
	return parent, err
}

// SecretFolder returns a folder the caller may see.
func (s *Service) SecretFolder(ctx context.Context, p Principal, rgID, projectID, id string) (SecretItem, error) {
	c, err := s.secretScope(ctx, p, rgID, projectID)
	if err != nil {
		return SecretItem{}, err
	}
	f, err := c.item(ctx, id, store.SecretFolder)
	if err != nil {
		return f, err
	}
	if ok, err := c.visible(ctx, f); err != nil || !ok {
		return SecretItem{}, orDenied(err, "access to the secret folder")
	}
	return f, nil
}

// UpdateSecretFolder renames a folder and replaces its description (folder_update).
func (s *Service) UpdateSecretFolder(ctx context.Context, p Principal, rgID, projectID, id string, in SecretFolderInput) (SecretItem, error) {
	if cs := causes(checkSecretName("name", in.Name), checkSecretDescription(in.Description)); len(cs) > 0 {
		return SecretItem{}, fault.Invalidf("SecretFolderUpdateRequest", cs...)
	}
	c, f, err := s.permitted(ctx, p, rgID, projectID, id, store.SecretFolder,
		func(h SecretPrivileges) bool { return h.FolderUpdate }, "folder_update on the secret folder")
	if err != nil {
		return f, err
	}
	f.Name, f.Description, f.UpdatedAt, f.UpdatedBy = in.Name, in.Description, s.Clock.Now().UTC(), c.actor(ctx)
	if err := s.Store.UpdateSecretItem(ctx, f.SecretItem); err != nil {
		return SecretItem{}, missing(nameTaken(err, f.Name), id, secretFolderNoun)
	}
	return f, nil
}

// DeleteSecretFolder deletes an empty folder (folder_delete); one still holding folders or
// secrets is a Conflict.
func (s *Service) DeleteSecretFolder(ctx context.Context, p Principal, rgID, projectID, id string) error {
	_, f, err := s.permitted(ctx, p, rgID, projectID, id, store.SecretFolder,
		func(h SecretPrivileges) bool { return h.FolderDelete }, "folder_delete on the secret folder")
	if err != nil {
		return err
	}
	err = s.deleteItem(ctx, p.TeamID, projectID, id)
	if errors.Is(err, store.ErrConflict) {
		return fault.Conflictf("the secret folder %s still holds folders or secrets: delete them first", f.Name)
	}
	return missing(err, id, secretFolderNoun)
}

// ListSecretFolderItems pages a folder's folders and secrets by name: all of them for a holder
// of list on the folder; otherwise, for a caller reaching through the folder, those it reaches.
func (s *Service) ListSecretFolderItems(ctx context.Context, p Principal, rgID, projectID, id string, pg store.Page) ([]SecretItem, error) {
	if err := checkPage(pg); err != nil {
		return nil, err
	}
	c, err := s.secretScope(ctx, p, rgID, projectID)
	if err != nil {
		return nil, err
	}
	f, err := c.item(ctx, id, store.SecretFolder)
	if err != nil {
		return nil, err
	}
	if !c.privileges(f).List {
		ok, err := c.reachable(ctx, id)
		if err != nil || !ok {
			return nil, orDenied(err, "list on the secret folder")
		}
		asked := pg.IDs
		pg.IDs = []string{}
		for reached := range c.reach {
			if asked == nil || slices.Contains(asked, reached) {
				pg.IDs = append(pg.IDs, reached)
			}
		}
	}
	items, err := s.Store.ListSecretItems(ctx, p.TeamID, projectID, id, pg)
	path := append(f.Path, f.SecretItem)
	out := make([]SecretItem, len(items))
	for i, it := range items {
		out[i] = c.view(it, path)
	}
	return out, err
}

// intoFolder writes an item (creates or moves it) in one transaction after holding the folder
// it goes into ("" for none): a concurrent delete of that folder then either sees the item and
// is refused, or wins and the write finds no folder. No item is ever left in a deleted folder.
func (s *Service) intoFolder(ctx context.Context, it store.SecretItem, folderID string,
	write func(store.Queries, context.Context, store.SecretItem) error) error {
	return s.Store.InTx(ctx, func(q store.Queries) error {
		if folderID != "" {
			if err := q.HoldSecretFolder(ctx, it.TeamID, it.ProjectID, folderID); err != nil {
				return err
			}
		}
		return write(q, ctx, it)
	})
}

// missingParent words a create that found where it goes gone: the folder it names or, for a
// top-level item, its project (deleted meanwhile).
func missingParent(err error, folderID, projectID string) error {
	if folderID == "" {
		return missing(err, projectID, "Project")
	}
	return missing(err, folderID, secretFolderNoun)
}

// deleteItem deletes an item in a transaction of its own (see intoFolder).
func (s *Service) deleteItem(ctx context.Context, teamID, projectID, id string) error {
	return s.Store.InTx(ctx, func(q store.Queries) error { return q.DeleteSecretItem(ctx, teamID, projectID, id) })
}
