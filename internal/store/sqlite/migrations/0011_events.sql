-- The event log gains team scope, a type and resource, a summary and before/after states. The
-- table was never written before this migration, so it is made again rather than altered.
DROP TABLE events;
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  request_id TEXT NOT NULL,
  type TEXT NOT NULL,
  resource TEXT NOT NULL,
  summary TEXT NOT NULL,
  before_state TEXT NOT NULL,
  after_state TEXT NOT NULL
);
CREATE INDEX events_org ON events (org_id, id);
CREATE INDEX events_at ON events (at);
