package config

import "fmt"

// Chosen credentials are stored as keyward stores generated ones, as a plain SHA-256: fast to
// check on every request, and safe only because a generated secret has 256 random bits, which no
// one can search. A slow KDF would have to run on every request (or behind a cache of clear
// secrets), so keyward asks a chosen secret to be as strong as a generated one instead.
const (
	// minSecretLength is the length of 32 bytes in base64: `openssl rand -base64 32`.
	minSecretLength = 43
	// minSecretSymbols catches long strings of little variety ("aaaa…", "abab…"); 64 random hex
	// digits show all 16 symbols but for a chance of about 3%, and always more than 12.
	minSecretSymbols = 12
)

func (c Config) validateCredentials() []error {
	var errs []error
	secrets := []struct{ name, value string }{{"admin-token", c.AdminToken}}
	if c.OPAKeyID != "" { // a secret without its id is reported as such
		secrets = append(secrets, struct{ name, value string }{"opa-key-secret", c.OPAKeySecret})
	}
	for _, s := range secrets {
		if s.value != "" && !StrongSecret(s.value) {
			errs = append(errs, fmt.Errorf("%s: a chosen secret must be as strong as a generated one: at least %d characters "+
				"with at least %d different ones, such as the output of `openssl rand -base64 32` (or leave it empty to have one generated)",
				s.name, minSecretLength, minSecretSymbols))
		}
	}
	return errs
}

// StrongSecret tells whether a chosen secret s is as strong as a generated one: whether it looks
// like at least 32 random bytes (at least 43 characters with at least 12 different ones).
// Randomness cannot be seen in one string; this refuses what is plainly short or repetitive.
func StrongSecret(s string) bool {
	symbols := map[rune]bool{}
	for _, r := range s {
		symbols[r] = true
	}
	return len(s) >= minSecretLength && len(symbols) >= minSecretSymbols
}
