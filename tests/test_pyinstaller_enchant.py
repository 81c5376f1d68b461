"""Which of Enchant's files the frozen Fireside keeps (packaging/pyinstaller/
enchant_files.py, used by fireside.spec), over the destinations PyInstaller's pyenchant
hook gives the pyenchant 3.3.0 win_amd64 wheel's files, and a macOS prefix staged as
packaging/macos/build.sh stages Homebrew's Enchant."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "packaging" / "pyinstaller"))
import enchant_files

WHEEL = "enchant/data/mingw64"
#: Opened by name at run time: pyenchant's ctypes load, and Enchant's provider modules.
LOADED_BY_NAME = [
    f"{WHEEL}/bin/libenchant-2.dll",
    f"{WHEEL}/lib/enchant-2/enchant_hunspell.dll",
    f"{WHEEL}/lib/enchant-2/enchant_nuspell.dll",
]
#: Kept only when something kept imports them (libenchant-2.dll and the providers do).
IMPORTED = [
    f"{WHEEL}/bin/libglib-2.0-0.dll",
    f"{WHEEL}/bin/libhunspell-1.7-0.dll",
    f"{WHEEL}/bin/libstdc++-6.dll",
    f"{WHEEL}/bin/tcl86.dll",
    "PySide6/Qt6Core.dll",
]
#: What Enchant reads: its provider order and the English hunspell dictionaries.
NEEDED_DATA = [
    f"{WHEEL}/share/enchant/enchant.ordering",
    f"{WHEEL}/share/enchant/hunspell/en_US.aff",
    f"{WHEEL}/share/enchant/hunspell/en_US.dic",
    f"{WHEEL}/share/enchant/hunspell/en_GB.dic",
    f"{WHEEL}/share/enchant/hunspell/en_CA.dic",
    "resources/fireside.svg",
]
UNUSED = [
    f"{WHEEL}/lib/enchant-2/enchant_hunspell.a",
    f"{WHEEL}/lib/enchant-2/enchant_hunspell.dll.a",
    f"{WHEEL}/lib/enchant-2/enchant_hunspell.la",
    f"{WHEEL}/share/doc/enchant/enchant-2.html",
    f"{WHEEL}/share/enchant/hunspell/en_US-large.dic",
    f"{WHEEL}/share/enchant/hunspell/en_AU-large.aff",
]


@pytest.mark.parametrize("dest", LOADED_BY_NAME)
def test_enchant_and_its_providers_are_reachability_roots(dest: str) -> None:
    assert enchant_files.loaded_by_name(dest)
    assert enchant_files.loaded_by_name(dest.replace("/", "\\"))  # as Windows spells it
    assert not enchant_files.unused(dest)


@pytest.mark.parametrize("dest", IMPORTED)
def test_their_dependencies_are_left_to_the_import_tables(dest: str) -> None:
    assert not enchant_files.loaded_by_name(dest)


@pytest.mark.parametrize("dest", NEEDED_DATA)
def test_dictionaries_and_provider_order_are_kept(dest: str) -> None:
    assert not enchant_files.unused(dest)


@pytest.mark.parametrize("dest", UNUSED)
def test_build_leftovers_docs_and_large_duplicates_are_dropped(dest: str) -> None:
    assert enchant_files.unused(dest)


def _stage(prefix: Path, provider: bool = True) -> Path:
    lib = prefix / "lib"
    (lib / "enchant-2").mkdir(parents=True)
    (lib / "aspell-0.60").mkdir()
    (lib / "libenchant-2.2.dylib").write_bytes(b"\xcf\xfa\xed\xfe")
    (lib / "libenchant-2.a").write_bytes(b"!<arch>")
    if provider:
        (lib / "enchant-2" / "enchant_aspell.so").write_bytes(b"\xcf\xfa\xed\xfe")
    return lib


def test_macos_prefix_lands_where_the_app_looks(tmp_path: Path) -> None:
    from app.text.bundled_enchant import ASPELL_DIR, PREFIX

    lib = _stage(tmp_path)
    binaries, datas = enchant_files.macos_prefix(str(tmp_path))
    assert binaries == [
        (str(lib / "libenchant-2.2.dylib"), f"{PREFIX}/lib"),
        (str(lib / "enchant-2" / "enchant_aspell.so"), f"{PREFIX}/lib/enchant-2"),
    ]
    assert datas == [(str(lib / "aspell-0.60"), f"{PREFIX}/{ASPELL_DIR}")]
    assert all(enchant_files.loaded_by_name(f"{dest}/{Path(src).name}") for src, dest in binaries)


def test_macos_prefix_without_a_provider_stops_the_build(tmp_path: Path) -> None:
    _stage(tmp_path, provider=False)
    with pytest.raises(SystemExit, match="lacks libenchant-2 or its providers"):
        enchant_files.macos_prefix(str(tmp_path))
