"""One exception tree for the whole core, so callers can catch at the right depth.

    FiresideError
    ├── StoreError                 the local database cannot be used
    │   ├── StoreTooNew            written by a newer Fireside; left untouched
    │   ├── StoreCorrupt           not a database, or fails its integrity check
    │   ├── StoreLocked            another Fireside already owns this data dir
    │   ├── StoreFull              the disk is full: the change was rolled back
    │   └── StoreReadOnly          the data dir or database cannot be written
    ├── NetworkError               talking to a network failed
    │   ├── OfflineError           the request never left (DNS, connect refused...)
    │   │   └── TlsError           the server's certificate is not trusted
    │   ├── OutcomeUnknown         the request may have been applied (timeout, reset, 5xx)
    │   ├── RateLimited            429; carries retry_after seconds
    │   ├── AuthError              token missing, expired or revoked
    │   │   └── SignInRefused      the identity provider (Entra ID) said why, and what to do
    │   ├── NotFound               the remote object does not exist (any more)
    │   ├── Rejected               the network refused the request for good (4xx)
    │   │   └── PermissionDenied   the account lacks a permission (403)
    │   ├── WrongService           the address answers, but is not that kind of network
    │   └── BadResponse            the body was malformed or truncated
    ├── SecretStoreError           no usable OS keyring
    └── UserError                  bad input from the user (CLI flags, template...)
        ├── DraftQueued            a draft in the outbox cannot be deleted: cancel it there
        └── DraftScheduled         deleting a scheduled draft drops its publish: confirm

Every error carries a message written for the person who has to act on it.
"""

from __future__ import annotations


class FiresideError(Exception):
    """Base of every error Fireside raises on purpose."""


class StoreError(FiresideError):
    """The local database cannot be opened or used."""


class StoreTooNew(StoreError):
    """The database was written by a newer Fireside; it is never modified."""


class StoreCorrupt(StoreError):
    """The file is not a Fireside database or fails its integrity check."""


class StoreLocked(StoreError):
    """Another Fireside process owns the data directory."""


class StoreFull(StoreError):
    """The disk is full: the change was rolled back; what was saved before is intact.

    Retrying once space is freed succeeds; nothing needs repairing.
    """


class StoreReadOnly(StoreError):
    """The data directory or the database file cannot be written; nothing was changed."""


class NetworkError(FiresideError):
    """Base for failures while talking to a network."""

    #: True when retrying later may succeed without the user doing anything.
    retryable = True


class OfflineError(NetworkError):
    """The request provably never reached the server (no route, refused, DNS)."""


class TlsError(OfflineError):
    """The TLS handshake failed (certificate not trusted, wrong host): nothing was sent."""

    retryable = False


class OutcomeUnknown(NetworkError):
    """The request left but we cannot know whether the server applied it."""


class RateLimited(NetworkError):
    """The network asked us to slow down."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthError(NetworkError):
    """Credentials are missing, expired or revoked: the user must sign in again."""

    retryable = False


class SignInRefused(AuthError):
    """An identity provider (Microsoft Entra ID) refused a sign-in or a token refresh
    for a reason it named: consent missing, MFA or Conditional Access, wrong tenant, the
    sign-in expired... ``summary`` says what is the case, ``advice`` what to do, both in
    plain words; ``code`` is the provider's own (``AADSTS65001``), for IT; ``reason`` a
    member of the provider's enum of reasons, for code that must tell them apart."""

    def __init__(self, summary: str, advice: str, code: str = "", reason: object = None) -> None:
        super().__init__(f"{summary} {advice}".strip() + (f" ({code})" if code else ""))
        self.summary = summary
        self.advice = advice
        self.code = code
        self.reason = reason


class NotFound(NetworkError):
    """The remote object does not exist (deleted, or never existed)."""

    retryable = False


class Rejected(NetworkError):
    """The network refused the request and repeating it will not help."""

    retryable = False


class PermissionDenied(Rejected):
    """The credentials work but lack a permission this action needs (HTTP 403)."""


class WrongService(NetworkError):
    """The address answers, but it is not the kind of server the account says it is."""

    retryable = False


class BadResponse(NetworkError):
    """The server answered with a body we cannot parse (malformed, truncated).

    On a write the server may well have applied it: the outbox settles it like an
    unknown outcome (look it up, or resend with the same key), never by a blind resend.
    """


class SecretStoreError(FiresideError):
    """No usable OS keyring backend; secrets are never written anywhere else."""


class UserError(FiresideError):
    """Invalid input from the user."""


class DraftQueued(UserError):
    """A draft whose post is queued in the outbox (it may be leaving now) cannot be
    deleted; it can be cancelled in the Outbox first."""

    def __init__(self, title: str) -> None:
        super().__init__(
            f"“{title}” is queued in the Outbox and may be going out now, so it cannot be "
            "deleted. Cancel it in the Outbox first, then delete it."
        )
        self.title = title


class DraftScheduled(UserError):
    """Deleting a scheduled draft means its scheduled publish will not happen: the caller
    asks the person, then deletes it saying so (``drop_schedule``)."""

    def __init__(self, title: str, scheduled_at: str | None) -> None:
        super().__init__(
            f"“{title}” is scheduled to publish; deleting it means it will not be published."
        )
        self.title = title
        self.scheduled_at = scheduled_at
