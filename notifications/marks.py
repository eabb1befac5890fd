"""The per-email record of a reminder batch: each email is claimed (pending → sending) before it
goes and marked sent after, the mark of one email written in the statement that claims another.

`SerialMarks` runs that statement on the portal's own database connection and waits for it.
`OverlappedMarks` (PostgreSQL, outside a transaction) sends it on a second, non-blocking
connection of the batch's own and returns; the answer is read only when it is needed. The batch
(`services._EmailRun`) sends the claim of the next email before it writes the current one to the
SMTP server, and reads whether that claim was won only before it writes that next email: the
database round trip of each email runs while the SMTP server reads the one before it. An email
whose claim was not won is never written. Nothing of the exactly-once rule changes: an email
goes only once its claim is committed, and its "sent" mark is written with a later claim.

A batch's second connection lives as long as the batch: kept between batches it would also keep
a test database from being dropped. It is opened before the batch reads its data, so that the
server sets it up meanwhile.
"""

from __future__ import annotations

import logging
import select

from django.db import connection
from django.utils import timezone

from notifications.choices import DispatchStatus
from notifications.models import ReminderDispatch

log = logging.getLogger(__name__)

Done = tuple[int, str]  # an email just sent: its dispatch id and the addresses it went to

# RETURNING (PostgreSQL, SQLite ≥ 3.35): the ORM's update() gives a count, not which row.
_ADVANCE_SQL = """
    UPDATE {table} SET
        status = CASE WHEN id = {done} THEN '{sent}' ELSE '{sending}' END,
        sent_at = CASE WHEN id = {done} THEN {now} ELSE sent_at END,
        email_to = CASE WHEN id = {done} THEN {emails} ELSE email_to END,
        error = CASE WHEN id = {done} THEN '' ELSE error END,
        attempts = CASE WHEN id = {claim} THEN attempts + 1 ELSE attempts END
    WHERE (id = {done} AND status = '{sending}') OR (id = {claim} AND status = '{pending}')
    RETURNING id
"""


def _advance_sql(**placeholders: str) -> str:
    """Mark the email just sent ("done") and claim the next one in one statement; RETURNING names
    the claimed row when it was won (still pending).

    The exact record costs two writes per email (claimed before, sent after); writing the second
    of one email with the first of the next halves the commits. Until its mark is written a sent
    email stays "sending", which is what it must say if the worker dies then: sent or not, never
    sent again.
    """
    return _ADVANCE_SQL.format(
        table=ReminderDispatch._meta.db_table, sent=DispatchStatus.SENT, sending=DispatchStatus.SENDING,
        pending=DispatchStatus.PENDING, **placeholders,
    )


# Written once: the statement goes out for every email.
_SERIAL_ADVANCE_SQL = _advance_sql(done="%(done)s", claim="%(claim)s", emails="%(emails)s", now="%(now)s")


def _done_values(done: Done | None) -> tuple[int | None, str]:
    """The statement's parameters for the email just sent; none before a batch's first email."""
    return done if done is not None else (None, "")


class SerialMarks:
    """The statement on the portal's connection, waited for at once (any database, any backend,
    inside a transaction)."""

    def __init__(self) -> None:
        self._won = False

    def begin(self, *, done: Done | None, claim: int) -> None:
        done_id, emails = _done_values(done)
        now = ReminderDispatch._meta.get_field("sent_at").get_db_prep_save(timezone.now(), connection)
        with connection.cursor() as cursor:
            cursor.execute(_SERIAL_ADVANCE_SQL, {"done": done_id, "claim": claim, "emails": emails, "now": now})
            self._won = any(row[0] == claim for row in cursor.fetchall())

    def won(self) -> bool:
        """Whether the claim of the last `begin` was won."""
        return self._won

    def close(self) -> None:
        pass


class OverlappedMarks:
    """The statement on a non-blocking connection of the batch's own: `begin` sends it and returns,
    `won` waits for its answer (at once when it is already there). Autocommit, asynchronous
    commit (see `services._quick_commits`); the statement is prepared once per connection, and
    the time of the mark is the server's.

    `connect` only starts the connection: the server sets it up while the batch reads its data
    and writes its notifications, and the first `begin` finishes it. A connection that cannot be
    finished leaves the batch to mark serially."""

    def __init__(self, raw_connection) -> None:
        self._connection = raw_connection
        self._cursor = None  # once the connection is up and the statement prepared
        self._serial: SerialMarks | None = None
        self._claim: int | None = None
        self._won: bool | None = None
        self._error: Exception | None = None

    @classmethod
    def connect(cls) -> OverlappedMarks:
        import psycopg2
        import psycopg2.extensions as ext

        params = {
            key: value for key, value in connection.get_connection_params().items() if key != "cursor_factory"
        }
        params["options"] = f"{params.get('options', '')} -c synchronous_commit=off".strip()
        raw = psycopg2.connect(**params, async_=True)
        try:
            while raw.poll() == ext.POLL_WRITE:  # until the server has what it needs to start the session
                select.select([], [raw.fileno()], [])
        except Exception:
            raw.close()
            raise
        return cls(raw)

    def _ready(self) -> None:
        try:
            _wait(self._connection)
            cursor = self._connection.cursor()  # held until the answer: psycopg2 drops the query of a lost cursor
            cursor.execute(
                "PREPARE reminder_advance (bigint, text, bigint) AS "
                + _advance_sql(done="$1", emails="$2", claim="$3", now="now()")
            )
            _wait(self._connection)
            self._cursor = cursor
        except Exception:  # noqa: BLE001 - the batch still goes, one round trip at a time
            log.warning("No second database connection for the reminder marks; marking serially", exc_info=True)
            self.close()
            self._serial = SerialMarks()

    def begin(self, *, done: Done | None, claim: int) -> None:
        if self._cursor is None and self._serial is None:
            self._ready()
        if self._serial is not None:
            self._serial.begin(done=done, claim=claim)
            return
        done_id, emails = _done_values(done)
        self._claim, self._won = claim, None
        self._cursor.execute("EXECUTE reminder_advance(%s, %s, %s)", (done_id, emails, claim))
        self._connection.poll()  # flush what the socket did not take at once

    def won(self) -> bool:
        """Waits for the statement `begin` sent; raises (every time) what it failed with."""
        if self._serial is not None:
            return self._serial.won()
        if self._error is not None:
            raise self._error
        if self._won is None:
            try:
                _wait(self._connection)
                self._won = any(row[0] == self._claim for row in self._cursor.fetchall())
            except Exception as exc:
                # Whether it committed is not known: the rows it touched stay as a killed worker
                # leaves them, and the batch ends here.
                self._error = exc
                self.close()
                raise
        return self._won

    def close(self) -> None:
        try:
            self._connection.close()
        except Exception:  # noqa: BLE001 - a broken connection is being dropped anyway
            log.debug("Closing the marks connection failed", exc_info=True)


def _wait(raw_connection) -> None:
    """Until the non-blocking connection has finished what it was doing (psycopg2's poll loop)."""
    import psycopg2.extensions as ext

    while True:
        state = raw_connection.poll()
        if state == ext.POLL_OK:
            return
        if state == ext.POLL_READ:
            select.select([raw_connection.fileno()], [], [])
        elif state == ext.POLL_WRITE:
            select.select([], [raw_connection.fileno()], [])


def open_marks(*, overlap: bool) -> SerialMarks | OverlappedMarks:
    """Overlapped marks when asked and possible: on PostgreSQL, with no transaction open on the
    portal's connection (a second connection would not see its rows); serial otherwise. Open
    them before the batch reads its data (see `OverlappedMarks`)."""
    if overlap and connection.vendor == "postgresql" and not connection.in_atomic_block:
        try:
            return OverlappedMarks.connect()
        except Exception:  # noqa: BLE001 - the batch still goes, one round trip at a time
            log.warning("No second database connection for the reminder marks; marking serially", exc_info=True)
    return SerialMarks()
