"""The Settings dialog: proxy, extra CA certificates and sync interval, with what policy
locks shown as locked and why, and policy errors listed.

Public, for the rest of ui/: ``SettingsDialog``. The modules are the feature's own.
"""

from ui.settings.dialog import SettingsDialog

__all__ = ["SettingsDialog"]
