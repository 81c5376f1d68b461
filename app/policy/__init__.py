"""Managed policy (what IT enforces or recommends) and where each value came from.

``load()`` reads this platform's sources, highest first: Windows HKLM then HKCU
``Software\\Policies\\Fireside`` (:mod:`.windows`), macOS managed preferences for
``com.fireside.Fireside`` (:mod:`.macos`), Linux root-owned ``/etc/fireside/policy.json``
(:mod:`.linux`). It reads them once per process; a malformed value becomes an entry in
``Policy.errors`` (and the log), never a failure to start. Tests build sources over fakes
or temp dirs and call ``load_from``. The model and the keys are in ``app.policy.model``
and ``app.policy.schema``. The sources and the checks are imported by ``load`` and
``load_from``, not with the package: the window reads the policy after its first paint.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Iterable

from app.policy.model import NO_POLICY, Policy, PolicyValue, PresetAccount
from app.policy.raw import PolicySource

__all__ = [
    "NO_POLICY",
    "Policy",
    "PolicySource",
    "PolicyValue",
    "PresetAccount",
    "load",
    "load_from",
    "platform_sources",
]

log = logging.getLogger(__name__)


@functools.cache
def load() -> Policy:
    """The policy in force for this process (read on the first call, then remembered)."""
    policy = load_from(platform_sources())
    for error in policy.errors:
        log.warning("policy: %s", error)
    return policy


def load_from(sources: Iterable[PolicySource]) -> Policy:
    """Merge ``sources`` (highest first) into the policy in force (``merge.load_from``)."""
    from app.policy import merge

    return merge.load_from(sources)


def platform_sources(platform: str = sys.platform) -> list[PolicySource]:
    """Where this platform keeps managed policy, highest first."""
    if platform == "win32":
        from app.policy.windows import RegistrySource, WinRegistry

        return [RegistrySource(WinRegistry())]
    if platform == "darwin":
        from app.policy.macos import ManagedPreferences

        return [ManagedPreferences()]
    from app.policy.linux import PolicyFile

    return [PolicyFile()]
