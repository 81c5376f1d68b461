"""Contract emulator of LinkedIn's Community Management API (see server.py)."""
