-- Scheduled work across sessions, so the CLI lists and changes it without opening every session.
-- One row per task series: `row_id` is the messages_in row of its current occurrence.
CREATE TABLE scheduled_tasks (
  session_id TEXT NOT NULL REFERENCES sessions(id),
  task_id    TEXT NOT NULL,
  row_id     TEXT NOT NULL,
  due_at     TEXT,
  recurrence TEXT,
  status     TEXT NOT NULL,
  prompt     TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (session_id, task_id)
);
CREATE INDEX idx_scheduled_tasks_status ON scheduled_tasks(status, due_at);

-- Outbound rows that repeat (recurrence) or wait (deliver_after) do not hold up the rows after them
-- in their chat: they wait as 'scheduled' rather than 'pending'.
ALTER TABLE deliveries ADD COLUMN recurrence TEXT;

-- What a question offered, whether it was sent as numbered text (a channel without buttons, so a
-- reply with a number answers it), and its answer once given (kept so that a redelivered answer is
-- recognised after the pending question is gone).
CREATE TABLE question_details (
  question_id TEXT PRIMARY KEY,
  options     TEXT NOT NULL,
  as_text     INTEGER NOT NULL DEFAULT 0,
  answer_id   TEXT,
  answered_at TEXT
);

-- Where each agent group may send besides the chats it is wired to: other chats and other agents.
CREATE TABLE destination_acl (
  agent_group_id        TEXT NOT NULL REFERENCES agent_groups(id),
  name                  TEXT NOT NULL,
  type                  TEXT NOT NULL,
  channel_type          TEXT,
  platform_id           TEXT,
  target_agent_group_id TEXT REFERENCES agent_groups(id),
  created_at            TEXT NOT NULL,
  PRIMARY KEY (agent_group_id, name)
);

-- Small host facts; `routing_version` counts changes to wirings and destinations, so that a
-- running gateway rewrites the destinations of running sessions.
CREATE TABLE host_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO host_state (key, value) VALUES ('routing_version', '0');
CREATE INDEX idx_session_work_wake ON session_work(wake_at);
