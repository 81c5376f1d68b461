"""Microsoft 365 networks: Viva Engage (Yammer REST v1) and Teams channels (Microsoft
Graph v1.0), both signed in once through Microsoft Entra ID with MSAL.

The connectors never see a refresh token or MSAL itself: they ask a ``TokenSource``
(``tokens.py``) for an access token for the API they call, and get ``AuthError`` when the
person must sign in again.

=============  =========================================================================
module         what lives there
=============  =========================================================================
tokens.py      the contract with the connectors: ``Api``, ``TokenSource``
kinds.py       the registry's ``SUITE`` (one sign-in adds both) and the two kinds
signin.py      MSAL: browser (code + PKCE) and device-code sign-in, ``MsalTokenSource``
cache.py       the MSAL token cache in the keyring, shared by one sign-in's accounts
config.py      tenant, client id and authority host (policy, the form, the account)
scopes.py      the delegated scopes per API, and why
errors.py      Entra's AADSTS codes in plain words
transport.py   MSAL's HTTP client over the account's httpx client (trust, proxy)
=============  =========================================================================
"""
