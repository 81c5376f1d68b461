"""The core's one door for front ends (``Core``) and the use cases it owns."""

from app.core.facade import Core

__all__ = ["Core"]
