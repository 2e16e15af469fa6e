CREATE TABLE opa_password_directory (
  account_id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  resource_type TEXT NOT NULL,
  password TEXT NOT NULL,
  changed_at BIGINT NOT NULL,
  success_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL
);
CREATE TABLE opa_directory_failures (
  team_id TEXT PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
  message TEXT NOT NULL
);
