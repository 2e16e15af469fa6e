package app

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/keyward/keyward/internal/seed"
)

// readSeedFile reads and checks serve --seed's document (none when path is empty) before
// anything is stored or printed, so that a missing or malformed file stops the start before
// bootstrap shows one-time credentials.
func readSeedFile(path string) (*seed.Document, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	doc, err := seed.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("seed %s: %w", path, err)
	}
	return &doc, nil
}

// loadSeedFile loads serve --seed's document, read by readSeedFile, into the first org (the one
// bootstrap made) on start. Loading is idempotent, so a server restarted with the same file
// changes nothing; keys generated for teams it created are printed once to out.
func loadSeedFile(ctx context.Context, s *seed.Service, path string, doc *seed.Document, out io.Writer) error {
	if doc == nil {
		return nil
	}
	org, err := s.Store.FirstOrg(ctx)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	res, err := s.Load(ctx, org.ID, *doc)
	if err != nil {
		return fmt.Errorf("seed %s: %w", path, err)
	}
	total := 0
	for _, n := range res.Created {
		total += n
	}
	fmt.Fprintf(out, "keyward: seed %s loaded (%d objects created)\n", path, total)
	for _, k := range res.Keys {
		fmt.Fprintf(out, "keyward: OPA team %q service user %q key id: %s secret (shown once): %s\n", k.Team, k.User, k.ID, k.Secret)
	}
	return nil
}
