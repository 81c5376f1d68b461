"""The manual bridge: comment threads of sites Fireside has no API for, read from text a
person pasted or a file they exported (``paste``, ``files``), turned into the comments the
store keeps (``records``), and the way back to the page for each reply (``links``)."""
