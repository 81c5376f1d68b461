"""Sync: pulling comments with cursors, pushing the outbox exactly once, rate limits,
backoff and scheduled drafts. ``SyncEngine`` is the one entry point front ends use."""

from app.sync.backoff import Backoff
from app.sync.engine import SyncEngine, SyncReport

__all__ = ["Backoff", "SyncEngine", "SyncReport"]
