CREATE TABLE work_items (
  kind TEXT NOT NULL,
  item_id TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  claimed_by TEXT NOT NULL DEFAULT '',
  claim_expires BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, item_id)
);
CREATE INDEX work_items_due ON work_items (kind, due_at);
