"""The client IDs of the OAuth apps IT registers for Slack, X and LinkedIn, and the policy
keys presetting them (``SlackClientId``, ``XClientId``, ``LinkedInClientId``), checked
without loading any connector: managed policy checks them at every start, and the
connectors import the network stack.
"""

from __future__ import annotations

import re

import msgspec


class ClientIdRule(msgspec.Struct, frozen=True):
    """What one vendor's client IDs look like, in a sentence and as a pattern."""

    policy_key: str
    #: The ID's name, as the sentence refusing a value says it ("an X app's ...").
    named: str
    #: Its shape in plain words, for that sentence.
    shape: str
    pattern: re.Pattern[str]

    def problem(self, value: str) -> str | None:
        """Why ``value`` cannot be such a client ID, or None."""
        if self.pattern.fullmatch(value):
            return None
        return f"{value!r} is not {self.named} ({self.shape})"


#: Slack's oauth.v2.access reference (docs.slack.dev/reference/methods/oauth.v2.access,
#: argument ``client_id``, "Issued when you created your application") shows the Client ID
#: ``2141029472.691202649728``: two numbers joined by a dot, as the app's Basic Information
#: page shows it. Accepted: exactly that shape.
SLACK = ClientIdRule(
    "SlackClientId",
    "a Slack app's Client ID",
    "two numbers joined by a dot",
    re.compile(r"[0-9]+\.[0-9]+"),
)
#: X documents no format for an OAuth 2.0 Client ID ("Keys and tokens" in the developer
#: portal). Its one published example, base64-encoded in the Basic header of
#: docs.x.com/resources/fundamentals/authentication/oauth-2-0/user-access-token, is
#: ``WTNrQS14bUhpMl83aU5adTd2NWM6MTpjaQ``: 34 characters of base64url. Accepted: 16 to 64
#: base64url characters (letters, digits, - and _), which refuses pasted URLs, secrets
#: (``id:secret``) and spaces without betting on the exact length.
X = ClientIdRule(
    "XClientId",
    "an X app's OAuth 2.0 Client ID",
    "16 to 64 letters, digits, - or _, from the app's Keys and tokens page",
    re.compile(r"[A-Za-z0-9_-]{16,64}"),
)
#: LinkedIn documents no format either: each app "is assigned a unique Client ID"
#: (learn.microsoft.com/linkedin/shared/authentication/client-credentials-flow, step 1),
#: shown on the app's Auth tab. The one example found, in a third-party copy of LinkedIn's
#: Learning API schema (github.com/api-evangelist/linkedin, ApplicationCredentials), is
#: ``78abc123def456``: 14 lowercase letters and digits. Accepted: 8 to 64 letters and
#: digits, wide enough for IDs of another length or case.
LINKEDIN = ClientIdRule(
    "LinkedInClientId",
    "a LinkedIn app's Client ID",
    "8 to 64 letters and digits, from the app's Auth tab",
    re.compile(r"[A-Za-z0-9]{8,64}"),
)
