"""Public names of a feature that load when first used: a package's ``__getattr__``.

The first painted inbox needs the inbox, not the editor, the outbox, the workspace pages
or the dialogs; importing them all at start cost the window a good part of its start.
A feature's ``__init__`` still lists every public name in ``__all__`` and imports it for
type checkers; the heavy ones it names here, with the module that defines each:

    __getattr__ = lazy.exports(__name__, {"EditorPanel": "ui.editor.panel"})

``from ui.editor import EditorPanel`` then imports ``ui.editor.panel`` at that moment.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def exports(package: str, where: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package`` that imports each name of ``where`` from
    its module on first use (and keeps it on the package, so it is looked up once)."""

    def load(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return load
