"""The Microsoft Teams network (channel messages through Microsoft Graph v1.0).

=============  ==========================================================================
module         what lives there
=============  ==========================================================================
connector.py   ``TeamsNetwork``, the Network protocol, ``build_teams`` and the channel
               choice (``list_places``, ``chosen``, ``choose``: ``ChoosesPlaces``)
api.py         the endpoints, paced per team (4 requests a second), Graph's errors
cursor.py      per-channel delta links and freshness; the once-a-day polling rule
parse.py       chatMessage objects, checked (system events are not comments)
content.py     what is sent: HTML from Markdown, and the mention a reply to a reply needs
places.py      the chosen channels and the one for new posts, and Fireside's remote
               ids for posts and replies
=============  ==========================================================================
"""

from app.networks.microsoft.teams.connector import CAPABILITIES, TeamsNetwork, build_teams
from app.networks.microsoft.teams.places import ChannelChoice, ChannelRef, TeamChoice

__all__ = [
    "CAPABILITIES",
    "ChannelChoice",
    "ChannelRef",
    "TeamChoice",
    "TeamsNetwork",
    "build_teams",
]
