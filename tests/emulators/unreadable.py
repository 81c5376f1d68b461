"""Items no contract emulator serves: the emulators answer only in the vendor's documented
shapes (their checks reject anything else), so a test that needs a connector to meet
something it cannot read (a post without its text, a comment that is no object) wraps the
connector's own read and changes what it returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def garble_reads(
    monkeypatch: pytest.MonkeyPatch,
    owner: object,
    name: str,
    change: Callable[[Any], Any],
    when: Callable[..., bool] | None = None,
) -> None:
    """Wrap the coroutine method ``owner.name`` so that each answer passes through
    ``change``: only for the calls ``when`` accepts (given the call's arguments), or all."""
    real = getattr(owner, name)

    async def garbled(*args: Any, **kwargs: Any) -> Any:
        answer = await real(*args, **kwargs)
        return change(answer) if when is None or when(*args, **kwargs) else answer

    monkeypatch.setattr(owner, name, garbled)
