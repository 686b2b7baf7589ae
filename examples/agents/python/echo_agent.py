#!/usr/bin/env python3
"""A minimal Switchboard agent: it answers every chat message with the message's own text.

This is an example of the session contract (reference/session-contract.md in the design docs),
written in Python with nothing but the standard library, to show that an agent is any program that
follows the contract -- not a Java class. It is deliberately small; a real agent would call a model
where this one echoes. What it shows:

* Where the session is: the paths come from SESSION_INBOUND_DB_PATH, SESSION_OUTBOUND_DB_PATH and
  SESSION_HEARTBEAT_PATH.
* Who writes what: inbound.db belongs to the host and is opened read-only; outbound.db belongs to
  the agent. Each file is opened for one unit of work and closed again, never held open, and waits
  up to 5 s (busy_timeout) for the other side's lock.
* What is due: a messages_in row with status 'pending' whose process_after is unset or past, and
  which the agent has not yet acked 'completed' or 'failed' in processing_ack.
* Acks: 'processing' when a row is taken; 'completed' (or 'failed') together with the reply, in
  one transaction, so the host never sees one without the other. Stale 'processing' acks of an
  earlier run are deleted at start.
* Sequence numbers: a reply takes the next odd seq above the largest of both tables; the host
  writes even ones.
* Liveness: the heartbeat file is touched on every loop, at least every 10 s.
* Waking and stopping: the gateway's command provider writes a line "wake" to standard input when
  rows are due, so the agent looks at once instead of at its next poll; end of input or SIGTERM
  asks it to stop, and it exits with status 0. Without a pipe or terminal on standard input it
  simply polls.

Run it under the command provider, e.g.

    ./switchboard groups add ... \
        --config '{"command": "python3", "args": ["/path/to/echo_agent.py"]}'

Optional environment: ECHO_PREFIX, put before every reply (default "py: "); ECHO_POLL_SECONDS,
how long to wait for a wake before looking anyway (default 1, at most 10).
"""

import json
import math
import os
import select
import signal
import sqlite3
import stat
import sys
import urllib.parse
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

BUSY_TIMEOUT_MS = 5000
# The heartbeat must move at least this often, so no wait is longer.
MAX_WAIT_SECONDS = 10.0
# SQLite allows a few thousand parameters per statement; ids are checked in chunks of this size.
ID_CHUNK = 500

DUE_SQL = """
    SELECT id, seq, kind, content, platform_id, channel_type, thread_id
    FROM messages_in
    WHERE status = 'pending'
      AND (process_after IS NULL OR datetime(process_after) <= datetime('now'))
    ORDER BY seq
"""


def log(message):
    print(f"echo_agent[{os.getpid()}]: {message}", file=sys.stderr, flush=True)


def now_text():
    """UTC in SQLite's own text form, which compares correctly with datetime('now')."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def next_odd(largest):
    return largest + 1 if largest % 2 == 0 else largest + 2


class Session:
    """The session folder's two databases and heartbeat file."""

    def __init__(self, environment):
        names = ("SESSION_INBOUND_DB_PATH", "SESSION_OUTBOUND_DB_PATH", "SESSION_HEARTBEAT_PATH")
        missing = [name for name in names if not environment.get(name)]
        if missing:
            raise SystemExit(f"echo_agent: {', '.join(missing)} not set; run me under Switchboard")
        self.inbound_path = environment["SESSION_INBOUND_DB_PATH"]
        self.outbound_path = environment["SESSION_OUTBOUND_DB_PATH"]
        self.heartbeat_path = Path(environment["SESSION_HEARTBEAT_PATH"])

    @contextmanager
    def inbound(self):
        """inbound.db, read-only, for one unit of work."""
        uri = "file:" + urllib.parse.quote(self.inbound_path) + "?mode=ro"
        connection = sqlite3.connect(uri, uri=True, isolation_level=None)
        try:
            connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            yield connection
        finally:
            connection.close()

    @contextmanager
    def outbound(self, write=True):
        """outbound.db in one transaction, committed when the block ends without error."""
        connection = sqlite3.connect(self.outbound_path, isolation_level=None)
        try:
            connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # IMMEDIATE takes the write lock at once: a largest seq read inside stays the largest.
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (disk full, say); ROLLBACK would then fail.
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
        finally:
            connection.close()

    def touch_heartbeat(self):
        self.heartbeat_path.touch()


def ack(outbound, message_id, status):
    outbound.execute(
        "INSERT OR REPLACE INTO processing_ack (message_id, status, status_changed)"
        " VALUES (?, ?, ?)",
        (message_id, status, now_text()),
    )


def clear_stale_acks(session):
    """Rows an earlier run took but never finished become due again."""
    with session.outbound() as outbound:
        deleted = outbound.execute("DELETE FROM processing_ack WHERE status = 'processing'")
        cleared = deleted.rowcount
    if cleared:
        log(f"cleared {cleared} unfinished row(s) of an earlier run")


def due_rows(session):
    with session.inbound() as inbound:
        inbound.row_factory = sqlite3.Row
        rows = inbound.execute(DUE_SQL).fetchall()
    if not rows:
        return []
    finished = set()
    ids = [row["id"] for row in rows]
    with session.outbound(write=False) as outbound:
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            marks = ",".join("?" * len(chunk))
            finished.update(
                message_id
                for (message_id,) in outbound.execute(
                    "SELECT message_id FROM processing_ack"
                    f" WHERE status IN ('completed', 'failed') AND message_id IN ({marks})",
                    chunk,
                )
            )
    return [row for row in rows if row["id"] not in finished]


def reply_text(kind, content_json, prefix):
    """The reply to one inbound row, or None when it needs none. Raises ValueError if unreadable."""
    content = json.loads(content_json)
    if not isinstance(content, dict):
        raise ValueError("content is not a JSON object")
    if kind in ("chat", "chat-sdk"):
        text = content.get("text")
        return prefix + text if isinstance(text, str) and text else None
    # system rows (host answers), tasks and webhooks: acknowledged, nothing to say.
    return None


def handle(session, row, prefix):
    with session.outbound() as outbound:
        ack(outbound, row["id"], "processing")
    try:
        text = reply_text(row["kind"], row["content"], prefix)
    except ValueError as error:
        log(f"cannot read message {row['id']}: {error}")
        with session.outbound() as outbound:
            ack(outbound, row["id"], "failed")
        return
    with session.inbound() as inbound:
        largest_in = inbound.execute("SELECT COALESCE(MAX(seq), 0) FROM messages_in").fetchone()[0]
    with session.outbound() as outbound:
        if text is not None:
            largest_out = outbound.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM messages_out"
            ).fetchone()[0]
            outbound.execute(
                "INSERT INTO messages_out (id, seq, in_reply_to, timestamp, kind,"
                " platform_id, channel_type, thread_id, content)"
                " VALUES (?, ?, ?, ?, 'chat', ?, ?, ?, ?)",
                (
                    uuid.uuid4().hex,
                    next_odd(max(largest_in, largest_out)),
                    row["id"],
                    now_text(),
                    row["platform_id"],
                    row["channel_type"],
                    row["thread_id"],
                    json.dumps({"text": text}),
                ),
            )
        ack(outbound, row["id"], "completed")


class Waiter:
    """Waits for a wake line on standard input, a stop signal or the poll interval."""

    def __init__(self, poll_seconds):
        self.poll_seconds = poll_seconds
        self.stopping = False
        self.stdin_fd = self._listenable_stdin()
        # Signal handlers only set a flag; the wakeup pipe makes select return at once for them.
        self.signal_read, signal_write = os.pipe()
        os.set_blocking(self.signal_read, False)
        os.set_blocking(signal_write, False)
        signal.set_wakeup_fd(signal_write)
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    @staticmethod
    def _listenable_stdin():
        # /dev/null or a file would read as end of input at once, which means "stop"; only a pipe,
        # socket or terminal carries wake lines.
        try:
            mode = os.fstat(0).st_mode
        except OSError:
            return None
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or os.isatty(0):
            return 0
        return None

    def _on_signal(self, signum, frame):
        self.stopping = True

    def wait(self):
        watched = [self.signal_read] + ([self.stdin_fd] if self.stdin_fd is not None else [])
        ready, _, _ = select.select(watched, [], [], self.poll_seconds)
        if self.signal_read in ready:
            self._drain(self.signal_read)
        if self.stdin_fd is not None and self.stdin_fd in ready:
            # Any input is a hint to look now; its content does not matter.
            if not os.read(self.stdin_fd, 4096):
                log("end of input: stopping")
                self.stopping = True

    @staticmethod
    def _drain(fd):
        try:
            while os.read(fd, 512):
                pass
        except BlockingIOError:
            pass


def poll_seconds(environment):
    try:
        seconds = float(environment.get("ECHO_POLL_SECONDS", "1"))
    except ValueError:
        seconds = 1.0
    if not math.isfinite(seconds):
        seconds = 1.0
    return min(max(seconds, 0.05), MAX_WAIT_SECONDS)


def work(session, waiter, prefix):
    for row in due_rows(session):
        if waiter.stopping:
            return
        handle(session, row, prefix)
        session.touch_heartbeat()


def main():
    session = Session(os.environ)
    prefix = os.environ.get("ECHO_PREFIX", "py: ")
    waiter = Waiter(poll_seconds(os.environ))
    log(f"started for {session.inbound_path}")
    clear_stale_acks(session)
    while not waiter.stopping:
        session.touch_heartbeat()
        try:
            work(session, waiter, prefix)
        except sqlite3.Error as error:
            # Locked longer than busy_timeout, or a file briefly missing: the next loop retries.
            log(f"database error, retrying: {error}")
        waiter.wait()
    # Stopping anyway. The command provider sends SIGTERM right after closing the input, and one
    # arriving while Python shuts down (it restores default handlers) would end a clean exit by
    # signal; an ignored signal stays ignored.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
