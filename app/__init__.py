"""Fireside core: everything that runs without Qt (store, sync, networks, sandbox, CLI)."""

__version__ = "0.1.0"
