CREATE TABLE opa_users (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  user_type TEXT NOT NULL,
  status TEXT NOT NULL,
  email TEXT NOT NULL,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  deleted_at BIGINT NOT NULL,
  UNIQUE (team_id, name)
);
CREATE TABLE opa_groups (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  roles TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (team_id, name)
);
CREATE TABLE opa_group_members (
  group_id TEXT NOT NULL REFERENCES opa_groups(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES opa_users(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX opa_group_members_user ON opa_group_members (user_id, group_id);
ALTER TABLE service_user_keys ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
ALTER TABLE service_user_keys ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE service_user_keys ADD COLUMN last_used BIGINT NOT NULL DEFAULT 0;
CREATE INDEX service_user_keys_user ON service_user_keys (team_id, user_id, id);
CREATE INDEX opa_service_tokens_key ON opa_service_tokens (key_id);
CREATE TABLE opa_user_tokens (
  hash TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES opa_users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX opa_user_tokens_expiry ON opa_user_tokens (expires_at);
CREATE TABLE opa_resource_groups (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (team_id, name)
);
CREATE TABLE opa_resource_group_admins (
  resource_group_id TEXT NOT NULL REFERENCES opa_resource_groups(id) ON DELETE CASCADE,
  group_id TEXT NOT NULL REFERENCES opa_groups(id) ON DELETE CASCADE,
  PRIMARY KEY (resource_group_id, group_id)
);
CREATE INDEX opa_resource_group_admins_group ON opa_resource_group_admins (group_id);
CREATE TABLE opa_projects (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  resource_group_id TEXT NOT NULL REFERENCES opa_resource_groups(id),
  name TEXT NOT NULL,
  ssh_certificate_type TEXT NOT NULL,
  next_unix_uid INTEGER NOT NULL,
  next_unix_gid INTEGER NOT NULL,
  gateway_selector TEXT NOT NULL,
  create_server_users BOOLEAN NOT NULL,
  force_shared_ssh_users BOOLEAN NOT NULL,
  persistent_server_user_accounts BOOLEAN,
  require_preauth_for_creds BOOLEAN NOT NULL,
  server_account_management BOOLEAN NOT NULL,
  shared_admin_user_name TEXT NOT NULL,
  shared_standard_user_name TEXT NOT NULL,
  user_on_demand_period BIGINT,
  created_at BIGINT NOT NULL,
  UNIQUE (resource_group_id, name)
);
