CREATE TABLE opa_saas_apps (
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (team_id, id)
);
CREATE TABLE opa_service_accounts (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  app_id TEXT NOT NULL,
  external_id TEXT NOT NULL,
  name TEXT NOT NULL,
  username TEXT NOT NULL,
  managed INTEGER NOT NULL,
  resource_group_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  rotation_due_at BIGINT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (team_id, kind, app_id, external_id)
);
CREATE INDEX opa_service_accounts_project ON opa_service_accounts (team_id, project_id, id);
CREATE INDEX opa_service_accounts_rotation ON opa_service_accounts (rotation_due_at);
