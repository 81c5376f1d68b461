"""Where a frozen macOS Fireside points pyenchant and aspell (app/text/bundled_enchant.py),
over bundles laid out in a temporary folder as packaging/pyinstaller/enchant_files.py
lays out Fireside.app's."""

from __future__ import annotations

from pathlib import Path

from app.text.bundled_enchant import (
    ASPELL_VARIABLE,
    LIBRARY_VARIABLE,
    PREFIX,
    BundledEnchant,
    use_bundled_enchant,
)


def _bundle(root: Path, library: str = "libenchant-2.2.dylib") -> Path:
    lib = root / PREFIX / "lib"
    (lib / "enchant-2").mkdir(parents=True)
    (lib / "aspell-0.60").mkdir()
    (lib / library).write_bytes(b"\xcf\xfa\xed\xfe")
    (lib / "enchant-2" / "enchant_aspell.so").write_bytes(b"\xcf\xfa\xed\xfe")
    return lib


def test_frozen_bundle_points_pyenchant_at_its_library_and_aspell_at_its_dictionaries(
    tmp_path: Path,
) -> None:
    lib = _bundle(tmp_path)
    environ: dict[str, str] = {"PATH": "/usr/bin"}
    found = use_bundled_enchant(environ, tmp_path)
    assert found == BundledEnchant(lib / "libenchant-2.2.dylib", lib / "aspell-0.60")
    assert environ == {
        "PATH": "/usr/bin",
        LIBRARY_VARIABLE: str(lib / "libenchant-2.2.dylib"),
        ASPELL_VARIABLE: f"dict-dir {lib / 'aspell-0.60'}; data-dir {lib / 'aspell-0.60'}",
    }


def test_unversioned_library_name_is_found_too(tmp_path: Path) -> None:
    lib = _bundle(tmp_path, library="libenchant-2.dylib")
    bundled = BundledEnchant.in_bundle(tmp_path)
    assert bundled is not None and bundled.library == lib / "libenchant-2.dylib"


def test_running_from_source_changes_nothing(tmp_path: Path) -> None:
    _bundle(tmp_path)
    environ: dict[str, str] = {}
    assert use_bundled_enchant(environ, None) is None
    assert environ == {}


def test_bundle_without_enchant_changes_nothing(tmp_path: Path) -> None:
    """Linux and Windows bundles: pyenchant finds the system's or its wheel's Enchant."""
    (tmp_path / "enchant" / "data" / "mingw64" / "bin").mkdir(parents=True)
    environ: dict[str, str] = {}
    assert use_bundled_enchant(environ, tmp_path) is None
    assert environ == {}


def test_variables_the_person_set_win(tmp_path: Path) -> None:
    lib = _bundle(tmp_path)
    environ = {LIBRARY_VARIABLE: "/opt/homebrew/lib/libenchant-2.dylib"}
    use_bundled_enchant(environ, tmp_path)
    assert environ[LIBRARY_VARIABLE] == "/opt/homebrew/lib/libenchant-2.dylib"
    assert environ[ASPELL_VARIABLE] == (
        f"dict-dir {lib / 'aspell-0.60'}; data-dir {lib / 'aspell-0.60'}"
    )
