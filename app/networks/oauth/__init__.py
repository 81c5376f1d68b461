"""OAuth 2.0 sign-in for networks that offer it (Mastodon, Slack, X, LinkedIn).

Built on authlib's httpx integration (``AsyncOAuth2Client``), which does the protocol:
the authorization URL with PKCE S256 (RFC 7636), the ``state`` check, the code exchange
and the refresh grant. What Fireside adds around it:

- :mod:`provider`: a network's OAuth facts (:class:`Provider`), its quirks as hooks;
- :mod:`tokens`: :class:`Tokens`, the one value kept in the OS keyring (``app.secrets``);
- :mod:`loopback`: the redirect listener on 127.0.0.1 (random port, one answer);
- :mod:`signin`: :func:`sign_in_in_browser`, the system browser and the listener;
- :mod:`keeper`: :class:`TokenKeeper`, the access token a connector asks for, refreshed
  silently and written back to the keyring; a refused refresh is ``SignInRefused`` (an
  ``AuthError``): the account needs sign-in and its outbox waits;
- :mod:`client`: authlib's client over the account's own ``httpx.AsyncClient`` (its
  proxy and trusted CAs), and authlib's errors in Fireside's.

Usage: make a ``Provider``; ``tokens = await sign_in_in_browser(client, provider)``; keep
``tokens.to_secret()`` in the keyring; give the connector
``TokenKeeper(client, provider, entry, Tokens.from_secret(secret))`` and send requests
with ``authorized(http, keeper, method, url, ...)``.
"""

from app.networks.oauth.keeper import TokenKeeper
from app.networks.oauth.provider import Provider
from app.networks.oauth.signin import sign_in_in_browser
from app.networks.oauth.tokens import Tokens

__all__ = ["Provider", "TokenKeeper", "Tokens", "sign_in_in_browser"]
