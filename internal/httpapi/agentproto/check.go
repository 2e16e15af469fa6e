package agentproto

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Field limits: generous for real agents, small enough that a report cannot bloat the database.
const (
	maxName    = 255
	maxMessage = 1024
)

func checkName(name string) []string {
	switch {
	case name == "":
		return []string{"name: is required"}
	case utf8.RuneCountInString(name) > maxName:
		return []string{"name: must be at most 255 characters"}
	}
	return nil
}

// checkVersion accepts the dotted versions agents report ("3.20.0"; two or three numbers), the
// same form the admin API accepts for agents and releases.
func checkVersion(v string) []string {
	if v == "" {
		return []string{"version: is required"}
	}
	parts := strings.Split(v, ".")
	ok := len(parts) == 2 || len(parts) == 3
	for _, p := range parts {
		ok = ok && p != "" && len(p) <= 9 && strings.Trim(p, "0123456789") == ""
	}
	if !ok {
		return []string{"version: must be a dotted version such as 3.20.0"}
	}
	return nil
}

func checkMessage(m string) []string {
	if utf8.RuneCountInString(m) > maxMessage {
		return []string{"message: must be at most 1024 characters"}
	}
	return nil
}

// seconds rounds an interval up to whole seconds, at least one: agents count in seconds.
func seconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}
