"""Suite-wide setup: headless Qt, and fixtures shared by core, UI and end-to-end tests.

Every test has a time bound (pytest-timeout: ``timeout`` in pyproject.toml; the few long
tests carry their own ``@pytest.mark.timeout``). A test over it ends the run with every
thread's stack dumped (``timeout_method = "thread"``) rather than hanging it. The gentler
"signal" method, which fails only the one test, cannot end a test that spins Qt's event
loop (Qt's callbacks swallow the exception) nor one whose teardown then hangs.
"""

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
