"""Contract emulator of the X API v2 (see server.py)."""
