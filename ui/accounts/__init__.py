"""The Accounts dialog (Fireside → Accounts…, Ctrl+Shift+A).

Public, for the rest of ui/: ``AccountsDialog``. The modules below are the feature's own.

dialog.py    the list of accounts with Add, Test connection, Sign in again and Remove
model.py     the table model over the core's account statuses
form.py      adding an account or signing in again: fields from the network's kind,
             the test result inline, in plain words
outcome.py   a Diagnosis (or an error) as rich text, and which field to fix first
removal.py   the confirmation that says what removing an account deletes
"""

from ui.accounts.dialog import AccountsDialog

__all__ = ["AccountsDialog"]
