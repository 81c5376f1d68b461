"""Linux: the JSON file ``/etc/fireside/policy.json``, trusted only when root owns it.

A policy file that someone else owns, or that its group or others may write (or whose
folder they may write), could be a user's way around the policy: it is ignored, with an
error that says how to fix it. The path and the owner expected are constructor arguments
for tests, never an environment variable a user could set.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from app.policy.raw import Reading, from_mapping

POLICY_FILE = Path("/etc/fireside/policy.json")


class PolicyFile:
    def __init__(self, path: Path = POLICY_FILE, owner_uid: int = 0) -> None:
        self.path = path
        self._owner_uid = owner_uid

    def read(self) -> Reading:
        try:
            text = self._trusted_text()
        except FileNotFoundError:
            return Reading()
        except PermissionError as exc:
            return _ignored(self.path, f"cannot be read ({exc.strerror})")
        except UntrustedFile as exc:
            return _ignored(self.path, str(exc))
        except OSError as exc:
            return _ignored(self.path, f"cannot be read ({exc})")
        try:
            data = json.loads(text)
        except ValueError as exc:
            return _ignored(self.path, f"is not valid JSON ({exc})")
        return from_mapping(data, str(self.path))

    def _trusted_text(self) -> bytes:
        with self.path.open("rb") as file:
            for what, path, status in (
                ("file", self.path, os.fstat(file.fileno())),
                ("folder", self.path.parent, self.path.parent.stat()),
            ):
                if status.st_uid != self._owner_uid or status.st_mode & 0o022:
                    raise UntrustedFile(
                        f"is not trusted: its {what} must be owned by root and writable by "
                        f"no one else (owner uid {status.st_uid}, mode "
                        f"{stat.filemode(status.st_mode)}; fix with 'sudo chown root: {path} "
                        f"&& sudo chmod go-w {path}')"
                    )
            return file.read()


class UntrustedFile(Exception):
    """The policy file could have been written by someone other than root."""


def _ignored(path: Path, why: str) -> Reading:
    return Reading(errors=[f"{path} {why}; the whole file is ignored."])
