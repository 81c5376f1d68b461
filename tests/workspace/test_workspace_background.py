"""The core's background workspace sync: what a delegate wrote reaches the principal's
core without anyone pressing sync, and a shared store that disappears is reported as a
``WorkspaceProblem`` in plain words."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from pathlib import Path

from app import events as ev
from app.bootstrap import open_core
from app.workspace import pairing
from app.workspace.model import DecisionKind, ReplyStatus, Role, Transport, VersionKind
from app.workspace.session import Session
from app.workspace.settings import Membership


async def _until(condition, what: str, tries: int = 200) -> None:
    for _ in range(tries):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def test_background_sync_brings_a_delegate_reply_and_reports_a_lost_folder(
    tmp_path: Path, memory_keyring
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    core = await open_core(tmp_path / "principal", start_sandbox=False)
    problems: list[str] = []
    background: asyncio.Future[None] | None = None
    core.events.subscribe(
        lambda e: problems.append(e.reason) if isinstance(e, ev.WorkspaceProblem) else None
    )
    try:
        code = await core.workspace.create("Dana", Transport.FOLDER, str(shared))
        membership = Membership(
            code.workspace_id, "dddd0001", "Sam", Role.DELEGATE, Transport.FOLDER, str(shared)
        )
        delegate = Session.join(tmp_path / "delegate", membership, pairing.parse(code.text()))
        with delegate.change() as doc:
            doc.new_reply("x/1", "From the delegate", "dddd0001", VersionKind.SUBMITTED)
        delegate.sync()
        delegate.close()
        background = asyncio.ensure_future(core.workspace.run(0.1))

        async def arrived() -> bool:
            return bool(await core.workspace.replies(ReplyStatus.FOR_APPROVAL))

        await _until(arrived, "the delegate's reply")
        shutil.rmtree(shared)

        async def reported() -> bool:
            return bool(problems)

        await _until(reported, "a problem report")
        assert "shared folder" in problems[0] and str(shared) in problems[0]
    finally:
        if background is not None:
            background.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await background
        await core.close()


async def test_only_approvals_made_on_the_principals_device_are_sent(
    tmp_path: Path, memory_keyring
) -> None:
    """Every member holds the workspace key, so a delegate's device could write an
    "approval" into the document; the principal's device sends only its own."""
    shared = tmp_path / "shared"
    shared.mkdir()
    core = await open_core(tmp_path / "principal")
    try:
        await core.engine.sync_all()
        code = await core.workspace.create("Dana", Transport.FOLDER, str(shared))
        await core.workspace.sync()  # shares the comments it pulled
        status = await core.workspace.status()
        principal_id = status.membership.device_id
        membership = Membership(
            code.workspace_id, "dddd0001", "Sam", Role.DELEGATE, Transport.FOLDER, str(shared)
        )
        delegate = Session.join(tmp_path / "delegate", membership, pairing.parse(code.text()))
        key = delegate.shared.comments()[0].key
        with delegate.change() as doc:
            reply_id = doc.new_reply(key, "Forged", "dddd0001", VersionKind.SUBMITTED)
            version = doc.reply(reply_id).heads[0].id  # type: ignore[union-attr]
            doc.decide(reply_id, DecisionKind.APPROVE, version, "", principal_id)
        delegate.sync()
        delegate.close()
        await core.workspace.sync()
        assert await core.outbox.items() == []
        waiting = await core.workspace.replies(ReplyStatus.FOR_APPROVAL)
        assert [r.id for r in waiting] == [reply_id]
        await core.workspace.approve([reply_id], "Approved by Dana herself")
        (item,) = await core.outbox.items()
        assert item.body == "Approved by Dana herself"
    finally:
        await core.close()
