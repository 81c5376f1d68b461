"""macOS: managed preferences for ``com.fireside.Fireside``, pushed by an MDM profile.

The system writes forced values to ``/Library/Managed Preferences/<user>/<domain>.plist``
(user-scoped profiles) and ``/Library/Managed Preferences/<domain>.plist`` (device-scoped);
Fireside reads the user's file first, then the device's, with ``plistlib``. Only root can
write there. Top-level keys are enforced; a ``Recommended`` dictionary holds defaults the
user may change. The folder is a constructor argument, so tests point it at a temp dir.
"""

from __future__ import annotations

import getpass
import plistlib
from pathlib import Path
from xml.parsers.expat import ExpatError

from app.policy.raw import Reading, from_mapping

DOMAIN = "com.fireside.Fireside"
MANAGED_PREFERENCES = Path("/Library/Managed Preferences")


class ManagedPreferences:
    def __init__(self, root: Path = MANAGED_PREFERENCES, user: str | None = None) -> None:
        self._root = root
        self._user = user or getpass.getuser()

    def files(self) -> list[Path]:
        """The property lists read, highest precedence first."""
        name = f"{DOMAIN}.plist"
        return [self._root / self._user / name, self._root / name]

    def read(self) -> Reading:
        reading = Reading()
        for path in self.files():
            try:
                with path.open("rb") as file:
                    data = plistlib.load(file)
            except FileNotFoundError:
                continue
            except (OSError, plistlib.InvalidFileException, ExpatError, ValueError) as exc:
                reading.errors.append(
                    f"{path}: not a readable property list ({exc}); the whole file is ignored."
                )
                continue
            reading.extend(from_mapping(data, str(path)))
        return reading
