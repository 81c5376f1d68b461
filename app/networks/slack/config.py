"""What identifies Fireside's Slack app, checked without loading Slack's connector (managed
policy checks ``SlackClientId`` at every start, the Add Slack form as the person types)."""

from __future__ import annotations

import re

#: The Add Slack form's field for the app's Client ID (and the account setting keeping it).
CLIENT_ID = "client_id"
#: The policy key that presets it.
POLICY_KEY = "SlackClientId"
_CLIENT_ID = re.compile(r"^\d+\.\d+$")


def client_id_problem(value: str) -> str | None:
    if _CLIENT_ID.match(value):
        return None
    return f"{value!r} is not a Slack app's Client ID (two numbers joined by a dot)"
