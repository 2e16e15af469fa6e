// Package storetest is the conformance suite every store backend runs, and the helper that gives
// tests a fresh PostgreSQL schema. A backend's test calls Run with a function opening an empty
// store; nothing here knows which backend it is testing.
package storetest
