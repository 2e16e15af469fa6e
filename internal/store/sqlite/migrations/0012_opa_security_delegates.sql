CREATE TABLE opa_resource_group_security_admins (
  resource_group_id TEXT NOT NULL REFERENCES opa_resource_groups(id) ON DELETE CASCADE,
  group_id TEXT NOT NULL REFERENCES opa_groups(id) ON DELETE CASCADE,
  PRIMARY KEY (resource_group_id, group_id)
);
CREATE INDEX opa_resource_group_security_admins_group ON opa_resource_group_security_admins (group_id);
