// Package vault is how secrets leave and enter keyward encrypted: a secret handed to a user (a
// revealed or generated password) is a compact JWE encrypted to the public JWK the user sent
// (RSA-OAEP-256 for RSA keys, ECDH-ES for EC keys, content always A256GCM), so it is readable
// only by the holder of the private key; and each team publishes its vault keys (GET
// /vault/jwks.json) so clients can encrypt what they send to it.
//
// A team's vault key is an EC P-256 key derived from the server's vault key (itself derived
// from the secret key) and the team id: every process serving the team holds the same key
// without storing it, and changing the secret key changes every team's vault key. Passwords at
// rest are sealed separately, with AES-256-GCM under the secret key (package secret).
//
// JOSE processing is go-jose's (github.com/go-jose/go-jose/v4): a maintained, audited
// implementation rather than hand-rolled key wrapping.
package vault
