-- Host-only bookkeeping the seed lacks. None of it is part of the session contract.

-- Per-session progress of the host: how far outbound rows have been taken into `deliveries`,
-- whether inbound work may be waiting (set before an inbound row is written, cleared once the
-- agent has finished every due row), and when the earliest scheduled inbound row falls due.
CREATE TABLE session_work (
  session_id      TEXT PRIMARY KEY REFERENCES sessions(id),
  outbound_seq    INTEGER NOT NULL DEFAULT 0,
  inbound_pending INTEGER NOT NULL DEFAULT 0,
  wake_at         TEXT
);
CREATE INDEX idx_session_work_pending ON session_work(inbound_pending);

-- One row per outbound row taken from a session's outbound.db: where it goes (resolved when it
-- is taken), and every attempt to send it. `status`: pending -> delivered | failed.
CREATE TABLE deliveries (
  session_id      TEXT NOT NULL REFERENCES sessions(id),
  message_out_id  TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  kind            TEXT NOT NULL,
  content         TEXT NOT NULL,
  in_reply_to     TEXT,
  channel_type    TEXT,
  platform_id     TEXT,
  thread_id       TEXT,
  status          TEXT NOT NULL DEFAULT 'pending',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  platform_message_id TEXT,
  created_at      TEXT NOT NULL,
  finished_at     TEXT,
  PRIMARY KEY (session_id, message_out_id)
);
CREATE INDEX idx_deliveries_due ON deliveries(status, next_attempt_at);
CREATE INDEX idx_deliveries_conversation ON deliveries(session_id, channel_type, platform_id, status, seq);

-- Messages that no wiring took, with the reason: recorded, never silently lost.
CREATE TABLE dropped_messages (
  channel_type TEXT NOT NULL,
  platform_id  TEXT NOT NULL,
  message_id   TEXT NOT NULL,
  thread_id    TEXT,
  sender_id    TEXT,
  reason       TEXT NOT NULL,
  content      TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (channel_type, platform_id, message_id)
);

-- Agents started by this host and not yet seen to stop, so that a restart after a crash can
-- clean up what is left of them.
CREATE TABLE agent_runs (
  session_id TEXT PRIMARY KEY REFERENCES sessions(id),
  provider   TEXT NOT NULL,
  ref        TEXT NOT NULL,
  started_at TEXT NOT NULL
);

-- Wirings applied to every new chat of a channel when it is first seen (`wire <channel> '*' ...`).
CREATE TABLE channel_default_wirings (
  id             TEXT PRIMARY KEY,
  channel_type   TEXT NOT NULL,
  agent_group_id TEXT NOT NULL REFERENCES agent_groups(id),
  trigger_rules  TEXT,
  response_scope TEXT DEFAULT 'all',
  session_mode   TEXT DEFAULT 'shared',
  priority       INTEGER DEFAULT 0,
  created_at     TEXT NOT NULL,
  UNIQUE(channel_type, agent_group_id)
);
