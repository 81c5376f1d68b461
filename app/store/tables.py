"""Typed helpers for writing rows (the store's own ``INSERT``, no sqlite-utils)."""

from __future__ import annotations

from app.store.sql import Database, insert


def insert_row(db: Database, table: str, row: dict[str, object]) -> int:
    """Insert ``row`` into ``table``, whose key is an integer ``id``, and return that id."""
    return insert(db, table, row)
