"""Suite-wide setup: headless Qt, and fixtures shared by core, UI and end-to-end tests."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = [
    "sandbox_fixtures",
    "keyring_fixtures",
    "servers.synapse",
    "servers.wordpress",
    "fixtures.matrix_homeserver",
    "emulators.microsoft.fixtures",
    "fixtures.entra_authority",
    "fixtures.oauth_browser",
    "emulators.x.fixtures",
    "emulators.linkedin.fixtures",
    "emulators.mastodon.fixtures",
    "emulators.slack.fixtures",
]
