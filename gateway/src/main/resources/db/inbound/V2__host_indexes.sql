-- The host finds pending rows without scanning a session's whole history.
CREATE INDEX idx_messages_in_status ON messages_in(status);
