"""Commands by name, the keys bound to them, and the '?' help that lists them.

Public, for the rest of ui/ (every feature binds its keys through these): ``Command`` and
``Registry`` (a command's name, label, scope and keys; widgets bind handlers to names),
``describe_key`` (a key as a person reads it), ``speak_button`` (a button that shows its
key, named by its text alone for screen readers), ``COMMANDS`` (the window's and the inbox's
keys), ``HelpDialog`` (the '?' help), ``CommandMenus`` (the menu bar made from the
commands, and running a command where the keyboard is), ``live_action`` (the action
a command's keys would run now), ``CommandPalette`` (Ctrl+K) and
``AboutDialog`` (version and licence notices). The modules are the feature's own.
"""

from typing import TYPE_CHECKING

from ui.actions.keymap import COMMANDS
from ui.actions.menus import CommandMenus, live_action
from ui.actions.registry import Command, Registry, describe_key, speak_button
from ui.common import lazy

if TYPE_CHECKING:
    from ui.actions.about import AboutDialog
    from ui.actions.help import HelpDialog
    from ui.actions.palette import CommandPalette

__all__ = [
    "COMMANDS",
    "AboutDialog",
    "Command",
    "CommandMenus",
    "CommandPalette",
    "HelpDialog",
    "Registry",
    "describe_key",
    "live_action",
    "speak_button",
]

# Loaded when first used (ui/common/lazy.py): the first paint needs none of them.
__getattr__ = lazy.exports(
    __name__,
    {
        "AboutDialog": "ui.actions.about",
        "HelpDialog": "ui.actions.help",
        "CommandPalette": "ui.actions.palette",
    },
)
