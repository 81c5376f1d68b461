"""The database handle every store function takes: the part of sqlite-utils' ``Database``
the store uses, over one ``sqlite3`` connection.

Importing sqlite-utils costs ~45 ms (click, pluggy, dateutil and its own 3,000 lines), all
of it on the way to the window's first paint, for four methods. This class has those
methods with sqlite-utils' behaviour (``query`` yields one dict per row); the table
helpers (``table()``: ``create``, ``enable_fts``...) still come from sqlite-utils, imported
on first use, which only schema migrations make.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    import sqlite_utils.db

#: What a statement's ``?`` or ``:name`` placeholders are bound to.
Params: TypeAlias = Sequence[Any] | Mapping[str, Any]


class Database:
    """One connection, with sqlite-utils' ``execute``/``query``/``executescript``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Params | None = None) -> sqlite3.Cursor:
        if parameters is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, parameters)

    def executescript(self, sql: str) -> sqlite3.Cursor:
        """Run several statements; inside a transaction one by one, since
        ``sqlite3.executescript`` would commit that transaction first (as sqlite-utils)."""
        if not self.conn.in_transaction:
            return self.conn.executescript(sql)
        cursor = self.conn.cursor()
        for statement in statements(sql):
            cursor.execute(statement)
        return cursor

    def query(self, sql: str, params: Params | None = None) -> Iterator[dict[str, Any]]:
        """Each row of the result as a dict of column name to value."""
        cursor = self.execute(sql, params)
        keys = _unique([d[0] for d in cursor.description])
        for row in cursor:
            yield dict(zip(keys, row, strict=True))

    def table(self, name: str) -> sqlite_utils.db.Table:
        """sqlite-utils' table helper (create, enable_fts...): for schema migrations."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn).table(name)


def statements(sql: str) -> Iterator[str]:
    """The complete statements of a script, in order (``sqlite3.complete_statement``
    knows where one ends: not at a ``;`` inside a string or a trigger's body)."""
    pending = ""
    for piece in sql.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n\t;"):
                yield pending.strip()
            pending = ""


def _unique(keys: list[str]) -> list[str]:
    """Column names made unique as sqlite-utils does: a repeated name gets ``_2``, ``_3``..."""
    if len(set(keys)) == len(keys):
        return keys
    taken, seen, unique = set(keys), set(), []
    for key in keys:
        name, suffix = key, 2
        while key in seen and (name in seen or name in taken):
            name, suffix = f"{key}_{suffix}", suffix + 1
        seen.add(name)
        unique.append(name)
    return unique


def insert(db: Database, table: str, row: Mapping[str, object], *, or_ignore: bool = False) -> int:
    """Insert ``row`` (column name to value) into ``table``; returns its rowid."""
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" * len(row))
    verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
    cursor = db.execute(f'{verb} INTO "{table}" ({columns}) VALUES ({marks})', list(row.values()))
    rowid = cursor.lastrowid
    assert rowid is not None
    return rowid
