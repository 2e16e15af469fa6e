// Package app is keyward's composition root: it opens the store, bootstraps an empty database,
// builds the services and handlers with their explicit dependencies, runs the HTTP server and
// the background jobs, and shuts them down in order.
package app
