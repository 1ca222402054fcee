"""Transactions of the library file: the one helper every read snapshot and write goes through.

SQLite runs each statement of an autocommit connection (``isolation_level=None``)
in its own transaction unless one is begun. The library begins them here only:

* :func:`transaction` - ``BEGIN IMMEDIATE ... COMMIT`` for a write (the write
  lock is taken at once, so two writers queue on the busy timeout instead of
  failing on a lock upgrade), or ``BEGIN ... COMMIT`` for a consistent read
  snapshot; rolled back on any error, the failed ``COMMIT`` included;
* :func:`savepoint` - one write inside an open transaction, rolled back alone;
* :class:`WriteGroup` - the writes of a bulk import committed together (group
  commit: one disk sync per group, not per file), each write a savepoint.

Every committed write that changed a row bumps the library's
``content_version`` (:func:`bump_content_version`), the cache key of readers.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager


def bump_content_version(conn: sqlite3.Connection) -> None:
    """Count one committed change of the library's content (inside the committing transaction)."""
    conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'content_version'")


class Transaction:
    """One transaction of a connection: :meth:`begin`, then :meth:`commit` or :meth:`rollback`.

    Parameters
    ----------
    conn : sqlite3.Connection
        An autocommit connection (``isolation_level=None``).
    write : bool
        ``BEGIN IMMEDIATE`` (take the write lock now) or a plain ``BEGIN`` (a read snapshot).
    versioned : bool
        Bump ``content_version`` on commit when a row changed. Off for schema
        migrations (the ``meta`` table may not exist yet) and reads.
    """

    def __init__(self, conn: sqlite3.Connection, *, write: bool = True, versioned: bool = True):
        self.conn = conn
        self.write = write
        self.versioned = versioned and write
        self._changes_before = 0

    def begin(self) -> None:
        """Begin the transaction."""
        self.conn.execute("BEGIN IMMEDIATE" if self.write else "BEGIN")
        self._changes_before = self.conn.total_changes

    @property
    def changed(self) -> bool:
        """Whether any row changed since :meth:`begin`."""
        return self.conn.total_changes != self._changes_before

    def commit(self) -> None:
        """Commit (bumping ``content_version`` if rows changed); roll back if that fails."""
        try:
            if self.versioned and self.changed:
                bump_content_version(self.conn)
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise

    def rollback(self) -> None:
        """Roll back, unless SQLite already did (it does so itself on a full disk, for one)."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


@contextmanager
def transaction(
    conn: sqlite3.Connection, *, write: bool = True, versioned: bool = True
) -> Iterator[sqlite3.Connection]:
    """A transaction around the block: committed when it ends, rolled back on any error.

    See :class:`Transaction` for ``write`` and ``versioned``.
    """
    tx = Transaction(conn, write=write, versioned=versioned)
    tx.begin()
    try:
        yield conn
    except BaseException:
        tx.rollback()
        raise
    tx.commit()


@contextmanager
def savepoint(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write inside the open transaction: on any error it alone is rolled back.

    When SQLite has rolled back the whole transaction itself (a full disk, a
    damaged page), there is no savepoint left to roll back to; the error
    goes on to the owner of the transaction.
    """
    conn.execute("SAVEPOINT one_write")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK TO one_write")
            conn.execute("RELEASE one_write")
        raise
    conn.execute("RELEASE one_write")


class WriteGroup:
    """Writes committed together: one ``BEGIN IMMEDIATE`` transaction per group.

    The transaction is begun at the first write and committed by :meth:`commit`,
    or by :meth:`item_done` once the group holds ``max_items`` items or has been
    open ``max_s`` seconds. Each write inside is a :func:`savepoint`. A process
    killed inside a group loses the group's uncommitted writes: each write is
    atomic, durability is per group.

    Parameters
    ----------
    conn : sqlite3.Connection
    max_items : int
        Items (files) per transaction.
    max_s : float
        Longest a transaction stays open [s].
    lock : threading.RLock, optional
        Held while the group's transaction is open (the connection's thread lock).
    """

    def __init__(self, conn: sqlite3.Connection, max_items: int, max_s: float, lock=None) -> None:
        self.conn = conn
        self.max_items = max(1, int(max_items))
        self.max_s = float(max_s)
        self._lock = lock
        self._tx: Transaction | None = None
        self._items = 0
        self._started = 0.0
        #: Transactions committed so far.
        self.commits = 0

    @property
    def is_open(self) -> bool:
        """True while the group's transaction is open (it may hold uncommitted writes)."""
        return self._tx is not None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write of the group, in a savepoint of the group's transaction (begun if needed)."""
        if self._tx is None:
            self._begin()
        try:
            with savepoint(self.conn):
                yield self.conn
        except BaseException:
            if not self.conn.in_transaction:  # SQLite rolled the whole group back itself
                self._end()
            raise

    def item_done(self) -> None:
        """Count one finished item; commit if the group is full or old enough."""
        self._items += 1
        if self._tx is not None and (
            self._items >= self.max_items or time.monotonic() - self._started >= self.max_s
        ):
            self.commit()

    def commit(self) -> None:
        """Commit the writes so far, if any, and release the write lock."""
        self._items = 0
        if self._tx is None:
            return
        try:
            self._tx.commit()
            self.commits += 1
        finally:
            self._end()

    def rollback(self) -> None:
        """Drop the writes not committed yet."""
        if self._tx is None:
            return
        try:
            self._tx.rollback()
        finally:
            self._end()

    def _begin(self) -> None:
        if self._lock is not None:
            self._lock.acquire()
        try:
            tx = Transaction(self.conn)
            tx.begin()
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self._tx = tx
        self._items = 0
        self._started = time.monotonic()

    def _end(self) -> None:
        self._tx = None
        self._items = 0
        if self._lock is not None:
            self._lock.release()
