"""Icons, style sheets and desktop metadata shipped with Fireside (package data)."""
