"""A generic OAuth 2.0 authorization server the network emulators embed."""
