"""Microsoft 365 networks: Viva Engage (Yammer REST v1) and Teams channels (Microsoft
Graph v1.0), both signed in once through Microsoft Entra ID with MSAL.

The connectors never see a refresh token or MSAL itself: they ask a ``TokenSource``
(``tokens.py``) for an access token for the API they call, and get ``AuthError`` when the
person must sign in again.
"""
