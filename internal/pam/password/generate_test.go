package password

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// randomPolicy draws a valid policy: any mix of sets, exclusions, lengths and the each-set rule.
func randomPolicy(r *rand.Rand) Policy {
	for {
		p := Policy{Upper: r.IntN(2) == 0, Lower: r.IntN(2) == 0, Digits: r.IntN(2) == 0, Punctuation: r.IntN(2) == 0,
			RequireFromEachSet: r.IntN(2) == 0}
		if p.Punctuation {
			for _, c := range Punctuation {
				if r.IntN(3) == 0 {
					p.ExcludeSymbols = append(p.ExcludeSymbols, string(c))
				}
			}
		}
		p.MinLength = 1 + r.IntN(40)
		p.MaxLength = p.MinLength + r.IntN(40)
		if r.IntN(50) == 0 {
			p.MaxLength = MaxLength
		}
		if len(p.Check()) == 0 {
			return p
		}
	}
}

// TestGeneratedPasswordsSatisfyTheirPolicy is the property: for thousands of random valid
// policies, every generated password satisfies its policy.
func TestGeneratedPasswordsSatisfyTheirPolicy(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 2026))
	for i := 0; i < 5000; i++ {
		p := randomPolicy(r)
		pw, err := Generate(p)
		if err != nil {
			t.Fatalf("policy %+v: %v", p, err)
		}
		if err := p.Satisfies(pw); err != nil {
			t.Fatalf("policy %+v: password %q: %v", p, pw, err)
		}
	}
}

// TestEverySetIsUsed checks that a long password of one policy draws from every allowed
// character, and never from an excluded one: the choice spans the whole alphabet.
func TestEverySetIsUsed(t *testing.T) {
	p := Policy{MinLength: 1024, MaxLength: 1024, Upper: true, Lower: true, Digits: true, Punctuation: true,
		ExcludeSymbols: []string{"\"", "'", "\\"}}
	seen := map[byte]bool{}
	for i := 0; i < 20; i++ {
		pw, err := Generate(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []byte(pw) {
			seen[c] = true
		}
	}
	all := strings.Join(p.Sets(), "")
	if len(seen) != len(all) {
		t.Fatalf("saw %d distinct characters, want all %d", len(seen), len(all))
	}
	for _, x := range p.ExcludeSymbols {
		if seen[x[0]] {
			t.Fatalf("excluded %q was used", x)
		}
	}
}

// TestLengthsSpanTheRange checks that lengths are drawn over the whole range, not pinned.
func TestLengthsSpanTheRange(t *testing.T) {
	p := Policy{MinLength: 8, MaxLength: 12, Lower: true}
	seen := map[int]bool{}
	for i := 0; i < 500; i++ {
		pw, err := Generate(p)
		if err != nil {
			t.Fatal(err)
		}
		seen[len(pw)] = true
	}
	if len(seen) != 5 {
		t.Fatalf("lengths seen: %v, want 8..12", seen)
	}
}

func TestCheckNamesTheField(t *testing.T) {
	tests := []struct {
		name   string
		p      Policy
		prefix string
	}{
		{"min above max", Policy{MinLength: 10, MaxLength: 5, Lower: true}, "max_length_in_bytes:"},
		{"zero min", Policy{MinLength: 0, MaxLength: 5, Lower: true}, "min_length_in_bytes:"},
		{"too long", Policy{MinLength: 1, MaxLength: MaxLength + 1, Lower: true}, "max_length_in_bytes:"},
		{"no set", Policy{MinLength: 1, MaxLength: 5}, "character_options:"},
		{"exclusions without punctuation", Policy{MinLength: 1, MaxLength: 5, Lower: true, ExcludeSymbols: []string{"!"}}, "character_options.exclude_certain_symbols:"},
		{"exclusion not punctuation", Policy{MinLength: 1, MaxLength: 5, Punctuation: true, ExcludeSymbols: []string{"a"}}, "character_options.exclude_certain_symbols:"},
		{"exclusion of two", Policy{MinLength: 1, MaxLength: 5, Punctuation: true, ExcludeSymbols: []string{"!?"}}, "character_options.exclude_certain_symbols:"},
		{"every symbol excluded", Policy{MinLength: 1, MaxLength: 5, Punctuation: true, ExcludeSymbols: strings.Split(Punctuation, "")}, "character_options.exclude_certain_symbols:"},
		{"each set cannot fit", Policy{MinLength: 1, MaxLength: 3, Upper: true, Lower: true, Digits: true, Punctuation: true, RequireFromEachSet: true}, "max_length_in_bytes:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs := tc.p.Check()
			if len(cs) == 0 || !strings.HasPrefix(cs[0], tc.prefix) {
				t.Fatalf("causes %q, want one starting %q", cs, tc.prefix)
			}
			if _, err := Generate(tc.p); err == nil {
				t.Fatal("Generate accepted an invalid policy")
			}
		})
	}
}

// BenchmarkGenerate is one 32-byte password of every set with one character of each.
func BenchmarkGenerate(b *testing.B) {
	p := Policy{MinLength: 32, MaxLength: 32, Upper: true, Lower: true, Digits: true, Punctuation: true, RequireFromEachSet: true}
	for b.Loop() {
		if _, err := Generate(p); err != nil {
			b.Fatal(err)
		}
	}
}
