"""A TokenSource that takes tokens straight from the emulators' TokenBook.

This is a stand-in for the MSAL sign-in (issue 11 item 1, built separately): it skips
Entra altogether and issues tokens for the audience and scopes a connector needs, so the
connectors' tests do not wait for the sign-in to land. It behaves as the real source
promises: a cached token until ``invalidate``, a fresh one after, and AuthError once the
person's grant is gone (``sign_out``), as when a refresh token is revoked.
"""

from __future__ import annotations

from app.errors import AuthError
from app.networks.microsoft.tokens import Api
from emulators.microsoft.tokens import Audience, TokenBook

AUDIENCES = {Api.GRAPH: Audience.GRAPH, Api.YAMMER: Audience.YAMMER}


class BookTokens:
    """Tokens for one person (``user_id``) with ``scopes`` per API."""

    def __init__(
        self,
        book: TokenBook,
        user_id: str,
        scopes: dict[Api, frozenset[str]],
        ttl_s: float = 3600.0,
    ) -> None:
        self.book = book
        self.user_id = user_id
        self.scopes = scopes
        self.ttl_s = ttl_s
        self.signed_out = False
        self.issued = 0
        self._cache: dict[Api, str] = {}

    async def access_token(self, api: Api) -> str:
        if self.signed_out:
            raise AuthError("The Microsoft 365 sign-in has expired; sign in again.")
        if api not in self._cache:
            token = self.book.issue(AUDIENCES[api], self.scopes[api], self.user_id, self.ttl_s)
            self._cache[api] = token.value
            self.issued += 1
        return self._cache[api]

    def invalidate(self, api: Api, token: str) -> None:
        if self._cache.get(api) == token:
            del self._cache[api]

    def sign_out(self) -> None:
        self.signed_out = True
        self._cache.clear()


class StaticTokens:
    """One token per API, as given (for a child process that cannot reach the book)."""

    def __init__(self, tokens: dict[Api, str]) -> None:
        self._tokens = tokens

    async def access_token(self, api: Api) -> str:
        return self._tokens[api]

    def invalidate(self, api: Api, token: str) -> None:
        pass


class OneToken:
    """A token source that always has a token, for unit tests over a mock transport."""

    async def access_token(self, api: Api) -> str:
        return "token"

    def invalidate(self, api: Api, token: str) -> None:
        raise AssertionError("no answer of a mock transport refuses the token")
