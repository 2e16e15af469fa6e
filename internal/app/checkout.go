package app

import (
	"github.com/keyward/keyward/internal/jobs"
	"github.com/keyward/keyward/internal/pam"
)

// registerCheckoutWork registers the OPA checkout's kinds of due work after the rollout's:
// checkout expiry, rotation retries, periodic rotation and the initial rotation of assigned
// UD and SaaS accounts, each a work item per account.
func registerCheckoutWork(r *jobs.Runner, svc *pam.Service) {
	r.RegisterItems(pam.WorkCheckoutExpiry, svc.ExpireCheckout)
	r.RegisterItems(pam.WorkRotationRetry, svc.RetryRotation)
	r.RegisterItems(pam.WorkPeriodicRotation, svc.RotatePeriodically)
	r.RegisterItems(pam.WorkInitialRotation, svc.RotateInitially)
}
