"""What several ui features share, so that no feature reaches into another for it.

timefmt.py    stored UTC timestamps as people read them ("4 min", "Yesterday", the exact time)
networks.py   how a network is named, coloured and marked wherever an item shows its origin
chips.py      the small rounded labels on rows and cards, painted or as a QLabel's look
fonts.py      font variants for hand-painted rows

A module here imports no feature package (ui/inbox, ui/editor, ...): features import
from here, never the other way, so ui/common is below them all.
"""
