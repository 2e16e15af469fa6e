package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store"
)

func secretItem(p store.Project, id, parent, kind, name string) store.SecretItem {
	desc := "about " + name
	return store.SecretItem{ID: id, TeamID: p.TeamID, ProjectID: p.ID, ParentID: parent, Kind: kind, Name: name,
		Description: &desc, CreatedAt: t0, CreatedBy: "alice", UpdatedAt: t0, UpdatedBy: "alice"}
}

func secretNames(items []store.SecretItem) string {
	return joined(items, func(it store.SecretItem) string { return it.Name })
}

func testSecretItems(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1", "tm2")
	p := seedProject(t, s, seedResourceGroup(t, s, "tm1", "r1", "prod"), "p1", "vault")
	q := seedProject(t, s, seedResourceGroup(t, s, "tm1", "r2", "dev"), "p2", "vault")
	foreign := seedProject(t, s, seedResourceGroup(t, s, "tm2", "r3", "prod"), "x1", "vault")

	top := secretItem(p, "f1", "", store.SecretFolder, "ops")
	must(t, s.CreateSecretItem(ctx, top))
	must(t, s.CreateSecretItem(ctx, secretItem(p, "f2", "", store.SecretFolder, "dev")))
	must(t, s.CreateSecretItem(ctx, secretItem(p, "f3", "f1", store.SecretFolder, "db")))
	sec := secretItem(p, "s1", "f3", store.SecretKeyValue, "root")
	sec.Value, sec.Description = "sealed-1", nil
	must(t, s.CreateSecretItem(ctx, sec))
	must(t, s.CreateSecretItem(ctx, secretItem(p, "s2", "f3", store.SecretKeyValue, "app")))
	must(t, s.CreateSecretItem(ctx, secretItem(q, "g1", "", store.SecretFolder, "ops"))) // same name, another project

	// Names are unique within one folder; a parent must be a folder of the same project.
	wantErr(t, s.CreateSecretItem(ctx, secretItem(p, "f9", "", store.SecretFolder, "ops")), store.ErrConflict)
	wantErr(t, s.CreateSecretItem(ctx, secretItem(p, "f9", "f3", store.SecretFolder, "root")), store.ErrConflict)
	wantErr(t, s.CreateSecretItem(ctx, secretItem(p, "f9", "s1", store.SecretFolder, "x")), store.ErrNotFound)
	wantErr(t, s.CreateSecretItem(ctx, secretItem(p, "f9", "g1", store.SecretFolder, "x")), store.ErrNotFound)
	wantErr(t, s.CreateSecretItem(ctx, secretItem(foreign, "f9", "f1", store.SecretFolder, "x")), store.ErrNotFound)
	must(t, s.CreateSecretItem(ctx, secretItem(p, "f4", "f1", store.SecretFolder, "root"))) // "root" again, another folder

	got, err := s.GetSecretItem(ctx, "tm1", "p1", "s1")
	must(t, err)
	if !reflect.DeepEqual(got, sec) {
		t.Fatalf("got %+v, want %+v", got, sec)
	}
	for _, k := range [][3]string{{"tm2", "p1", "s1"}, {"tm1", "p2", "s1"}, {"tm1", "p1", "nope"}} {
		_, err := s.GetSecretItem(ctx, k[0], k[1], k[2])
		wantErr(t, err, store.ErrNotFound)
	}

	up, err := s.SecretItemAncestors(ctx, "tm1", "s1", 16)
	must(t, err)
	if secretNames(up) != "ops,db" {
		t.Fatalf("ancestors %s", secretNames(up))
	}
	if up, err := s.SecretItemAncestors(ctx, "tm1", "s1", 1); err != nil || secretNames(up) != "db" {
		t.Fatalf("ancestors within one level %s %v", secretNames(up), err)
	}
	for _, k := range [][2]string{{"tm1", "f1"}, {"tm2", "s1"}, {"tm1", "nope"}} {
		if up, err := s.SecretItemAncestors(ctx, k[0], k[1], 16); err != nil || len(up) != 0 {
			t.Fatalf("ancestors of %v: %s %v", k, secretNames(up), err)
		}
	}

	list := func(parent string, pg store.Page) string {
		t.Helper()
		items, err := s.ListSecretItems(ctx, "tm1", "p1", parent, pg)
		must(t, err)
		return secretNames(items)
	}
	for _, c := range []struct {
		parent string
		page   store.Page
		want   string
	}{
		{"", store.Page{}, "dev,ops"},
		{"f3", store.Page{}, "app,root"},
		{"f1", store.Page{}, "db,root"},
		{"f3", store.Page{Descending: true}, "root,app"},
		{"f3", store.Page{After: "app"}, "root"},
		{"f3", store.Page{Limit: 1}, "app"},
		{"f3", store.Page{IDs: []string{"s1"}}, "root"},
		{"f3", store.Page{IDs: []string{}}, ""},
	} {
		if got := list(c.parent, c.page); got != c.want {
			t.Errorf("list %q %+v = %q, want %q", c.parent, c.page, got, c.want)
		}
	}
	if items, err := s.ListSecretItems(ctx, "tm2", "p1", "", store.Page{}); err != nil || len(items) != 0 {
		t.Fatalf("tm2 lists %s %v", secretNames(items), err)
	}

	// Update renames, rewrites the value and moves into another folder of the project.
	later := t0.Add(time.Hour)
	sec.Name, sec.Value, sec.ParentID, sec.UpdatedAt, sec.UpdatedBy = "admin", "sealed-2", "f2", later, "bob"
	must(t, s.UpdateSecretItem(ctx, sec))
	got, err = s.GetSecretItem(ctx, "tm1", "p1", "s1")
	must(t, err)
	if !reflect.DeepEqual(got, sec) {
		t.Fatalf("updated %+v, want %+v", got, sec)
	}
	moved := sec
	moved.Name = "app"
	moved.ParentID = "f3"
	wantErr(t, s.UpdateSecretItem(ctx, moved), store.ErrConflict) // f3 has an "app"
	for _, parent := range []string{"s2", "g1", "s1", "nope"} {
		moved.ParentID = parent
		moved.Name = "fresh"
		wantErr(t, s.UpdateSecretItem(ctx, moved), store.ErrNotFound)
	}
	foreignSec := sec
	foreignSec.TeamID = "tm2"
	wantErr(t, s.UpdateSecretItem(ctx, foreignSec), store.ErrNotFound)

	must(t, s.HoldSecretFolder(ctx, "tm1", "p1", "f1"))
	wantErr(t, s.HoldSecretFolder(ctx, "tm1", "p1", "s1"), store.ErrNotFound)
	wantErr(t, s.HoldSecretFolder(ctx, "tm2", "p1", "f1"), store.ErrNotFound)
	if got, _ := s.GetSecretItem(ctx, "tm1", "p1", "f1"); !reflect.DeepEqual(got, top) {
		t.Fatalf("held folder changed: %+v", got)
	}

	// A folder holding items is not deleted; an empty one and a secret are.
	wantErr(t, s.DeleteSecretItem(ctx, "tm1", "p1", "f1"), store.ErrConflict)
	wantErr(t, s.DeleteSecretItem(ctx, "tm2", "p1", "s1"), store.ErrNotFound)
	wantErr(t, s.DeleteSecretItem(ctx, "tm1", "p1", "nope"), store.ErrNotFound)
	must(t, s.DeleteSecretItem(ctx, "tm1", "p1", "s2"))
	must(t, s.DeleteSecretItem(ctx, "tm1", "p1", "f3"))
	if got := list("f1", store.Page{}); got != "root" {
		t.Fatalf("after deletes f1 holds %q", got)
	}

	// Deleting the project takes its secrets with it.
	must(t, s.DeleteProject(ctx, "tm1", "r2", "p2"))
	_, err = s.GetSecretItem(ctx, "tm1", "p2", "g1")
	wantErr(t, err, store.ErrNotFound)
}

// testSecretFolderRace adds an item to a folder while another transaction deletes the folder:
// whichever wins, no item is left in a deleted folder.
func testSecretFolderRace(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedTeams(t, s, "tm1")
	p := seedProject(t, s, seedResourceGroup(t, s, "tm1", "r1", "prod"), "p1", "vault")
	for round := range 20 {
		folder := secretItem(p, fmt.Sprintf("f%d", round), "", store.SecretFolder, fmt.Sprintf("folder-%d", round))
		must(t, s.CreateSecretItem(ctx, folder))
		child := secretItem(p, fmt.Sprintf("c%d", round), folder.ID, store.SecretKeyValue, "child")
		var wg sync.WaitGroup
		var addErr, delErr error
		wg.Go(func() {
			addErr = s.InTx(ctx, func(q store.Queries) error {
				if err := q.HoldSecretFolder(ctx, "tm1", "p1", folder.ID); err != nil {
					return err
				}
				return q.CreateSecretItem(ctx, child)
			})
		})
		wg.Go(func() {
			delErr = s.InTx(ctx, func(q store.Queries) error { return q.DeleteSecretItem(ctx, "tm1", "p1", folder.ID) })
		})
		wg.Wait()
		_, folderErr := s.GetSecretItem(ctx, "tm1", "p1", folder.ID)
		_, childErr := s.GetSecretItem(ctx, "tm1", "p1", child.ID)
		switch {
		case addErr == nil && errors.Is(delErr, store.ErrConflict) && folderErr == nil && childErr == nil:
		case errors.Is(addErr, store.ErrNotFound) && delErr == nil && errors.Is(folderErr, store.ErrNotFound) && errors.Is(childErr, store.ErrNotFound):
		default:
			t.Fatalf("round %d: add %v, delete %v; folder %v, child %v", round, addErr, delErr, folderErr, childErr)
		}
	}
}
