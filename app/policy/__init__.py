"""Managed policy (what IT enforces or recommends) and where each value came from.

``load()`` reads every source, highest first: Windows HKLM then HKCU
``Software\\Policies\\Fireside``, macOS managed preferences, Linux root-owned
``/etc/fireside/policy.json``. The model and the keys are in ``app.policy.model``.
"""

from __future__ import annotations

from app.policy.model import NO_POLICY, Policy, PolicyValue, PresetAccount

__all__ = ["NO_POLICY", "Policy", "PolicyValue", "PresetAccount", "load"]


def load() -> Policy:
    """The policy in force. (Sources are being implemented: until then, no policy.)"""
    return NO_POLICY
