"""The outbox view: what is waiting to go out, what failed and why, and what to do.

Public, for the rest of ui/: ``OutboxPanel`` and ``OUTBOX_COMMANDS`` (its keys, for the
'?' help). The modules are the feature's own.
"""

from typing import TYPE_CHECKING

from ui.common import lazy
from ui.outbox.commands import OUTBOX_COMMANDS

if TYPE_CHECKING:
    from ui.outbox.panel import OutboxPanel

__all__ = ["OUTBOX_COMMANDS", "OutboxPanel"]

# Loaded when first used (ui/common/lazy.py): the first paint needs none of them.
__getattr__ = lazy.exports(__name__, {"OutboxPanel": "ui.outbox.panel"})
