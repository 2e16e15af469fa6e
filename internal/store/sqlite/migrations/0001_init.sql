CREATE TABLE orgs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  admin BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE teams (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE service_user_keys (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  user_name TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  roles TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE service_apps (
  client_id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  scopes TEXT NOT NULL,
  jwks TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE assertion_ids (
  client_id TEXT NOT NULL,
  jti TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (client_id, jti)
);
CREATE TABLE signing_keys (
  slot TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  sealed BLOB NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE pools (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (org_id, type, name)
);
CREATE INDEX pools_page ON pools (org_id, type, id);
CREATE TABLE pool_settings (
  pool_id TEXT PRIMARY KEY REFERENCES pools(id) ON DELETE CASCADE,
  agent_type TEXT NOT NULL,
  release_channel TEXT NOT NULL,
  continue_on_error BOOLEAN NOT NULL
);
CREATE TABLE registration_tokens (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  version TEXT NOT NULL,
  hidden BOOLEAN NOT NULL,
  deactivated BOOLEAN NOT NULL,
  healthy BOOLEAN NOT NULL,
  health_message TEXT NOT NULL,
  last_connection BIGINT NOT NULL,
  credential_hash TEXT NOT NULL,
  update_status TEXT NOT NULL,
  update_message TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (pool_id, name)
);
CREATE INDEX agents_pool ON agents (pool_id, created_at, id);
CREATE UNIQUE INDEX agents_credential ON agents (credential_hash) WHERE credential_hash <> '';
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  agent_type TEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  notify_admin BOOLEAN NOT NULL,
  reason TEXT NOT NULL,
  sort_order INTEGER NOT NULL,
  status TEXT NOT NULL,
  target_version TEXT NOT NULL,
  scheduled BOOLEAN NOT NULL,
  cron TEXT NOT NULL,
  timezone TEXT NOT NULL,
  duration INTEGER NOT NULL,
  delay_days INTEGER NOT NULL,
  last_updated BIGINT NOT NULL,
  window_end BIGINT NOT NULL,
  version BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_pool ON jobs (pool_id, created_at);
CREATE INDEX jobs_status ON jobs (status);
CREATE TABLE job_agents (
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  status TEXT NOT NULL,
  message TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  instruction_id TEXT NOT NULL,
  delivered BOOLEAN NOT NULL,
  changed_at BIGINT NOT NULL,
  PRIMARY KEY (job_id, agent_id)
);
CREATE INDEX job_agents_instruction ON job_agents (instruction_id);
CREATE INDEX job_agents_agent ON job_agents (agent_id);
CREATE TABLE releases (
  agent_type TEXT NOT NULL,
  channel TEXT NOT NULL,
  version TEXT NOT NULL,
  released_at BIGINT NOT NULL,
  PRIMARY KEY (agent_type, channel, version)
);
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  request_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX events_org ON events (org_id, id);
