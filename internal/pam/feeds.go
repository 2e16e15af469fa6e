package pam

import "strconv"

// feedEntry is an account of a directory feed, checked with the path prefix of its place.
type feedEntry interface {
	check(prefix string) []string
}

// checkFeed checks every entry of a feed ("accounts[i].<field>: …") and that the key field
// named keyField is unique; any cause refuses the whole feed.
func checkFeed[E feedEntry](entries []E, keyField string, key func(E) string) []string {
	seen := make(map[string]bool, len(entries))
	var cs []string
	for i, e := range entries {
		prefix := "accounts[" + strconv.Itoa(i) + "]."
		cs = append(cs, e.check(prefix)...)
		if seen[key(e)] {
			cs = append(cs, prefix+keyField+": is given twice")
		}
		seen[key(e)] = true
	}
	return cs
}
