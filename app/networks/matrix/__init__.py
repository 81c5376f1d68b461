"""The Matrix network: a connector over the client-server API, and how to sign in to it.

=============  ==========================================================================
module         what lives there
=============  ==========================================================================
signin.py      ``KIND``: signing in (homeserver check, password login, the room) and build
connector.py   ``MatrixNetwork``, the ``Network`` protocol; exactly-once writes via txnId
pull.py        comments page by page: ``/sync``, back-fill, edits, deletions
comments.py    replies read into comments, one path for the pull and the pre-send check
placing.py     which post of mine a reply is on (threads, and rich-reply chains)
posts.py       my posts: my root messages in every joined room
reading.py     what an event is, checked whole; the one place malformed events are found
events.py      events as posts, comments and people (pure functions)
content.py     what Fireside sends: posts, replies, edits; the size limit
cursor.py      the comments cursor
api.py         the endpoints, and Matrix errcodes as ``app.errors``
memory.py      what one session remembers (display names, comments seen)
=============  ==========================================================================
"""

from app.networks.matrix.connector import MatrixNetwork
from app.networks.matrix.signin import KIND

__all__ = ["KIND", "MatrixNetwork"]
