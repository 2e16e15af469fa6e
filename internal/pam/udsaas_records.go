package pam

import "github.com/keyward/keyward/internal/store"

// ServiceAccountsOf decodes stored UD and SaaS accounts (for a snapshot of the team's state).
func ServiceAccountsOf(rs []store.ServiceAccount) ([]ServiceAccount, error) {
	return serviceAccountsOf(rs)
}
