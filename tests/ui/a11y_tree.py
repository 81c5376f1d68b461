"""Reading a window the way assistive technology does, through Qt's accessibility
interfaces (``QAccessible.queryAccessibleInterface``): the same tree Qt hands to AT-SPI on
Linux, UI Automation on Windows and NSAccessibility on macOS.

``unnamed(widget)`` lists every object in the widget's tree that can take the keyboard
or be pressed (a control, a list row, a table cell, an icon button inside a field) and
has no meaningful accessible name: none, or only a number ("1,618"), which a screen
reader would announce as just "button", "edit", "list item" or "one thousand six hundred
eighteen".
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QWidget

Text = QAccessible.Text
Role = QAccessible.Role
#: Roles a person acts on, focusable or not (an icon button inside a field is not).
INTERACTIVE = (
    Role.Button,
    Role.CheckBox,
    Role.RadioButton,
    Role.ComboBox,
    Role.SpinBox,
    Role.EditableText,
    Role.Link,
    Role.MenuItem,
    Role.ButtonMenu,
    Role.ButtonDropDown,
    Role.ListItem,
    Role.TreeItem,
    Role.Cell,
    Role.PageTab,
)
#: Children read per item view: enough rows to know the model names them all alike.
ROWS_READ = 60


def walk(iface: QAccessibleInterface, depth: int = 0) -> Iterator[tuple[QAccessibleInterface, int]]:
    """Every interface below ``iface`` that is showing (hidden pages are skipped, as a
    screen reader skips them), depth first, with its depth."""
    if not iface.isValid() or iface.state().invisible:
        return
    yield iface, depth
    count = iface.childCount()
    for index in range(min(count, ROWS_READ) if _is_view(iface) else count):
        child = iface.child(index)
        if child is not None:
            yield from walk(child, depth + 1)


def _is_view(iface: QAccessibleInterface) -> bool:
    return iface.role() in (
        QAccessible.Role.List,
        QAccessible.Role.Table,
        QAccessible.Role.Tree,
        QAccessible.Role.TreeItem,
    )


def describe(iface: QAccessibleInterface) -> str:
    """Role, object class and name, and the name of its parent, to find it in a report."""
    target = iface.object()
    kind = type(target).__name__ if target is not None else "item"
    name = target.objectName() if target is not None else ""
    parent = iface.parent()
    within = parent.text(Text.Name) if parent is not None else ""
    return f"{iface.role().name} ({kind}{' #' + name if name else ''}) in “{within}”"


def meaningful(name: str) -> bool:
    """A name says something when it has a word in it, not only digits and signs."""
    return any(char.isalpha() for char in name)


def unnamed(widget: QWidget) -> list[str]:
    """Focusable or pressable objects under ``widget`` without a meaningful name."""
    root = QAccessible.queryAccessibleInterface(widget)
    assert root is not None, widget
    found = []
    for iface, _ in walk(root):
        acts = iface.state().focusable or iface.role() in INTERACTIVE
        name = iface.text(Text.Name)
        if acts and not meaningful(name):
            found.append(f"{describe(iface)}: “{name}”")
    return found


def names(widget: QWidget) -> list[str]:
    """The accessible names under ``widget``, in tree order (for assertions on wording)."""
    root = QAccessible.queryAccessibleInterface(widget)
    return [iface.text(Text.Name) for iface, _ in walk(root)]


def focused_name(widget: QWidget) -> str:
    """The meaningful accessible name of ``widget`` (its focused row's, for an item view
    whose current row is what a screen reader announces), or ""."""
    iface = QAccessible.queryAccessibleInterface(widget)
    if iface is None:
        return ""
    focus = iface.focusChild()
    for candidate in (iface, focus):
        if candidate is not None and meaningful(candidate.text(Text.Name)):
            return candidate.text(Text.Name)
    return ""
