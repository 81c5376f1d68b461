"""Connectors: one module per network behind the small protocol in base.py."""
