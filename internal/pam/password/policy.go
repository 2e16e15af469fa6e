package password

import (
	"fmt"
	"strings"
)

// Character sets. Punctuation is every printable ASCII character that is neither a letter, a
// digit nor a space.
const (
	Upper       = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	Lower       = "abcdefghijklmnopqrstuvwxyz"
	Digits      = "0123456789"
	Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
)

// MaxLength bounds max_length_in_bytes: long enough for any account password, short enough that
// a generated password is never a burden to store or send.
const MaxLength = 1024

// Policy is what a generated password must satisfy.
type Policy struct {
	MinLength          int      `json:"min_length"`
	MaxLength          int      `json:"max_length"`
	Upper              bool     `json:"upper"`
	Lower              bool     `json:"lower"`
	Digits             bool     `json:"digits"`
	Punctuation        bool     `json:"punctuation"`
	ExcludeSymbols     []string `json:"exclude_symbols"` // single punctuation characters, only with Punctuation
	RequireFromEachSet bool     `json:"require_from_each_set"`
}

// Check returns a cause ("field: why", naming the OPA field) for every way the policy cannot be
// satisfied, or none.
func (p Policy) Check() []string {
	var cs []string
	if p.MinLength < 1 || p.MinLength > MaxLength {
		cs = append(cs, fmt.Sprintf("min_length_in_bytes: must be between 1 and %d", MaxLength))
	}
	if p.MaxLength < 1 || p.MaxLength > MaxLength {
		cs = append(cs, fmt.Sprintf("max_length_in_bytes: must be between 1 and %d", MaxLength))
	} else if p.MaxLength < p.MinLength {
		cs = append(cs, "max_length_in_bytes: must not be less than min_length_in_bytes")
	}
	if !p.Upper && !p.Lower && !p.Digits && !p.Punctuation {
		cs = append(cs, "character_options: must allow at least one of upper_case, lower_case, digits and punctuation")
	}
	if len(p.ExcludeSymbols) > 0 && !p.Punctuation {
		cs = append(cs, "character_options.exclude_certain_symbols: only applies when punctuation is true")
	}
	for _, s := range p.ExcludeSymbols {
		if len(s) != 1 || !strings.Contains(Punctuation, s) {
			cs = append(cs, fmt.Sprintf("character_options.exclude_certain_symbols: %q is not a single punctuation character", s))
		}
	}
	if p.Punctuation && len(cs) == 0 && p.allowedPunctuation() == "" {
		cs = append(cs, "character_options.exclude_certain_symbols: must leave at least one punctuation character")
	}
	if n := len(p.Sets()); len(cs) == 0 && p.RequireFromEachSet && p.MaxLength < n {
		cs = append(cs, fmt.Sprintf("max_length_in_bytes: must be at least %d to hold one character of each set", n))
	}
	return cs
}

// Sets returns the character sets the policy allows, punctuation less its exclusions.
func (p Policy) Sets() []string {
	var sets []string
	for _, s := range []struct {
		on    bool
		chars string
	}{{p.Upper, Upper}, {p.Lower, Lower}, {p.Digits, Digits}, {p.Punctuation, p.allowedPunctuation()}} {
		if s.on && s.chars != "" {
			sets = append(sets, s.chars)
		}
	}
	return sets
}

func (p Policy) allowedPunctuation() string {
	return strings.Map(func(r rune) rune {
		for _, x := range p.ExcludeSymbols {
			if x == string(r) {
				return -1
			}
		}
		return r
	}, Punctuation)
}

// Satisfies returns why pw does not satisfy the policy, or nil.
func (p Policy) Satisfies(pw string) error {
	if len(pw) < p.MinLength || len(pw) > p.MaxLength {
		return fmt.Errorf("length %d is outside %d..%d", len(pw), p.MinLength, p.MaxLength)
	}
	sets := p.Sets()
	all := strings.Join(sets, "")
	for _, c := range []byte(pw) {
		if !strings.ContainsRune(all, rune(c)) {
			return fmt.Errorf("character %q is not allowed", c)
		}
	}
	if p.RequireFromEachSet {
		for _, s := range sets {
			if !strings.ContainsAny(pw, s) {
				return fmt.Errorf("no character of %q", s)
			}
		}
	}
	return nil
}
