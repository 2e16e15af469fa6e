CREATE TABLE opa_enrollment_tokens (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  resource_group_id TEXT NOT NULL,
  project_id TEXT NOT NULL REFERENCES opa_projects(id) ON DELETE CASCADE,
  secret_hash TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  created_by_user TEXT NOT NULL,
  issued_at BIGINT NOT NULL
);
CREATE INDEX opa_enrollment_tokens_project ON opa_enrollment_tokens (project_id, id);
CREATE TABLE opa_servers (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  resource_group_id TEXT NOT NULL,
  project_id TEXT NOT NULL REFERENCES opa_projects(id) ON DELETE CASCADE,
  hostname TEXT NOT NULL,
  os_type TEXT NOT NULL,
  os TEXT NOT NULL,
  agent_version TEXT NOT NULL,
  labels TEXT NOT NULL,
  credential_hash TEXT NOT NULL UNIQUE,
  registered_at BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  UNIQUE (project_id, hostname)
);
CREATE INDEX opa_servers_team ON opa_servers (team_id, resource_group_id, id);
CREATE INDEX opa_servers_seen ON opa_servers (project_id, last_seen);
CREATE TABLE opa_server_accounts (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  resource_group_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  server_id TEXT NOT NULL REFERENCES opa_servers(id) ON DELETE CASCADE,
  login TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (server_id, login)
);
CREATE INDEX opa_server_accounts_team ON opa_server_accounts (team_id, resource_group_id, project_id, id);
CREATE TABLE opa_server_instructions (
  id TEXT PRIMARY KEY,
  server_id TEXT NOT NULL REFERENCES opa_servers(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  delivered_attempt INTEGER NOT NULL,
  status TEXT NOT NULL,
  result TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX opa_server_instructions_server ON opa_server_instructions (server_id, status, created_at);
