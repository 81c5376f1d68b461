"""A contract emulator of a Mastodon server (its REST API and OAuth) over HTTPS."""
