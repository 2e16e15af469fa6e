CREATE TABLE opa_ad_connections (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  domain TEXT NOT NULL,
  app_instance_id TEXT NOT NULL,
  status TEXT NOT NULL,
  sync_status TEXT NOT NULL,
  directory TEXT NOT NULL,
  rule_settings TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (team_id, domain)
);
CREATE TABLE opa_ad_accounts (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  connection_id TEXT NOT NULL REFERENCES opa_ad_connections(id) ON DELETE CASCADE,
  sid TEXT NOT NULL,
  upn TEXT NOT NULL,
  resource_group_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  body TEXT NOT NULL,
  synced_at BIGINT NOT NULL,
  UNIQUE (connection_id, sid)
);
CREATE INDEX opa_ad_accounts_project ON opa_ad_accounts (team_id, project_id, id);
CREATE TABLE opa_ad_rules (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  connection_id TEXT NOT NULL REFERENCES opa_ad_connections(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  priority INTEGER NOT NULL,
  resource_group_id TEXT NOT NULL REFERENCES opa_resource_groups(id) ON DELETE CASCADE,
  project_id TEXT NOT NULL REFERENCES opa_projects(id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  UNIQUE (connection_id, name)
);
