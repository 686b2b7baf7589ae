-- The seed's outbound.db schema (shared/seed/schema.sql), for tests that play the host.

CREATE TABLE messages_out (
  id            TEXT PRIMARY KEY,
  seq           INTEGER UNIQUE,
  in_reply_to   TEXT,
  timestamp     TEXT NOT NULL,
  deliver_after TEXT,
  recurrence    TEXT,
  kind          TEXT NOT NULL,
  platform_id   TEXT,
  channel_type  TEXT,
  thread_id     TEXT,
  content       TEXT NOT NULL
);

-- The agent tracks processing status here instead of updating messages_in.
-- Host reads this to know which messages have been processed.
-- On agent start-up, stale 'processing' entries are cleared (crash recovery).
CREATE TABLE processing_ack (
  message_id     TEXT PRIMARY KEY,
  status         TEXT NOT NULL,
  status_changed TEXT NOT NULL
);

-- Persistent key/value state owned by the agent. Used (among other things) to store the
-- SDK session ID so the agent's conversation resumes across restarts. Cleared by /clear.
CREATE TABLE session_state (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
