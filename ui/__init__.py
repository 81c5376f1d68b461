"""Fireside's Qt front end: presents the core and gathers input; no business rules here.

The package answers PySide's per-import source check from file bytes before any of its
modules loads (:mod:`ui.pyside_import_check`)."""

from ui import pyside_import_check

pyside_import_check.install()
