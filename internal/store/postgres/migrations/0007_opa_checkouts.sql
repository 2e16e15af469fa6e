CREATE TABLE opa_checkouts (
  account_id TEXT PRIMARY KEY,
  resource_type TEXT NOT NULL,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  resource_group_id TEXT NOT NULL,
  project_id TEXT NOT NULL REFERENCES opa_projects(id) ON DELETE CASCADE,
  state TEXT NOT NULL,
  user_id TEXT NOT NULL,
  checkout_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  checkin_type TEXT NOT NULL,
  checkin_by TEXT NOT NULL,
  checkin_start_at BIGINT NOT NULL,
  password TEXT NOT NULL,
  pending_password TEXT NOT NULL,
  instruction_id TEXT NOT NULL,
  rotation_fails INTEGER NOT NULL,
  success_at BIGINT NOT NULL,
  error_at BIGINT NOT NULL,
  error_type TEXT NOT NULL,
  version INTEGER NOT NULL
);
CREATE INDEX opa_checkouts_team ON opa_checkouts (team_id, project_id, account_id);
CREATE INDEX opa_checkouts_user ON opa_checkouts (team_id, user_id, account_id);
