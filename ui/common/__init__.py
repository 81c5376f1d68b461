"""What several ui features share, so that no feature reaches into another for it.

networks.py   how a network is named, coloured and marked wherever an item shows its origin
chips.py      the small rounded labels on rows and cards, painted or as a QLabel's look
fonts.py      font variants for hand-painted rows
colours.py    every scheme's palette (light, dark, high contrast) and meaningful colours
contrast.py   WCAG contrast ratios, and colours made readable on a given background
announce.py   telling assistive technology what just happened (Qt's announcements)
spoken.py     words for screen readers that several features share (table cells)
focus.py      keyboard order and text boxes that Tab leaves
busy.py       the thin "working on it" bar under a form

A module here imports no feature package (ui/inbox, ui/editor, ...): features import
from here, never the other way, so ui/common is below them all.
"""
