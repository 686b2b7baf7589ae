-- A delivery's outcome is recorded here first and copied into the session's `delivered` table a
-- moment later, many at a time; `projected` is 0 until that copy is committed, so a restart
-- finishes any copy a stop interrupted.
ALTER TABLE deliveries ADD COLUMN projected INTEGER NOT NULL DEFAULT 1;
CREATE INDEX idx_deliveries_unprojected ON deliveries(session_id) WHERE projected = 0;
