"""Which of Enchant's files the frozen Fireside keeps, for fireside.spec.

Enchant's library and its spelling providers are opened by name at run time (pyenchant
loads the library with ctypes; the library loads each provider from lib/enchant-2 beside
it), so no import table names them and the spec's reachability pass would drop them:
:func:`loaded_by_name` marks them as roots. Their own dependencies (GLib, hunspell,
libstdc++ ...) are then kept through their import tables.

- Windows: PyInstaller's pyenchant hook collects the wheel's enchant/data/mingw64 prefix
  whole (bin/libenchant-2.dll and its DLLs, lib/enchant-2 providers, share/enchant with the
  English hunspell dictionaries and enchant.ordering); pyenchant finds it beside itself.
  :func:`unused` drops the wheel's build leftovers and its "-large" duplicate dictionaries.
- macOS: packaging/macos/build.sh stages Homebrew's Enchant as a prefix and names it in
  FIRESIDE_ENCHANT_PREFIX; :func:`macos_prefix` adds it under app/text/bundled_enchant.py's
  PREFIX, where the app points pyenchant and aspell at it.
"""

import os

#: The bundle folder the app looks in (app/text/bundled_enchant.py's PREFIX).
PREFIX = "enchant-prefix"
#: Files of the Windows wheel's prefix nothing opens at run time: static and libtool
#: archives, import libraries, and the manual pages as HTML.
UNUSED_SUFFIXES = (".a", ".la", ".html")


def _parts(dest):
    return dest.replace("\\", "/").split("/")


def loaded_by_name(dest):
    """True for Enchant's library and its providers, at ``dest`` in the bundle."""
    parts = _parts(dest)
    if parts[0] not in ("enchant", PREFIX):
        return False
    return parts[-1].startswith("libenchant-2") or "enchant-2" in parts[:-1]


def unused(dest):
    """True for the Windows wheel's files under enchant/data that the app never opens."""
    parts = _parts(dest)
    if parts[:2] != ["enchant", "data"]:
        return False
    name = parts[-1]
    return (
        name.endswith(UNUSED_SUFFIXES)
        or "doc" in parts[:-1]
        or name.split(".")[0].endswith("-large")  # en_US-large: en_US with rarer words
    )


def macos_prefix(prefix):
    """(binaries, datas) for Analysis: the staged prefix's libenchant-2 and providers, and
    aspell's dictionaries, under PREFIX (``prefix``: as packaging/macos/build.sh stages
    it: lib/libenchant-2*.dylib, lib/enchant-2/*.so, lib/aspell-0.60/)."""
    lib = os.path.join(prefix, "lib")
    providers = os.path.join(lib, "enchant-2")
    libraries = [
        n for n in sorted(os.listdir(lib)) if n.startswith("libenchant-2") and n.endswith(".dylib")
    ]
    modules = [n for n in sorted(os.listdir(providers)) if n.endswith(".so")]
    if not libraries or not modules:
        raise SystemExit(f"fireside.spec: {prefix} lacks libenchant-2 or its providers")
    binaries = [(os.path.join(lib, n), f"{PREFIX}/lib") for n in libraries] + [
        (os.path.join(providers, n), f"{PREFIX}/lib/enchant-2") for n in modules
    ]
    datas = [(os.path.join(lib, "aspell-0.60"), f"{PREFIX}/lib/aspell-0.60")]
    return binaries, datas
