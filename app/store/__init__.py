"""Local store: SQLite through sqlite-utils, versioned migrations, FTS5, repositories."""

from app.store.db import Store

__all__ = ["Store"]
