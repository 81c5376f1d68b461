"""A network added by an OAuth sign-in in the browser, as the registry sees it: one
:class:`BrowserNetwork` description gives its ``NetworkKind`` and its one-network
``Suite`` (X, LinkedIn, Slack, Mastodon).

What those networks share is written here once: the password form refuses them (they are
added with "Add <network>"), one keyring entry named by the account's ``sign_in``
setting holds the :class:`Tokens`, a sign-in made again reuses that entry,
``fireside doctor`` describes the tokens the same way, and the connector's
:class:`TokenKeeper` reads and refreshes that entry.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from app.domain import Account
from app.errors import UserError
from app.networks.base import Network
from app.networks.oauth.keeper import TokenKeeper
from app.networks.oauth.provider import Provider
from app.networks.oauth.tokens import Tokens
from app.networks.registry import (
    ExtraField,
    NetworkKind,
    SignIn,
    SignInMethod,
    Suite,
    SuiteRequest,
    SuiteSignIn,
)

if TYPE_CHECKING:
    import httpx

#: The account setting naming the sign-in whose tokens the keyring keeps.
SIGN_IN = "sign_in"


def _no_presets(_policy: Any) -> Mapping[str, tuple[str, str | None]]:
    return {}


class BrowserNetwork(msgspec.Struct, frozen=True):
    """``entry_prefix`` + the account's ``sign_in`` setting is its keyring entry;
    ``id_prefix`` begins a new sign-in's id. ``who`` names, for doctor, the person a
    stored sign-in belongs to when the tokens say it; ``refresh_note`` follows "refresh
    token kept" (how long the service keeps it)."""

    id: str
    display_name: str
    #: One sentence on the account's row: how it is signed in.
    kind_help: str
    #: What the "Add <network>" form says above its fields.
    suite_help: str
    fields: tuple[ExtraField, ...]
    field_problem: Callable[[str, str], str | None]
    sign_in: Callable[[SuiteRequest], Awaitable[SuiteSignIn]]
    build: Callable[[Account, str, httpx.AsyncClient], Network]
    suite_name: str = ""
    url_label: str = "API address"
    url_placeholder: str = ""
    username_label: str = "Account"
    entry_prefix: str = ""
    id_prefix: str = ""
    sign_out: Callable[[httpx.AsyncClient, Account, str], Awaitable[None]] | None = None
    revoke_by_hand: str = ""
    presets: Callable[[Any], Mapping[str, tuple[str, str | None]]] = _no_presets
    who: Callable[[Tokens], str] | None = None
    refresh_note: str = ""
    names_people: bool = True

    def secret_entry(self, account: Account) -> str:
        return self.entry_prefix + str(account.settings.get(SIGN_IN) or account.id)

    def sign_in_id(self, request: SuiteRequest) -> str:
        """The sign-in's id: the one signed in again, or a new one."""
        again = request.secret_entry.removeprefix(self.entry_prefix)
        return again or f"{self.id_prefix}{uuid.uuid4().hex[:12]}"

    def entry_of(self, sign_in_id: str) -> str:
        return self.entry_prefix + sign_in_id

    def keeper(
        self,
        client: httpx.AsyncClient,
        provider: Provider,
        account: Account,
        secret: str,
        clock: Callable[[], float] = time.time,
    ) -> TokenKeeper:
        """The keeper of the account's stored tokens, saving refreshed ones in its entry."""
        return TokenKeeper(
            client, provider, self.secret_entry(account), Tokens.from_secret(secret), clock=clock
        )

    def describe(self, secret: str) -> list[str]:
        """What doctor shows of a stored sign-in: who, the refresh token, expiry and
        scopes; never a token."""
        label = f"{self.display_name} sign-in"
        try:
            tokens = Tokens.from_secret(secret)
        except ValueError:
            return [f"{label}: the saved sign-in is not readable"]
        parts = [self.who(tokens)] if self.who else []
        if tokens.refresh_token:
            parts.append(" ".join(filter(None, ("refresh token kept", self.refresh_note))))
        elif tokens.expires_at is not None:
            parts.append("NO refresh token: sign in again when the access token expires")
        parts.append(tokens.describe())
        return [f"{label}: {'; '.join(parts)}"]

    async def _refuse_password(self, *_: Any) -> SignIn:
        raise UserError(
            f"{self.display_name} accounts are added with Add {self.display_name}, in the browser."
        )

    def kind(self) -> NetworkKind:
        return NetworkKind(
            id=self.id,
            display_name=self.display_name,
            url_label=self.url_label,
            url_placeholder=self.url_placeholder,
            username_label=self.username_label,
            password_label="",
            help=self.kind_help,
            sign_in=self._refuse_password,
            build=self.build,
            sign_out=self.sign_out,
            revoke_by_hand=self.revoke_by_hand,
            suite=self.id,
            secret_entry=self.secret_entry,
            describe_secret=self.describe,
            names_people=self.names_people,
        )

    def suite(self) -> Suite:
        return Suite(
            id=self.id,
            display_name=self.suite_name or self.display_name,
            networks=(self.id,),
            help=self.suite_help,
            fields=self.fields,
            presets=self.presets,
            field_problem=self.field_problem,
            sign_in=self.sign_in,
            methods=(SignInMethod.BROWSER,),  # none of them offers a device-code grant
        )
