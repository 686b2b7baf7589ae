-- One-time codes that pair a chat with an agent group: sending the code in a chat wires that chat
-- to the group and makes the sender its admin. A code is used once and expires.
CREATE TABLE pairing_codes (
  code           TEXT PRIMARY KEY,
  channel_type   TEXT NOT NULL,
  agent_group_id TEXT NOT NULL REFERENCES agent_groups(id),
  created_at     TEXT NOT NULL,
  expires_at     TEXT NOT NULL,
  used_at        TEXT,
  used_by        TEXT,
  platform_id    TEXT
);
