"""PySide's per-import source check, answered from the module file's bytes.

Since PySide 6.4 (PYSIDE-2029, for ``from __feature__ import ...``) an import hook asks,
once for every module named in an import statement after shiboken6 has loaded, whether
the module "uses PySide": ``shibokensupport.feature._mod_uses_pyside`` reads the module's
source with ``inspect.getsource`` and looks for the word "PySide6". ``getsource`` goes
through ``linecache``, which keeps every source it read in memory as lists of lines. A
window start asks about some 260 modules before the first paint: measured on the 200k
bench store, 33-41 ms and 3.3 MB of source text kept for good, against 11-12 ms and
nothing kept when the same question is answered from the file's bytes.

:func:`install` replaces PySide's check with :func:`uses_pyside`, which gives the same
answer (a module whose ``.py`` file names PySide6) and hands anything else (built-ins,
frozen or source-less modules, unreadable files) to PySide's own check. Where a PySide
release no longer has the hook, nothing is replaced. Fireside itself uses no
``__feature__``; the answer matters only to code that does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

_FEATURE_MODULE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"
_MARK = b"PySide6"

ModuleCheck = Callable[[ModuleType], bool]


def install() -> bool:
    """Answer PySide's check from file bytes from now on; False if PySide has no such
    check (another release) and nothing was changed."""
    import shiboken6  # noqa: F401  (it creates the feature module and its import hook)

    feature = sys.modules.get(_FEATURE_MODULE)
    pyside_check = getattr(feature, _CHECK, None)
    if feature is None or not callable(pyside_check):
        return False
    if getattr(pyside_check, "__wrapped__", None) is not None:
        return True  # installed already
    setattr(feature, _CHECK, _from_file_bytes(pyside_check))
    return True


def _from_file_bytes(pyside_check: ModuleCheck) -> ModuleCheck:
    def check(module: ModuleType) -> bool:
        answer = uses_pyside(module)
        return pyside_check(module) if answer is None else answer

    check.__wrapped__ = pyside_check  # type: ignore[attr-defined]
    return check


def uses_pyside(module: ModuleType) -> bool | None:
    """Whether ``module``'s source file names PySide6; None when it has no readable
    ``.py`` file."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return None
    try:
        with open(path, "rb") as source:
            return _MARK in source.read()
    except OSError:
        return None
