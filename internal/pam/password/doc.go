// Package password generates passwords that satisfy an OPA password policy: a length in bytes
// between a minimum and a maximum, drawn from the character sets the policy allows (upper case,
// lower case, digits, ASCII punctuation less the excluded symbols), with, when the policy asks,
// at least one character of every allowed set.
//
// Every random choice (the length, each character, the shuffle) is uniform and comes from
// crypto/rand. With RequireFromEachSet, one character of each set is placed first, the rest is
// drawn from the union of the sets, and the whole is shuffled, so that no position is
// predictable. All characters are ASCII: a length in characters is a length in bytes.
package password
