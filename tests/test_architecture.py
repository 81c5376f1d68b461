"""The core (app/) never imports Qt or the ui package, so it runs headless.

Two checks: an AST walk over every file in app/ (import statements, and imports by name
through importlib or __import__), and a fresh interpreter that imports every app module
and finds no PySide6 loaded. The window is started by ``app.cli.open_window`` through
``importlib.import_module("ui.main")``: that one call is the only exception, named here.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
FORBIDDEN = ("PySide6", "shiboken6", "ui")
#: (file, function) allowed to import a forbidden module by name, lazily.
LAZY_GUI_LAUNCHERS = {("cli.py", "open_window")}


def _forbidden(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in FORBIDDEN)


def _imported_by_name(call: ast.Call) -> str | None:
    """ "x" for importlib.import_module("x") / import_module("x") / __import__("x")."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name in ("import_module", "__import__") and call.args:
        first = call.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def _violations(path: Path, root: Path = APP) -> tuple[list[str], set[tuple[str, str]]]:
    """Forbidden imports in one file of ``root``, and the whitelisted launchers found."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = str(path.relative_to(root.parent))
    bad: list[str] = []
    launchers: set[tuple[str, str]] = set()

    def visit(node: ast.AST, function: str | None) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Call) and (by_name := _imported_by_name(node)):
            key = (path.name, function or "")
            if _forbidden(by_name) and key in LAZY_GUI_LAUNCHERS and path.parent == root:
                launchers.add(key)
            else:
                modules = [by_name]
        bad.extend(f"{where}:{node.lineno} imports {m}" for m in modules if _forbidden(m))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, None)
    return bad, launchers


def test_app_never_imports_qt_or_ui() -> None:
    bad: list[str] = []
    launchers: set[tuple[str, str]] = set()
    files = sorted(APP.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        found, used = _violations(path)
        bad += found
        launchers |= used
    assert not bad, "app/ must stay free of Qt and ui:\n" + "\n".join(bad)
    assert launchers == LAZY_GUI_LAUNCHERS, "the lazy GUI launcher moved: update this test"


def test_the_checker_catches_every_form(tmp_path: Path) -> None:
    sample = tmp_path / "app" / "sample.py"
    sample.parent.mkdir()
    sample.write_text(
        "import PySide6.QtCore\nfrom ui import bridge\nfrom shiboken6 import isValid\n"
        "import importlib\n"
        "def open_window():\n    importlib.import_module('ui.main')\n"
        "def other():\n    __import__('PySide6')\n"
        "import uikit\nfrom . import ui\n"
    )
    bad, launchers = _violations(sample, sample.parent)
    assert [line.split(" imports ")[1] for line in bad] == [
        "PySide6.QtCore",
        "ui",
        "shiboken6",
        "ui.main",
        "PySide6",
    ]
    assert launchers == set()


def test_importing_every_core_module_loads_no_qt() -> None:
    code = (
        "import importlib, pkgutil, sys, app\n"
        "names = [m.name for m in pkgutil.walk_packages(app.__path__, 'app.')"
        " if m.name != 'app.__main__']\n"
        "for name in names:\n    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('PySide6', 'shiboken6', 'ui'))\n"
        "assert not loaded, loaded\nprint(len(names))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 10


# --- the sandbox is a network kind like the others ----------------------------------------

ROOT = APP.parent
#: Where the built-in sandbox's name may be compared with: its kind's module, the server,
#: and the composition root (the shared wiring and the two front ends' entry points).
SANDBOX_NAME_ALLOWED = (
    "app/networks/sandbox.py",
    "app/sandbox/",
    "app/bootstrap.py",
    "app/cli.py",
    "ui/main.py",
)


def _is_sandbox(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.casefold() == "sandbox"
    )


def _sandbox_comparisons(path: Path, root: Path = ROOT) -> list[str]:
    """Comparisons with the string "sandbox" in one file: ``==``, ``!=``, ``in``, ``is``,
    ``case``, directly or through a name this file binds to that string."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(root).as_posix()
    aliases = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign) and _is_sandbox(node.value)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }

    def names_sandbox(node: ast.AST) -> bool:
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return any(names_sandbox(element) for element in node.elts)
        return (
            _is_sandbox(node)
            or (isinstance(node, ast.Name) and node.id in aliases)
            or (isinstance(node, ast.Attribute) and node.attr in aliases)
        )

    lines = sorted(
        node.lineno
        for node in ast.walk(tree)
        if (
            isinstance(node, ast.Compare)
            and any(names_sandbox(side) for side in (node.left, *node.comparators))
        )
        or (isinstance(node, ast.MatchValue) and names_sandbox(node.value))
    )
    return [f"{where}:{line}" for line in lines]


def test_nothing_outside_the_sandbox_kind_compares_with_its_name() -> None:
    files = sorted([*APP.rglob("*.py"), *(ROOT / "ui").rglob("*.py")])
    checked = [
        path
        for path in files
        if not path.relative_to(ROOT).as_posix().startswith(SANDBOX_NAME_ALLOWED)
    ]
    assert len(checked) > 50
    bad = [found for path in checked for found in _sandbox_comparisons(path)]
    assert not bad, (
        'Only the sandbox kind\'s module compares with "sandbox"; elsewhere ask its '
        "NetworkKind (registry.is_builtin...):\n" + "\n".join(bad)
    )


def test_the_sandbox_check_catches_every_form(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'SANDBOX = "sandbox"\n'
        'a = network == "sandbox"\n'
        'b = "Sandbox" != network\n'
        'c = network in ("sandbox", "wordpress")\n'
        "d = network is SANDBOX\n"
        "e = account.network == manager.SANDBOX\n"
        "match network:\n"
        '    case "sandbox":\n'
        "        pass\n"
        'COLOURS = {"sandbox": "#8a6d3b"}\n'
        'f = print("sandbox")\n'
        'g = network == "sandboxes"\n'
    )
    assert _sandbox_comparisons(sample, tmp_path) == [f"sample.py:{n}" for n in (2, 3, 4, 5, 6, 8)]
