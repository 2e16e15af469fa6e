package app

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/keyward/keyward/internal/seed"
)

// loadSeedFile loads serve --seed's document into the first org (the one bootstrap made) on
// start. Loading is idempotent, so a server restarted with the same file changes nothing; keys
// generated for teams it created are printed once to out.
func loadSeedFile(ctx context.Context, s *seed.Service, path string, out io.Writer) error {
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	doc, err := seed.Parse(data)
	if err != nil {
		return fmt.Errorf("seed %s: %w", path, err)
	}
	org, err := s.Store.FirstOrg(ctx)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	res, err := s.Load(ctx, org.ID, doc)
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
