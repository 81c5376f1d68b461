"""``fireside workspace ...`` and ``fireside audit``: the two-laptop workspace from the
terminal (set-up, sync, the shared inbox, approval) and the provenance CSV for
compliance. Secrets never travel as arguments (they show in ``ps``): the pairing code is
read from ``$FIRESIDE_PAIRING_CODE`` or standard input, a WebDAV password from
``$FIRESIDE_WEBDAV_PASSWORD``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from app.errors import UserError

if TYPE_CHECKING:
    from app.core import Core

CODE_ENV = "FIRESIDE_PAIRING_CODE"
PASSWORD_ENV = "FIRESIDE_WEBDAV_PASSWORD"
Job = Callable[["Core", argparse.Namespace], Coroutine[Any, Any, int]]


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    workspace = commands.add_parser(
        "workspace",
        parents=[common],
        help="share triage and replies with a delegate (principal) or a principal",
        description="The two-laptop workspace: a principal and delegates share the inbox "
        "over a synced folder or WebDAV, encrypted end to end.",
    )
    actions = workspace.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, text: str, job: Job) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, parents=[common], help=text, description=text + ".")
        sub.set_defaults(run=_runner(job))
        return sub

    for name, text, job in (
        ("create", "start a workspace as its principal and print the pairing code", _create),
        ("join", f"join as a delegate (the code from ${CODE_ENV} or standard input)", _join),
    ):
        sub = action(name, text, job)
        sub.add_argument("--name", required=True, help="this device's name, as others see it")
        where = sub.add_mutually_exclusive_group(required=name == "create")
        where.add_argument("--folder", help="the shared folder (your copy of it)")
        where.add_argument("--webdav", metavar="URL", help="a WebDAV folder's address")
        sub.add_argument("--user", default="", help=f"WebDAV user (password: ${PASSWORD_ENV})")
    code = action("code", "print the pairing code a delegate joins with", _code)
    code.add_argument("--qr", metavar="FILE", type=Path, help="also write the QR code (SVG)")
    action("status", "who is in the workspace, and what waits for approval", _status)
    action("sync", "exchange changes with the shared folder or WebDAV server", _sync)
    remove = action("remove", "remove a delegate's device (the key rotates)", _remove)
    remove.add_argument("device", help="the device id (see 'status')")
    action("comments", "list the shared comments (JSON)", _comments)
    triage = action("triage", "mark shared comments done, snoozed or open", _triage)
    triage.add_argument("state", choices=["done", "snoozed", "open"])
    triage.add_argument("keys", nargs="+", metavar="KEY")
    triage.add_argument("--until", help="for snoozed: until when (ISO time)")
    draft = action("draft", "write a reply to each comment, for approval", _draft)
    draft.add_argument("--text", required=True, help="the reply ({first_name} personalises)")
    draft.add_argument("keys", nargs="+", metavar="KEY")
    replies = action("replies", "list replies (JSON)", _replies)
    replies.add_argument(
        "--status",
        choices=["draft", "for_approval", "sent_back", "approved", "queued_by_drafter", "sent"],
    )
    approve = action("approve", "approve replies: they go to the outbox", _approve)
    approve.add_argument("ids", nargs="+", metavar="ID")
    approve.add_argument("--text", help="the text as edited at approval (one reply)")
    back = action("send-back", "send replies back to their drafter with a note", _send_back)
    back.add_argument("--note", required=True)
    back.add_argument("ids", nargs="+", metavar="ID")
    allow = action(
        "allow",
        "let delegates send without approval on a network, with their own account on it",
        _allow,
    )
    allow.add_argument("network", help="the network's kind (as in 'fireside accounts')")
    allow.add_argument("--off", action="store_true", help="stop: replies wait for approval")
    action("digest", "a hash of the shared state (equal when devices converged)", _digest)

    audit = commands.add_parser(
        "audit",
        parents=[common],
        help="provenance of approved replies as CSV",
        description="Print every approved reply's provenance (drafted by, approved by, what "
        "changed at approval, when it went out) as CSV.",
    )
    audit.add_argument("--since", default="", help="only replies approved since (ISO date)")
    audit.set_defaults(run=_runner(_audit))


def _runner(job: Job) -> Callable[[argparse.Namespace, Path, Path], int]:
    def run(args: argparse.Namespace, data_dir: Path, log_file: Path) -> int:
        from app.cli import _run_core

        async def work(core: Core) -> int:
            return await job(core, args)

        return _run_core(data_dir, "workspace", work, start_sandbox=False)

    return run


async def _create(core: Core, args: argparse.Namespace) -> int:
    from app.workspace.model import Transport

    transport = Transport.WEBDAV if args.webdav else Transport.FOLDER
    code = await core.workspace.create(
        args.name, transport, args.webdav or args.folder, args.user, _password()
    )
    await core.workspace.sync()
    print(f"Workspace created. The delegate joins with this code:\n{code.text()}")
    return 0


async def _join(core: Core, args: argparse.Namespace) -> int:
    text = os.environ.get(CODE_ENV)
    if not text:
        print("Pairing code: ", end="", file=sys.stderr, flush=True)
        text = sys.stdin.readline()
    await core.workspace.join(
        text, args.name, args.webdav or args.folder or "", args.user, _password()
    )
    print("Joined the workspace as a delegate.")
    return 0


async def _code(core: Core, args: argparse.Namespace) -> int:
    code = await core.workspace.pairing_code()
    if args.qr:
        args.qr.write_bytes(code.qr_svg())
    print(code.text())
    return 0


async def _status(core: Core, args: argparse.Namespace) -> int:
    status = await core.workspace.status()
    m = status.membership
    print(f"Workspace {m.workspace_id}, key epoch {m.epoch}, at {m.location}")
    print(f"This device: {m.device_name} ({m.role}, {m.device_id})")
    for member in status.members:
        gone = " (removed)" if member.removed else ""
        print(f"  {member.device_id}  {member.name}  {member.role}{gone}")
    for rule in await core.workspace.direct_send():
        if rule.allowed:
            print(f"Delegates send without approval on {rule.network}.")
    print(f"For approval: {status.for_approval}; changes not yet shared: {status.unpushed}")
    return 0


async def _sync(core: Core, args: argparse.Namespace) -> int:
    report = await core.workspace.sync()
    pulled = report.pulled
    print(
        f"Applied {pulled.applied} files, wrote {report.pushed_files}; "
        f"{pulled.waiting} still arriving."
    )
    for name in pulled.unreadable:
        print(f"Skipped damaged file {name}.", file=sys.stderr)
    if report.problem:
        print(report.problem, file=sys.stderr)
        return 1
    return 0


async def _remove(core: Core, args: argparse.Namespace) -> int:
    code = await core.workspace.remove_member(args.device)
    print(f"Removed {args.device}; the key rotated. New delegates join with:\n{code.text()}")
    return 0


async def _comments(core: Core, args: argparse.Namespace) -> int:
    print(json.dumps([msgspec.to_builtins(c) for c in await core.workspace.comments()], indent=1))
    return 0


async def _triage(core: Core, args: argparse.Namespace) -> int:
    from app.domain import TriageState

    await core.workspace.triage(args.keys, TriageState(args.state), args.until)
    print(f"Marked {len(args.keys)} {args.state}.")
    return 0


async def _draft(core: Core, args: argparse.Namespace) -> int:
    ids = await core.workspace.draft(args.keys, args.text)
    print("\n".join(ids))
    return 0


async def _replies(core: Core, args: argparse.Namespace) -> int:
    from app.workspace.model import ReplyStatus

    status = ReplyStatus(args.status) if args.status else None
    found = await core.workspace.replies(status)
    print(json.dumps([{**msgspec.to_builtins(r), "text": r.text} for r in found], indent=1))
    return 0


async def _approve(core: Core, args: argparse.Namespace) -> int:
    if args.text is not None and len(args.ids) != 1:
        raise UserError("--text edits one reply; approve the others without it.")
    count = await core.workspace.approve(args.ids, args.text)
    print(f"Approved {count}; they wait in the outbox.")
    return 0


async def _send_back(core: Core, args: argparse.Namespace) -> int:
    await core.workspace.send_back(args.ids, args.note)
    print(f"Sent back {len(args.ids)}.")
    return 0


async def _allow(core: Core, args: argparse.Namespace) -> int:
    rule = await core.workspace.allow_direct_send(args.network, not args.off)
    await core.workspace.sync()
    if rule.allowed:
        print(f"Delegates with their own {rule.network} account now send there without approval.")
    else:
        print(f"Replies on {rule.network} wait for approval again.")
    return 0


async def _digest(core: Core, args: argparse.Namespace) -> int:
    print(await core.workspace.digest())
    return 0


async def _audit(core: Core, args: argparse.Namespace) -> int:
    sys.stdout.write(await core.workspace.audit_csv(args.since))
    return 0


def _password() -> str:
    return os.environ.get(PASSWORD_ENV, "")
