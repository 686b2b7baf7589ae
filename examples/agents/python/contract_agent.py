#!/usr/bin/env python3
"""An agent that exercises the whole session contract, driven by chat commands.

It uses only the two SQLite files and the heartbeat named in its environment, so it shows what
any agent written for this layout can do. Commands (anything else is answered "said: <text> (#n)",
where n counts messages since the last /clear, kept in session_state):

  remind <seconds> <prompt>   schedule a task (system row schedule_task) that fires in <seconds>
  every <cron> | <prompt>     schedule a recurring task, e.g. "every */1 * * * * | tick"
  cancel <taskId>             cancel a task
  ask                         ask a question with two options (ask_question)
  edit                        send "draft", then edit it to "final" once it was delivered
  react                       react with a thumbs up to the message that asked
  send <chat> <text>          send <text> to another chat of the same channel
  file <bytes>                send a file of <bytes> bytes, written to outbox/<message id>/
  /clear                      forget session_state, answer "cleared"

Task rows are answered "task: <prompt>"; integrators' events (kind webhook) "event
<source>/<event>: <payload>"; answers to questions "you chose <option>"; delivery failures
"noted failure of <id>". Standard library only; waits on stdin lines ("wake") with a
poll fallback, like echo_agent.py.
"""

import json
import os
import select
import signal
import sqlite3
import sys
import time
import uuid

INBOUND = os.environ["SESSION_INBOUND_DB_PATH"]
OUTBOUND = os.environ["SESSION_OUTBOUND_DB_PATH"]
HEARTBEAT = os.environ["SESSION_HEARTBEAT_PATH"]
SESSION_DIR = os.path.dirname(INBOUND)
stopping = False


def now():
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())


def connect(path, read_only):
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    db = sqlite3.connect(uri, uri=True, timeout=5, isolation_level=None)
    db.execute("PRAGMA busy_timeout = 5000")
    return db


def beat():
    with open(HEARTBEAT, "a"):
        os.utime(HEARTBEAT, None)


class Outbox:
    """One outbound transaction: replies, system requests and acks written together."""

    def __init__(self, db, max_inbound):
        self.db = db
        row = db.execute("SELECT COALESCE(MAX(seq), 0) FROM messages_out").fetchone()
        self.seq = max(row[0], max_inbound)

    def write(self, kind, content, reply_to=None, routing=(None, None, None), out_id=None):
        self.seq = self.seq + 1 if self.seq % 2 == 0 else self.seq + 2
        out_id = out_id or uuid.uuid4().hex
        self.db.execute(
            "INSERT INTO messages_out (id, seq, in_reply_to, timestamp, kind, platform_id,"
            " channel_type, thread_id, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (out_id, self.seq, reply_to, now(), kind, routing[0], routing[1], routing[2],
             json.dumps(content)))
        return out_id, self.seq

    def ack(self, message_id, status):
        self.db.execute(
            "INSERT OR REPLACE INTO processing_ack (message_id, status, status_changed)"
            " VALUES (?, ?, ?)", (message_id, status, now()))


def state_get(db, key, default=None):
    row = db.execute("SELECT value FROM session_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def state_set(db, key, value):
    db.execute("INSERT OR REPLACE INTO session_state (key, value, updated_at) VALUES (?, ?, ?)",
               (key, value, now()))


def handle_chat(out, row, text):
    msg_id, seq, routing = row[0], row[1], (row[4], row[5], row[6])
    words = text.split()
    if text == "/clear":
        out.db.execute("DELETE FROM session_state")
        out.write("chat", {"text": "cleared"}, msg_id, routing)
    elif words and words[0] == "remind" and len(words) >= 3:
        task_id = "t-" + uuid.uuid4().hex[:8]
        due = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + int(words[1])))
        out.write("system", {"action": "schedule_task", "taskId": task_id,
                             "prompt": " ".join(words[2:]), "processAfter": due})
        out.write("chat", {"text": f"scheduled {task_id}"}, msg_id, routing)
    elif text.startswith("every ") and "|" in text:
        cron, prompt = text[len("every "):].split("|", 1)
        task_id = "r-" + uuid.uuid4().hex[:8]
        out.write("system", {"action": "schedule_task", "taskId": task_id,
                             "prompt": prompt.strip(), "recurrence": cron.strip()})
        out.write("chat", {"text": f"scheduled {task_id}"}, msg_id, routing)
    elif words and words[0] == "cancel" and len(words) == 2:
        out.write("system", {"action": "cancel_task", "taskId": words[1]})
        out.write("chat", {"text": f"cancelling {words[1]}"}, msg_id, routing)
    elif text == "ask":
        out.write("chat", {"type": "ask_question", "questionId": "q-" + uuid.uuid4().hex[:8],
                           "title": "Colour", "question": "Red or blue?",
                           "options": ["red", {"label": "Blue", "value": "blue"}]},
                  msg_id, routing)
    elif text == "edit":
        _, draft_seq = out.write("chat", {"text": "draft"}, msg_id, routing)
        state_set(out.db, "pending_edit", str(draft_seq))
    elif text == "react":
        out.write("chat", {"operation": "reaction", "messageId": str(seq), "emoji": "👍"},
                  None, routing)
    elif words and words[0] == "send" and len(words) >= 3:
        out.write("chat", {"text": " ".join(words[2:])}, None, (words[1], routing[1], None))
    elif words and words[0] == "file" and len(words) == 2 and words[1].isdigit():
        # The file is in place before the row that names it is committed.
        out_id = uuid.uuid4().hex
        folder = os.path.join(SESSION_DIR, "outbox", out_id)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "data.bin"), "wb") as f:
            f.write(b"x" * int(words[1]))
        out.write("chat", {"text": f"a file of {words[1]} bytes", "files": ["data.bin"]},
                  msg_id, routing, out_id)
    else:
        count = int(state_get(out.db, "count", "0")) + 1
        state_set(out.db, "count", str(count))
        out.write("chat", {"text": f"said: {text} (#{count})"}, msg_id, routing)


def handle_system(out, row, content):
    routing = (row[4], row[5], row[6])
    kind = content.get("type")
    if kind == "question_response":
        out.write("chat", {"text": f"you chose {content.get('selectedOption')}"}, row[0], routing)
    elif kind == "delivery_failed":
        # Said in the session's own chat: the row carries the failed message's destination, and
        # a note sent there would fail the same way.
        out.write("chat", {"text": f"noted failure of {content.get('messageOutId')}"})


def edit_when_delivered(out):
    """Edits the draft once the host has recorded its delivery (the delivered table)."""
    draft = state_get(out.db, "pending_edit")
    if draft is None:
        return
    row = out.db.execute("SELECT id FROM messages_out WHERE seq = ?", (int(draft),)).fetchone()
    inbound = connect(INBOUND, True)
    try:
        done = inbound.execute("SELECT 1 FROM delivered WHERE message_out_id = ? AND status = 'delivered'",
                               (row[0],)).fetchone()
    finally:
        inbound.close()
    if done:
        out.write("chat", {"operation": "edit", "messageId": draft, "text": "final"})
        out.db.execute("DELETE FROM session_state WHERE key = 'pending_edit'")


def work():
    inbound = connect(INBOUND, True)
    try:
        rows = inbound.execute(
            "SELECT id, seq, kind, content, platform_id, channel_type, thread_id FROM messages_in"
            " WHERE status = 'pending' AND (process_after IS NULL"
            " OR datetime(process_after) <= datetime('now')) ORDER BY seq").fetchall()
        max_inbound = inbound.execute("SELECT COALESCE(MAX(seq), 0) FROM messages_in").fetchone()[0]
    finally:
        inbound.close()
    db = connect(OUTBOUND, False)
    try:
        db.execute("BEGIN IMMEDIATE")
        out = Outbox(db, max_inbound)
        for row in rows:
            done = db.execute("SELECT 1 FROM processing_ack WHERE message_id = ?"
                              " AND status IN ('completed', 'failed')", (row[0],)).fetchone()
            if done:
                continue
            try:
                content = json.loads(row[3])
            except ValueError:
                out.ack(row[0], "failed")
                continue
            if row[2] == "chat":
                handle_chat(out, row, content.get("text", "").strip())
            elif row[2] == "task":
                out.write("chat", {"text": f"task: {content.get('prompt')}"}, row[0],
                          (row[4], row[5], row[6]))
            elif row[2] == "webhook":
                out.write("chat", {"text": f"event {content.get('source')}/{content.get('event')}: "
                                           f"{json.dumps(content.get('payload'), sort_keys=True)}"},
                          row[0], (row[4], row[5], row[6]))
            elif row[2] == "system":
                handle_system(out, row, content)
            out.ack(row[0], "completed")
        edit_when_delivered(out)
        db.execute("COMMIT")
    except Exception:
        db.execute("ROLLBACK")
        raise
    finally:
        db.close()


def main():
    global stopping

    def stop(_signum, _frame):
        global stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    db = connect(OUTBOUND, False)
    db.execute("DELETE FROM processing_ack WHERE status = 'processing'")
    db.close()
    while not stopping:
        beat()
        work()
        ready, _, _ = select.select([sys.stdin], [], [], 0.5)
        if ready and not sys.stdin.readline():
            break


if __name__ == "__main__":
    main()
