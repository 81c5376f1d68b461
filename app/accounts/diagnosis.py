"""A sign-in's outcome in plain words: what is the case, what to do, and the server's own
words for those who want them.

``diagnose`` maps the exception tree of ``app.errors`` (and raw httpx transport errors from
a connector that did not wrap them) to a :class:`Diagnosis`. Every text that reaches a
Diagnosis is cleaned of the password that was typed, in case a server or a connector
echoed it.
"""

from __future__ import annotations

import enum

import msgspec

from app.accounts.address import host_of
from app.errors import (
    AuthError,
    FiresideError,
    OfflineError,
    PermissionDenied,
    RateLimited,
    SecretStoreError,
    SignInRefused,
    TlsError,
    UserError,
    WrongService,
)
from app.networks.registry import NetworkKind

#: Typed text shorter than this is not looked for in messages (it would blank out words).
_MIN_HIDDEN = 4
REDACTED = "[redacted]"


class Problem(enum.StrEnum):
    NONE = "ok"
    INVALID = "invalid"  # the form is incomplete, or the address is not one
    BLOCKED = "blocked"  # policy does not allow this network
    UNREACHABLE = "unreachable"
    TLS = "tls"
    WRONG_SERVICE = "wrong_service"
    WRONG_PASSWORD = "wrong_password"
    PERMISSION = "permission"
    RATE_LIMITED = "rate_limited"
    SERVER = "server"  # the server answered in a way Fireside did not expect
    KEYRING = "keyring"
    REFUSED = "refused"  # the identity provider refused, and said why (Entra AADSTS...)


class Diagnosis(msgspec.Struct, frozen=True):
    problem: Problem
    #: What is the case, in one sentence ("Cannot reach blog.example.com.").
    summary: str
    #: What to do about it ("" when nothing needs doing).
    advice: str = ""
    #: The error's own words (never a secret), for the curious and for IT.
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is Problem.NONE

    @property
    def text(self) -> str:
        return " ".join(part for part in (self.summary, self.advice) if part)


class SignInFailed(FiresideError):
    """Adding or re-authenticating an account stopped at a problem the user can fix."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__(diagnosis.text)
        self.diagnosis = diagnosis


class Wording(msgspec.Struct, frozen=True):
    """How a network names its fields, for messages about it."""

    service: str = "the network"
    url_label: str = "address"
    url_placeholder: str = ""
    username_label: str = "user name"
    password_label: str = "password"
    help: str = ""

    @classmethod
    def of(cls, kind: NetworkKind) -> Wording:
        return cls(
            kind.display_name,
            kind.url_label,
            kind.url_placeholder,
            kind.username_label,
            kind.password_label,
            kind.help,
        )


def signed_in(host: str, display_name: str, username: str) -> Diagnosis:
    who = f"{display_name} ({username})" if display_name and username != display_name else username
    return Diagnosis(Problem.NONE, f"Signed in to {host} as {who or 'you'}.")


def invalid(message: str) -> Diagnosis:
    return Diagnosis(Problem.INVALID, message)


def keyring_unusable(problem: str) -> Diagnosis:
    return Diagnosis(
        Problem.KEYRING,
        "Fireside cannot keep the password: there is no usable keyring on this computer.",
        f"{problem} Fireside never stores passwords anywhere else.",
    )


def blocked(service: str, reason: str) -> Diagnosis:
    return Diagnosis(
        Problem.BLOCKED, f"Your organisation does not allow {service} accounts in Fireside.", reason
    )


def diagnose(
    exc: BaseException, base_url: str, wording: Wording, hidden: tuple[str, ...] = ()
) -> Diagnosis:
    """The plain-words reading of a failed sign-in or connection check."""
    host = host_of(base_url)
    detail = clean(str(exc), hidden)
    if isinstance(exc, SignInRefused):
        return Diagnosis(Problem.REFUSED, exc.summary, exc.advice, exc.code)
    for kinds, problem, reading in _READINGS:
        if isinstance(exc, kinds):
            summary, advice = reading(host, wording)
            return Diagnosis(problem, summary, advice, detail)
    import httpx  # loaded by then: a sign-in or check made requests

    from app.networks.http import certificate_problem

    if isinstance(exc, httpx.TransportError):  # a connector that did not wrap httpx's errors
        tls = certificate_problem(exc)
        kinds = TlsError if tls is not None else OfflineError
        return diagnose(kinds(tls or detail), base_url, wording, hidden)
    if isinstance(exc, SecretStoreError):
        return keyring_unusable(detail)
    if isinstance(exc, UserError):
        return invalid(detail)
    return Diagnosis(
        Problem.SERVER,
        f"{host} answered in a way Fireside did not expect.",
        "Check the address. If it is right, try again later, or ask the server's administrator.",
        detail,
    )


def clean(text: str, hidden: tuple[str, ...]) -> str:
    """``text`` with every hidden string (the typed password...) replaced."""
    for secret in hidden:
        if len(secret) >= _MIN_HIDDEN:
            text = text.replace(secret, REDACTED)
    return text


def _tls(host: str, w: Wording) -> tuple[str, str]:
    return (
        f"The TLS certificate of {host} is not trusted, so nothing was sent.",
        "If your organisation inspects web traffic or runs its own certificate authority, ask "
        "IT to install its CA certificate on this computer (or to add it to Fireside's extra "
        "CA certificates). Otherwise check the address.",
    )


def _unreachable(host: str, w: Wording) -> tuple[str, str]:
    return (
        f"Cannot reach {host}.",
        f"Check the {w.url_label.lower()}, your connection and any proxy, then test again.",
    )


def _wrong_service(host: str, w: Wording) -> tuple[str, str]:
    example = f": it looks like {w.url_placeholder}" if w.url_placeholder else ""
    return (
        f"{host} answers, but it is not {w.service}.",
        f"Check the {w.url_label.lower()}{example}.",
    )


def _wrong_password(host: str, w: Wording) -> tuple[str, str]:
    return (
        f"{w.service} did not accept this {w.username_label.lower()} and "
        f"{w.password_label.lower()}.",
        " ".join(part for part in ("Check both and test again.", w.help) if part),
    )


def _permission(host: str, w: Wording) -> tuple[str, str]:
    return (
        "Signed in, but the account lacks a permission Fireside needs.",
        f"Ask the administrator of {host} to let this account read and write posts and "
        "comments, then test again.",
    )


def _rate_limited(host: str, w: Wording) -> tuple[str, str]:
    return (f"{host} asked Fireside to slow down.", "Wait a minute, then test again.")


#: Most specific first: TlsError is a kind of OfflineError, PermissionDenied of Rejected.
_READINGS = (
    (TlsError, Problem.TLS, _tls),
    (OfflineError, Problem.UNREACHABLE, _unreachable),
    (WrongService, Problem.WRONG_SERVICE, _wrong_service),
    (AuthError, Problem.WRONG_PASSWORD, _wrong_password),
    (PermissionDenied, Problem.PERMISSION, _permission),
    (RateLimited, Problem.RATE_LIMITED, _rate_limited),
)
