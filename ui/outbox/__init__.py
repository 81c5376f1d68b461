"""The outbox view: what is waiting to go out, what failed and why, and what to do.

Public, for the rest of ui/: ``OutboxPanel`` and ``OUTBOX_COMMANDS`` (its keys, for the
'?' help). The modules are the feature's own.
"""

from ui.outbox.commands import OUTBOX_COMMANDS
from ui.outbox.panel import OutboxPanel

__all__ = ["OUTBOX_COMMANDS", "OutboxPanel"]
