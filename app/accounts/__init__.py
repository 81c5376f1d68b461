"""Account management, as the core offers it to front ends.

    manager.py     AccountManager: connect stored accounts at start, test a sign-in, add,
                   sign in again, remove; each account's status
    status.py      AccountStatus and State: what the Accounts dialog and the status bar show
    diagnosis.py   Diagnosis: a sign-in's outcome in plain words, with what to do
    address.py     the address the user typed, made canonical
    removal.py     what removing an account deletes from the store, in one transaction

Secrets go from a sign-in straight to the OS keyring (``app.secrets``); nothing here keeps,
logs or stores one anywhere else, and error messages shown to the user are cleaned of the
password that was typed.
"""

from app.accounts.diagnosis import Diagnosis, Problem, SignInFailed
from app.accounts.manager import AccountManager
from app.accounts.removal import RemovalPreview
from app.accounts.status import AccountStatus, State

__all__ = [
    "AccountManager",
    "AccountStatus",
    "Diagnosis",
    "Problem",
    "RemovalPreview",
    "SignInFailed",
    "State",
]
