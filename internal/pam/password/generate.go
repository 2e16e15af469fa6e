package password

import (
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
)

// Generate returns a password satisfying p, or an error when p cannot be satisfied (see Check)
// or the system's random source fails.
func Generate(p Policy) (string, error) {
	if cs := p.Check(); len(cs) > 0 {
		return "", errors.New("password policy: " + strings.Join(cs, "; "))
	}
	sets := p.Sets()
	lo := p.MinLength
	if p.RequireFromEachSet && lo < len(sets) {
		lo = len(sets)
	}
	n, err := between(lo, p.MaxLength)
	if err != nil {
		return "", err
	}
	out := make([]byte, 0, n)
	if p.RequireFromEachSet {
		for _, s := range sets {
			c, err := pick(s)
			if err != nil {
				return "", err
			}
			out = append(out, c)
		}
	}
	all := strings.Join(sets, "")
	for len(out) < n {
		c, err := pick(all)
		if err != nil {
			return "", err
		}
		out = append(out, c)
	}
	if err := shuffle(out); err != nil {
		return "", err
	}
	return string(out), nil
}

// uniform returns a uniform integer in [0, n) from crypto/rand (rand.Int rejects the values
// that would bias a modulo).
func uniform(n int) (int, error) {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		return 0, err
	}
	return int(v.Int64()), nil
}

func between(lo, hi int) (int, error) {
	v, err := uniform(hi - lo + 1)
	return lo + v, err
}

func pick(chars string) (byte, error) {
	i, err := uniform(len(chars))
	return chars[i], err
}

// shuffle is Fisher–Yates: every order equally likely, so the characters placed first for
// RequireFromEachSet end up anywhere.
func shuffle(b []byte) error {
	for i := len(b) - 1; i > 0; i-- {
		j, err := uniform(i + 1)
		if err != nil {
			return err
		}
		b[i], b[j] = b[j], b[i]
	}
	return nil
}
