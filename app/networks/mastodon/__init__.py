"""Mastodon: one account on one server, signed in through the browser (OAuth with PKCE).

``kinds`` registers the network (``KIND``) and its online sign-in (``SUITE``); ``apps``
keeps Fireside's app registration per server; ``api`` makes requests (rate limits,
errors); ``entities`` reads statuses; ``pull`` finds the comments on my posts;
``connector`` is the ``Network``.
"""
