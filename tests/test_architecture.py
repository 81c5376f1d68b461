"""The core (app/) never imports Qt or the ui package, so it runs headless.

Two checks: an AST walk over every file in app/ (import statements, and imports by name
through importlib or __import__), and a fresh interpreter that imports every app module
and finds no PySide6 loaded. The window is started by ``app.cli.open_window`` through
``importlib.import_module("ui.main")``: that one call is the only exception, named here.

In ui/, each feature package (ui/inbox, ui/editor, ...) keeps its modules to itself: the
rest of ui/ imports it only by the public names its ``__init__`` exports (``__all__``),
what several features share lives in ui/common (which imports no feature), and the
import graph between ui/'s parts (a sub-package, or a module at the top of ui/) has no
loop. Checked on the AST, like app/.
"""

from __future__ import annotations

import ast
import graphlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
UI = APP.parent / "ui"
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


# --- ui/: features, ui/common, and no loops ----------------------------------------------

#: The feature packages of ui/: private modules, public names in their __init__.
FEATURES = (
    "accounts",
    "actions",
    "batch",
    "byhand",
    "editor",
    "inbox",
    "ledger",
    "outbox",
    "settings",
    "spelling",
    "thread",
    "themes",
    "workspace",
)


@dataclass(frozen=True)
class UiImport:
    source: str  # the importing module, "ui.inbox.view"
    target: str  # the module imported, "ui.thread" (for "from ui.thread import ThreadPane")
    names: tuple[str, ...]  # ("ThreadPane",); () for "import ui.x" or "from ui import x"
    where: str  # "ui/inbox/view.py:50"


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _ui_imports(root: Path = UI) -> list[UiImport]:
    """Every import of a ui module by a ui module, at any depth (functions and
    TYPE_CHECKING blocks too: a type-only import is still a dependency)."""
    found: list[UiImport] = []
    for path in sorted(root.rglob("*.py")):
        source = _module_name(path, root)
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        where = f"{path.relative_to(root.parent)}:"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [UiImport(source, a.name, (), f"{where}{node.lineno}") for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package.rsplit(".", node.level - 1)[0] if node.level else ""
                module = ".".join(filter(None, (base, node.module)))
                if module == root.name:  # "from ui import theme": modules by name
                    found += [
                        UiImport(source, f"{module}.{a.name}", (), f"{where}{node.lineno}")
                        for a in node.names
                    ]
                else:
                    names = tuple(a.name for a in node.names)
                    found.append(UiImport(source, module, names, f"{where}{node.lineno}"))
    return [i for i in found if i.target.split(".")[0] == root.name]


def _part(module: str) -> str:
    """The part of ui/ a module belongs to: its sub-package ("ui.inbox" for
    "ui.inbox.view"), or itself for a module at the top of ui/ ("ui.bridge")."""
    return ".".join(module.split(".")[:2])


def _loop(imports: list[UiImport]) -> list[str]:
    """A loop in the import graph between ui/'s parts, as the parts on it; [] if none."""
    graph: dict[str, set[str]] = {}
    for i in imports:
        if _part(i.source) != _part(i.target):
            graph.setdefault(_part(i.source), set()).add(_part(i.target))
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as cycle:
        return list(cycle.args[1])
    return []


def _public_names(init: Path) -> set[str]:
    """The names a feature's __init__ lists in ``__all__``."""
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return set(ast.literal_eval(node.value))
    return set()


def _reaches_inside(imports: list[UiImport], root: Path = UI) -> list[str]:
    """Imports of a feature's private modules or names from outside it, and imports of a
    feature by ui/common."""
    public = {f"{root.name}.{f}": _public_names(root / f / "__init__.py") for f in FEATURES}
    bad: list[str] = []
    for i in imports:
        feature, home = _part(i.target), _part(i.source)
        if feature not in public or feature == home:
            continue
        if home == f"{root.name}.common":
            bad.append(f"{i.where} {i.source} is shared, yet imports the feature {feature}")
        elif i.target != feature or not i.names or not set(i.names) <= public[feature]:
            names = ", ".join(i.names) or "the module"
            bad.append(
                f"{i.where} {i.source} imports {names} from {i.target}: "
                f"only {sorted(public[feature])} from {feature} itself are public"
            )
    return bad


def test_ui_features_meet_only_through_their_public_names() -> None:
    imports = _ui_imports()
    assert len(imports) > 50
    bad = _reaches_inside(imports)
    assert not bad, "a ui feature's modules are its own:\n" + "\n".join(bad)


def test_ui_has_no_import_loop_between_its_parts() -> None:
    loop = _loop(_ui_imports())
    assert not loop, "ui/ imports in a loop: " + " -> ".join(loop)


def _imports_and_lazy_exports(tree: ast.Module) -> list[ast.ImportFrom]:
    """A feature's top-level imports, and when it loads names on first use
    (``__getattr__ = lazy.exports(...)``, ui/common/lazy.py) the imports it declares for
    type checkers under ``if TYPE_CHECKING:``, provided the lazy map names each."""
    found = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
    lazy = next(
        (
            n.value
            for n in tree.body
            if isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__getattr__" for t in n.targets)
            and isinstance(n.value, ast.Call)
        ),
        None,
    )
    if lazy is None or len(lazy.args) != 2 or not isinstance(lazy.args[1], ast.Dict):
        return found
    loaded = {k.value for k in lazy.args[1].keys if isinstance(k, ast.Constant)}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for inner in node.body:
                if isinstance(inner, ast.ImportFrom):
                    names = [a for a in inner.names if (a.asname or a.name) in loaded]
                    found.append(ast.ImportFrom(inner.module, names, inner.level))
    return found


def test_every_feature_exports_and_documents_its_public_names() -> None:
    for feature in FEATURES:
        init = UI / feature / "__init__.py"
        names = _public_names(init)
        assert names, f"{init} has no __all__"
        tree = ast.parse(init.read_text(encoding="utf-8"))
        docstring = ast.get_docstring(tree) or ""
        bound = {a.asname or a.name for n in _imports_and_lazy_exports(tree) for a in n.names}
        assert names <= bound, f"{init}: {sorted(names - bound)} listed but not imported"
        missing = [n for n in names if f"``{n}``" not in docstring]
        assert not missing, f"{init}: the docstring does not name {missing}"
    assert {p.name for p in UI.iterdir() if (p / "__init__.py").exists()} == {*FEATURES, "common"}


def test_the_ui_checker_finds_loops_and_private_imports(tmp_path: Path) -> None:
    root = tmp_path / "ui"
    files = {
        "__init__.py": "",
        "theme.py": "",
        "common/__init__.py": "",
        "common/chips.py": "from ui import theme\nfrom ui.inbox import InboxPage\n",
        **{f"{f}/__init__.py": "" for f in FEATURES},
        "inbox/__init__.py": "from ui.inbox.view import InboxPage\n__all__ = ['InboxPage']\n",
        "inbox/view.py": "from ui.thread.pane import ThreadPane\n",
        "thread/pane.py": "from ui.inbox import InboxPage\nfrom . import render\n",
        "thread/render.py": "import ui.inbox.view\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)

    imports = _ui_imports(root)
    assert [(i.source, i.target, i.names) for i in imports if i.source == "ui.thread.pane"] == [
        ("ui.thread.pane", "ui.inbox", ("InboxPage",)),
        ("ui.thread.pane", "ui.thread", ("render",)),
    ]
    assert sorted(_loop(imports)) == ["ui.inbox", "ui.inbox", "ui.thread"]
    bad = _reaches_inside(imports, root)
    assert [line.split(" ", 1)[0] for line in bad] == [
        "ui/common/chips.py:2",  # shared code importing a feature, even a public name
        "ui/inbox/view.py:1",  # a private module of another feature
        "ui/thread/render.py:1",  # "import ui.inbox.view" is private too
    ]


# --- the window reaches the core only through Core ----------------------------------------

#: What ui/ must never import: the store and SQLite are the core's, behind Core.
STORE_MODULES = ("app.store", "sqlite_utils", "sqlite3")


def _store_reaches(path: Path, root: Path = UI) -> list[str]:
    """Imports of the store or SQLite in one file, and any ``<x>.store`` attribute (the
    Core's store is not for front ends)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(root.parent).as_posix()
    found: list[str] = []
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Call) and (by_name := _imported_by_name(node)):
            modules = [by_name]
        elif isinstance(node, ast.Attribute) and node.attr == "store":
            found.append(f"{where}:{node.lineno} reads .store")
        store = [m for m in modules if any(m == s or m.startswith(f"{s}.") for s in STORE_MODULES)]
        if store:
            found.append(f"{where}:{node.lineno} imports {store[0]}")
    return found


def test_ui_never_reaches_the_store() -> None:
    files = sorted(UI.rglob("*.py"))
    assert len(files) > 40
    bad = [found for path in files for found in _store_reaches(path)]
    assert not bad, "ui/ talks to Core, never to the store:\n" + "\n".join(bad)


def test_the_store_check_catches_every_form(tmp_path: Path) -> None:
    sample = tmp_path / "ui" / "sample.py"
    sample.parent.mkdir()
    sample.write_text(
        "import sqlite3\n"
        "from app import store\n"
        "from app.store.comments import view_page\n"
        "import sqlite_utils.db\n"
        "def f(core):\n"
        "    importlib.import_module('app.store')\n"
        "    return core.store.read\n",
        encoding="utf-8",
    )
    lines = sorted(int(f.split(":")[1].split()[0]) for f in _store_reaches(sample, sample.parent))
    assert lines == [1, 2, 3, 4, 6, 7]


# --- value types are msgspec Structs ------------------------------------------------------


def _dataclasses(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line`` of every class in ``path`` decorated as a dataclass, in any spelling."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ClassDef):
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name == "dataclass":
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_app_and_ui_define_their_value_types_as_structs() -> None:
    """A frozen dataclass execs its generated methods as its module is imported (~1 ms a
    class, some 90 of them before the first paint); a msgspec Struct is made in C."""
    found = [hit for root in (APP, UI) for path in root.rglob("*.py") for hit in _dataclasses(path)]
    assert found == [], "use msgspec.Struct (app/values.py for per-field repr or equality)"


def test_the_dataclass_check_catches_every_form(tmp_path: Path) -> None:
    source = tmp_path / "values.py"
    source.write_text(
        "import dataclasses\nfrom dataclasses import dataclass\n\n"
        "@dataclass\nclass A:\n    x: int\n\n"
        "@dataclass(frozen=True, slots=True)\nclass B:\n    x: int\n\n"
        "@dataclasses.dataclass(frozen=True)\nclass C:\n    x: int\n\n"
        "class D:\n    x: int\n",
        encoding="utf-8",
    )
    assert _dataclasses(source, tmp_path) == ["values.py:5", "values.py:9", "values.py:13"]
