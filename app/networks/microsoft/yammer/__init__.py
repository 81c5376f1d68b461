"""The Viva Engage network (Yammer REST v1 with an Entra token).

=============  ==========================================================================
module         what lives there
=============  ==========================================================================
connector.py   ``YammerNetwork``, the Network protocol, and ``build_yammer``
api.py         the endpoints, within the published budget (10 message requests / 30 s)
cursor.py      the pull's rounds (at most one a minute): full scans and community feeds
parse.py       messages and their ``references`` (people, communities), checked
content.py     what is sent (plain text from Markdown) and how received text is stored
ids.py         numeric ids (v1) and the new base64 ids, both ways
=============  ==========================================================================
"""

from app.networks.microsoft.yammer.connector import CAPABILITIES, YammerNetwork, build_yammer

__all__ = ["CAPABILITIES", "YammerNetwork", "build_yammer"]
