CREATE TABLE opa_service_tokens (
  hash TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  key_id TEXT NOT NULL,
  roles TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX opa_service_tokens_expiry ON opa_service_tokens (expires_at);
