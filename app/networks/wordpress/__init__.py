"""The WordPress connector (REST API v2, Application Passwords).

Modules, one job each:

api         where the site's REST API lives (/wp-json/ or ?rest_route=), auth, paging
errors      WordPress's error codes in words the user can act on (the transport's classify)
parse       users, posts and comments to Fireside's value types
content     outgoing HTML, with the outbox key carried invisibly inside
cursor      the pull's steps: the moderation check, the incremental pull, the re-scan
moderation  the check's values: a fingerprint of the approved comment ids Fireside holds
network     the Network protocol (``WordPressNetwork``), and why the pull works as it does
signin      signing in with diagnostics, and ``KIND`` for the registry
"""

from app.networks.wordpress.network import CAPABILITIES, WordPressNetwork
from app.networks.wordpress.signin import KIND, sign_in

__all__ = ["CAPABILITIES", "KIND", "WordPressNetwork", "sign_in"]
