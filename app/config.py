"""Where Fireside keeps its data: platformdirs by default, FIRESIDE_HOME or --data-dir override."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Fireside"
DATABASE_FILE = "fireside.db"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return (and create) the data dir: explicit override, FIRESIDE_HOME, platform default."""
    chosen = override or os.environ.get("FIRESIDE_HOME")
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(directory: Path) -> Path:
    return directory / DATABASE_FILE


def sandbox_state_dir(directory: Path) -> Path:
    """State of the built-in sandbox network when the app runs it in-process."""
    return directory / "sandbox"
