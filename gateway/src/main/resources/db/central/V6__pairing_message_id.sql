-- The platform message that used a pairing code: a redelivery of that message (a webhook retry, a
-- poll re-read after a crash) is recognised and changes nothing.
ALTER TABLE pairing_codes ADD COLUMN message_id TEXT;
