CREATE TABLE opa_project_settings (
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  project_id TEXT NOT NULL REFERENCES opa_projects(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  modified_at BIGINT NOT NULL,
  PRIMARY KEY (project_id, kind)
);
CREATE TABLE opa_security_policies (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  active BOOLEAN NOT NULL,
  resource_group_id TEXT NOT NULL REFERENCES opa_resource_groups(id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (team_id, name)
);
CREATE TABLE opa_security_policy_groups (
  policy_id TEXT NOT NULL REFERENCES opa_security_policies(id) ON DELETE CASCADE,
  group_id TEXT NOT NULL REFERENCES opa_groups(id) ON DELETE CASCADE,
  PRIMARY KEY (policy_id, group_id)
);
CREATE INDEX opa_security_policy_groups_group ON opa_security_policy_groups (group_id, policy_id);
