"""Typed helpers where sqlite-utils' own types are loose (``Table.last_pk`` is ``Any``)."""

from __future__ import annotations

import sqlite_utils


def insert_row(db: sqlite_utils.Database, table: str, row: dict[str, object]) -> int:
    """Insert ``row`` into ``table``, whose key is an integer ``id``, and return that id."""
    row_id = db.table(table).insert(row).last_pk
    assert isinstance(row_id, int), f"{table} has no integer key"
    return row_id
