-- The seed's inbound.db schema (shared/seed/schema.sql), for tests that play the host.

CREATE TABLE messages_in (
  id            TEXT PRIMARY KEY,
  seq           INTEGER UNIQUE,
  kind          TEXT NOT NULL,
  timestamp     TEXT NOT NULL,
  status        TEXT DEFAULT 'pending',
  process_after TEXT,
  recurrence    TEXT,
  tries         INTEGER DEFAULT 0,
  platform_id   TEXT,
  channel_type  TEXT,
  thread_id     TEXT,
  content       TEXT NOT NULL
);

-- Host tracks delivery outcomes for messages_out IDs.
-- Avoids writing to outbound.db (agent-owned).
CREATE TABLE delivered (
  message_out_id      TEXT PRIMARY KEY,
  platform_message_id TEXT,
  status              TEXT NOT NULL DEFAULT 'delivered',
  delivered_at        TEXT NOT NULL
);

-- Destination map for this session's agent.
-- Host overwrites on every agent wake AND on demand (admin rewires, new child agents, etc.).
-- The agent queries this live on every lookup, so admin changes take effect
-- mid-session without requiring a restart.
CREATE TABLE destinations (
  name           TEXT PRIMARY KEY,
  display_name   TEXT,
  type           TEXT NOT NULL,  -- 'channel' | 'agent'
  channel_type   TEXT,           -- for type='channel'
  platform_id    TEXT,           -- for type='channel'
  agent_group_id TEXT            -- for type='agent'
);

-- Default reply routing for this session. Single-row table (id=1).
-- Host overwrites on every agent wake from the session's messaging_group and thread_id.
-- The agent reads it in send_message / ask_user_question / trigger_credential_collection to
-- default the channel/thread of outbound messages when the agent doesn't name a destination.
CREATE TABLE session_routing (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  channel_type TEXT,
  platform_id  TEXT,
  thread_id    TEXT
);

-- ============================================================================================
-- outbound.db — agent writes, host reads (read-only)
