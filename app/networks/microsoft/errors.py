"""Microsoft Entra ID's refusals in plain words, with what to do.

Entra answers a failed sign-in or refresh with an OAuth error body (``error``,
``error_description`` starting "AADSTS<code>: ...", ``error_codes``, ``suberror``); MSAL
hands it over as a dict. :func:`refusal` turns one into ``app.errors.SignInRefused``:
the codes below are read in words (learn.microsoft.com/entra/identity-platform/
reference-error-codes, "AADSTS error codes"); any other code is shown as it is, so IT can
look it up. Nothing here ever holds a token.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from typing import Any

from app.errors import SignInRefused


class EntraReason(enum.StrEnum):
    CONSENT_REQUIRED = "consent_required"
    MFA_REQUIRED = "mfa_required"
    BLOCKED_BY_CONDITIONAL_ACCESS = "blocked_by_conditional_access"
    WRONG_TENANT = "wrong_tenant"
    APP_NOT_REGISTERED = "app_not_registered"
    APP_MISCONFIGURED = "app_misconfigured"
    NOT_ALLOWED = "not_allowed"
    SERVICE_NOT_IN_TENANT = "service_not_in_tenant"
    SIGN_IN_EXPIRED = "sign_in_expired"
    CANCELLED = "cancelled"
    CODE_EXPIRED = "code_expired"
    OTHER = "other"


_IT = "Ask your IT department"

#: AADSTS code -> (reason, what is the case, what to do).
_CODES: dict[int, tuple[EntraReason, str, str]] = {
    65001: (
        EntraReason.CONSENT_REQUIRED,
        "Your organisation has not yet allowed Fireside to read and post for you.",
        f"{_IT} to grant admin consent to Fireside (README, For IT), then sign in again.",
    ),
    65004: (
        EntraReason.CANCELLED,
        "You declined the permissions Fireside asked for, so nothing was connected.",
        "Sign in again and accept them, or ask IT what Fireside may use.",
    ),
    50076: (
        EntraReason.MFA_REQUIRED,
        "Your organisation requires multi-factor authentication for this sign-in.",
        "Sign in again in the browser and complete the second step (app, SMS or key).",
    ),
    50079: (
        EntraReason.MFA_REQUIRED,
        "Your organisation requires you to set up multi-factor authentication first.",
        "Sign in again in the browser and follow the set-up steps, then come back.",
    ),
    50158: (
        EntraReason.MFA_REQUIRED,
        "Your organisation's extra security check was not completed.",
        "Sign in again in the browser and complete every step it asks for.",
    ),
    53003: (
        EntraReason.BLOCKED_BY_CONDITIONAL_ACCESS,
        "Your organisation's Conditional Access policy blocked this sign-in.",
        f"{_IT} whether Fireside may be used from this computer or place; the code below "
        "tells them which policy applied.",
    ),
    53000: (
        EntraReason.BLOCKED_BY_CONDITIONAL_ACCESS,
        "Your organisation allows this sign-in only from a managed (compliant) device.",
        f"{_IT} to enrol this computer, or use Fireside on a managed one.",
    ),
    90002: (
        EntraReason.WRONG_TENANT,
        "Microsoft does not know the organisation (tenant) Fireside was told to use.",
        "Check the tenant: your organisation's domain (contoso.com) or its directory "
        f"(tenant) ID. {_IT} for the right one.",
    ),
    50020: (
        EntraReason.WRONG_TENANT,
        "This account is not a member of the organisation Fireside signs in to.",
        "Sign in with your work account of that organisation, or check the tenant.",
    ),
    50034: (
        EntraReason.WRONG_TENANT,
        "This account does not exist in the organisation Fireside signs in to.",
        "Check the account name and the tenant, then sign in again.",
    ),
    700016: (
        EntraReason.APP_NOT_REGISTERED,
        "Fireside is not registered in this organisation's Microsoft Entra ID.",
        f"{_IT} to register Fireside (README, For IT) and give you its application "
        "(client) ID, or check the tenant.",
    ),
    50011: (
        EntraReason.APP_MISCONFIGURED,
        "Fireside's app registration lacks the redirect address http://localhost.",
        f"{_IT} to add it under Mobile and desktop applications (README, For IT), or use "
        "Sign in with a code.",
    ),
    7000218: (
        EntraReason.APP_MISCONFIGURED,
        "Fireside's app registration does not allow public client flows.",
        f"{_IT} to turn on 'Allow public client flows' in the registration (README, For "
        "IT), or use the browser sign-in.",
    ),
    50105: (
        EntraReason.NOT_ALLOWED,
        "Your organisation has not given your account access to Fireside.",
        f"{_IT} to assign you to Fireside in Enterprise applications.",
    ),
    50057: (
        EntraReason.NOT_ALLOWED,
        "This account is disabled in your organisation.",
        f"{_IT}.",
    ),
    500011: (
        EntraReason.SERVICE_NOT_IN_TENANT,
        "This Microsoft 365 service is not set up in your organisation (no licence or not "
        "enabled).",
        f"{_IT} whether you have a licence for it; leave it out when you sign in otherwise.",
    ),
    700082: (
        EntraReason.SIGN_IN_EXPIRED,
        "The saved Microsoft sign-in expired because Fireside was not used for a while.",
        "Sign in again; nothing waiting in the outbox was lost.",
    ),
    70043: (
        EntraReason.SIGN_IN_EXPIRED,
        "Your organisation requires you to sign in again after a set time.",
        "Sign in again; nothing waiting in the outbox was lost.",
    ),
    50173: (
        EntraReason.SIGN_IN_EXPIRED,
        "The saved Microsoft sign-in was revoked (your password changed, or IT signed you "
        "out everywhere).",
        "Sign in again; nothing waiting in the outbox was lost.",
    ),
    70000: (
        EntraReason.SIGN_IN_EXPIRED,
        "Microsoft no longer accepts the saved sign-in.",
        "Sign in again; nothing waiting in the outbox was lost.",
    ),
    70019: (
        EntraReason.CODE_EXPIRED,
        "The sign-in code expired before it was entered.",
        "Start again and enter the new code within the time shown.",
    ),
}

_CODE_IN_TEXT = re.compile(r"AADSTS(\d+)")
#: OAuth error words that carry no AADSTS code of their own.
_WORDS: dict[str, int] = {"expired_token": 70019, "access_denied": 65004}


def code_of(response: Mapping[str, Any]) -> int | None:
    """The AADSTS code of an error response: ``error_codes`` first, else the description;
    a device code that expired is read by its OAuth word (RFC 8628 ``expired_token``)."""
    if response.get("error") == "expired_token":
        return _WORDS["expired_token"]
    codes = response.get("error_codes")
    if isinstance(codes, list) and codes and isinstance(codes[0], int):
        return codes[0]
    found = _CODE_IN_TEXT.search(str(response.get("error_description") or ""))
    if found:
        return int(found[1])
    return _WORDS.get(str(response.get("error") or ""))


def refusal(response: Mapping[str, Any], service: str = "Microsoft 365") -> SignInRefused:
    """The plain-words reading of an Entra (MSAL) error response."""
    code = code_of(response)
    error = str(response.get("error") or "error")
    shown = f"AADSTS{code}" if code is not None else error
    if code in _CODES:
        reason, summary, advice = _CODES[code]
        return SignInRefused(summary, advice, shown, reason)
    if error == "invalid_grant":
        return SignInRefused(
            f"{service} no longer accepts the saved sign-in.",
            "Sign in again; nothing waiting in the outbox was lost.",
            shown,
            EntraReason.SIGN_IN_EXPIRED,
        )
    return SignInRefused(
        f"Microsoft refused the sign-in ({shown}).",
        "Try again. If it keeps failing, give IT the code: they can look it up in the "
        "Entra sign-in logs.",
        shown,
        EntraReason.OTHER,
    )


def cancelled() -> SignInRefused:
    return SignInRefused(
        "The sign-in was cancelled.", "Nothing was changed.", "", EntraReason.CANCELLED
    )
