"""What can go wrong in a workspace, in words the person can act on."""

from __future__ import annotations

from app.errors import FiresideError


class WorkspaceError(FiresideError):
    """Base of the workspace's errors; also bad input (a mistyped pairing code)."""


class WorkspaceKeyError(WorkspaceError):
    """This device's key does not open the workspace's files: a wrong pairing code, or this
    device was removed from the workspace. Nothing was read."""


class SharedStoreError(WorkspaceError):
    """The shared folder or WebDAV server cannot be read or written right now."""


class NotInWorkspace(WorkspaceError):
    """This device has not created or joined a workspace."""
