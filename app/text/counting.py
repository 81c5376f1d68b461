"""How a network counts a text against its limits, by name (``Capabilities.text_counting``):
code points, X's weighted count or Mastodon's. The counting itself is ``app.text.length``,
which loads Unicode tables and a link finder; a module that only names the way of
counting imports it from here, so the window's start does not load them."""

CHARACTERS = "characters"
X = "x"
MASTODON = "mastodon"
