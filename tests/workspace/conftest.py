"""Fixtures for the workspace tests run in one process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from laptops import in_workspace

from app.bootstrap import open_core
from app.core import Core
from app.workspace.model import Transport


@pytest.fixture
async def principal_and_delegate(
    tmp_path: Path, memory_keyring
) -> AsyncIterator[tuple[Core, Core]]:
    """Two cores in one workspace over a shared folder: Dana's (the principal, who made
    it) and Sam's (the delegate, who joined)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    principal = await open_core(tmp_path / "principal", start_sandbox=False)
    delegate = await open_core(tmp_path / "delegate", start_sandbox=False)
    async with in_workspace(principal, delegate, str(shared), Transport.FOLDER) as both:
        yield both.principal, both.delegate
