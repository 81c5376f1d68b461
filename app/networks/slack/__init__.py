"""Slack: the executive's own user token (an app the workspace admin installs), signed in
through the browser with Slack's PKCE for desktop apps.

``kinds`` registers the network and its sign-in; ``api`` makes Web API calls (Slack's
errors, 429 + Retry-After, per-channel pacing); ``mrkdwn`` turns the editor's Markdown
into Slack's markup; ``messages`` reads messages; ``pull`` finds the replies in my
threads; ``connector`` is the ``Network``.
"""
