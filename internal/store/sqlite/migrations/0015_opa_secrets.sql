CREATE TABLE opa_secret_items (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  project_id TEXT NOT NULL REFERENCES opa_projects(id) ON DELETE CASCADE,
  parent_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  sealed_value TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT NOT NULL,
  UNIQUE (project_id, parent_id, name)
);
CREATE INDEX opa_secret_items_parent ON opa_secret_items (parent_id);
