"""The Enchant a frozen Fireside carries on macOS, and pointing pyenchant at it.

Homebrew's Enchant is not on the Macs Fireside is installed on, so packaging/macos/build.sh
copies it into Fireside.app under :data:`PREFIX` (laid out as an install prefix): the
library, its aspell provider, and aspell's English dictionaries. pyenchant finds a library
only on the system's search path, and aspell only in the folders it was built for, so both
are told where the bundle's are, through their environment variables, before pyenchant is
imported. Windows needs none of this (pyenchant's wheel carries Enchant and dictionaries
beside itself, and the bundle keeps that layout); Linux uses the system's Enchant.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path

import msgspec

#: The folder in the frozen bundle (beside sys._MEIPASS's contents) holding Enchant;
#: packaging/pyinstaller/enchant_files.py lays it out.
PREFIX = "enchant-prefix"
#: Where under PREFIX the aspell provider's dictionaries and language data are (Homebrew's
#: aspell keeps both in lib/aspell-0.60).
ASPELL_DIR = "lib/aspell-0.60"
LIBRARY_VARIABLE = "PYENCHANT_LIBRARY_PATH"
ASPELL_VARIABLE = "ASPELL_CONF"


class BundledEnchant(msgspec.Struct, frozen=True):
    """Enchant's library and aspell's dictionaries in a frozen bundle."""

    library: Path
    aspell_dir: Path

    @classmethod
    def in_bundle(cls, root: Path) -> BundledEnchant | None:
        """The Enchant under ``root`` (the frozen app's sys._MEIPASS), or None when the
        bundle carries none (Linux and Windows builds)."""
        prefix = root / PREFIX
        libraries = sorted((prefix / "lib").glob("libenchant-2*.dylib"))
        if not libraries:
            return None
        return cls(library=libraries[0], aspell_dir=prefix / ASPELL_DIR)

    def environment(self) -> dict[str, str]:
        """The variables pyenchant and aspell read: the library to load, and aspell's
        dictionary and data folders (aspell's ``ASPELL_CONF``: ``key value`` pairs
        separated by semicolons)."""
        folder = str(self.aspell_dir)
        return {
            LIBRARY_VARIABLE: str(self.library),
            ASPELL_VARIABLE: f"dict-dir {folder}; data-dir {folder}",
        }


def use_bundled_enchant(
    environ: MutableMapping[str, str], frozen_root: Path | None
) -> BundledEnchant | None:
    """Point pyenchant and aspell at the bundle's Enchant, when the app is frozen
    (``frozen_root`` is sys._MEIPASS, None when run from source) and carries one. Must run
    before ``import enchant``. A variable the person set themselves is left as it is."""
    if frozen_root is None:
        return None
    bundled = BundledEnchant.in_bundle(frozen_root)
    if bundled is not None:
        for name, value in bundled.environment().items():
            environ.setdefault(name, value)
    return bundled
