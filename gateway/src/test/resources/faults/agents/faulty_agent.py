#!/usr/bin/env python3
"""An agent of the fault suite: it answers like a well-behaved agent until a chat message whose
text starts with "fault" arrives; then it commits the fault named by FAULT_MODE.

Every mode answers an ordinary message with "ok: <text>", so a session can be seen to work again
once the gateway has restarted or isolated it. A `delivery_failed` system row (the gateway telling
the agent that one of its rows could not be sent) is answered in the chat with "told: <error>", so
the chat shows that the agent was told.

FAULT_MODE:
  crash  acks the message 'processing', then exits with status 3.
  hang   acks the message 'processing', opens a write transaction on outbound.db that it never
         commits (holding the write lock, with a journal beside the file), ignores SIGTERM and
         stops touching its heartbeat.
  noack  takes no row any more (no ack, no reply), but keeps touching its heartbeat.
  badjson  answers with an outbound row whose content is not JSON.
  evenseq  answers with an even seq, which the session contract reserves for the host.
  flood  writes FLOOD_ROWS replies ("flood <i>") at once, in one transaction.
"""

import json
import os
import select
import signal
import sqlite3
import sys
import time
import urllib.parse
import uuid
from datetime import datetime, timezone

MODE = os.environ.get("FAULT_MODE", "none")
INBOUND = os.environ["SESSION_INBOUND_DB_PATH"]
OUTBOUND = os.environ["SESSION_OUTBOUND_DB_PATH"]
HEARTBEAT = os.environ["SESSION_HEARTBEAT_PATH"]
FLOOD_ROWS = int(os.environ.get("FLOOD_ROWS", "2000"))

DUE_SQL = """
    SELECT id, seq, kind, content, platform_id, channel_type, thread_id FROM messages_in
    WHERE status = 'pending'
      AND (process_after IS NULL OR datetime(process_after) <= datetime('now'))
    ORDER BY seq
"""


def log(message):
    print(f"faulty_agent[{MODE} {os.getpid()}]: {message}", file=sys.stderr, flush=True)


def now_text():
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def inbound():
    c = sqlite3.connect("file:" + urllib.parse.quote(INBOUND) + "?mode=ro", uri=True,
                        isolation_level=None)
    c.execute("PRAGMA busy_timeout=5000")
    return c


def outbound():
    c = sqlite3.connect(OUTBOUND, isolation_level=None)
    c.execute("PRAGMA busy_timeout=5000")
    return c


def touch():
    with open(HEARTBEAT, "a"):
        os.utime(HEARTBEAT)


def ack(o, message_id, status):
    o.execute("INSERT OR REPLACE INTO processing_ack (message_id, status, status_changed)"
              " VALUES (?, ?, ?)", (message_id, status, now_text()))


def largest_seq(o):
    i = inbound()
    try:
        largest_in = i.execute("SELECT COALESCE(MAX(seq), 0) FROM messages_in").fetchone()[0]
    finally:
        i.close()
    largest_out = o.execute("SELECT COALESCE(MAX(seq), 0) FROM messages_out").fetchone()[0]
    return max(largest_in, largest_out)


def next_odd(largest):
    return largest + 1 if largest % 2 == 0 else largest + 2


def insert_reply(o, row, seq, content):
    o.execute("INSERT INTO messages_out (id, seq, in_reply_to, timestamp, kind, platform_id,"
              " channel_type, thread_id, content) VALUES (?, ?, ?, ?, 'chat', ?, ?, ?, ?)",
              (uuid.uuid4().hex, seq, row[0], now_text(), row[4], row[5], row[6], content))


def answer(row, text):
    o = outbound()
    try:
        o.execute("BEGIN IMMEDIATE")
        insert_reply(o, row, next_odd(largest_seq(o)), json.dumps({"text": text}))
        ack(o, row[0], "completed")
        o.execute("COMMIT")
    finally:
        o.close()


def due_rows():
    i = inbound()
    try:
        rows = i.execute(DUE_SQL).fetchall()
    finally:
        i.close()
    if not rows:
        return []
    o = outbound()
    try:
        done = {r[0] for r in o.execute(
            "SELECT message_id FROM processing_ack WHERE status IN ('completed', 'failed')")}
    finally:
        o.close()
    return [r for r in rows if r[0] not in done]


def hang(row):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    o = outbound()
    o.execute("PRAGMA cache_size=1")
    o.execute("BEGIN IMMEDIATE")
    # Enough rows to spill the page cache: the file itself then holds uncommitted pages, and the
    # journal beside it is what a reader needs to see the last commit.
    for n in range(200):
        o.execute("INSERT INTO session_state (key, value, updated_at) VALUES (?, ?, ?)",
                  (f"hang-{n}", "x" * 2000, now_text()))
    log("holding an uncommitted write transaction; no more heartbeats")
    while True:
        time.sleep(3600)


def fault(row):
    if MODE == "crash":
        o = outbound()
        ack(o, row[0], "processing")
        o.close()
        log(f"crashing on {row[0]}")
        os._exit(3)
    if MODE == "hang":
        o = outbound()
        ack(o, row[0], "processing")
        o.close()
        hang(row)
    if MODE == "noack":
        log(f"taking no row any more (first left: {row[0]})")
        return "stuck"
    o = outbound()
    try:
        o.execute("BEGIN IMMEDIATE")
        largest = largest_seq(o)
        if MODE == "badjson":
            insert_reply(o, row, next_odd(largest), '{"text": "half a reply')
        elif MODE == "evenseq":
            insert_reply(o, row, largest + 2 - largest % 2, json.dumps({"text": "even"}))
        elif MODE == "flood":
            seq = next_odd(largest)
            for n in range(FLOOD_ROWS):
                insert_reply(o, row, seq, json.dumps({"text": f"flood {n}"}))
                seq += 2
        else:
            insert_reply(o, row, next_odd(largest), json.dumps({"text": "no fault mode"}))
        ack(o, row[0], "completed")
        o.execute("COMMIT")
    finally:
        o.close()
    return None


def handle(row):
    content = json.loads(row[3])
    if row[2] == "system":
        if content.get("type") == "delivery_failed":
            answer(row, "told: " + str(content.get("error")))
        else:
            answer(row, "system: " + str(content.get("type")))
        return None
    text = content.get("text") or ""
    if text.startswith("fault"):
        return fault(row)
    answer(row, "ok: " + text)
    return None


def main():
    log("started")
    o = outbound()
    o.execute("DELETE FROM processing_ack WHERE status = 'processing'")
    o.close()
    stuck = False
    while True:
        touch()
        if not stuck:
            try:
                for row in due_rows():
                    if handle(row) == "stuck":
                        stuck = True
                        break
                    touch()
            except sqlite3.Error as error:
                log(f"database error, retrying: {error}")
        ready, _, _ = select.select([0], [], [], 0.5)
        if ready and not os.read(0, 4096):
            log("end of input: stopping")
            return 0


if __name__ == "__main__":
    sys.exit(main())
