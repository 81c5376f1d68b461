"""The ``fireside`` command: no sub-command opens the window; sub-commands serve scripting
and IT (``sandbox``, ``sync``, ``outbox``, ``doctor``). This is the terminal's composition
root: it picks the data dir, sets up logging, builds the core and turns every
:class:`FiresideError` into one sentence on stderr and exit code 2 (no traceback).
The core and the sandbox server are imported only by the sub-commands that use them, so
``--help``, ``--version`` and ``doctor`` stay fast and work even if the network stack
cannot load.

Commands that change the database (``sync``, ``outbox retry|cancel``) first take the data
dir's lock (:mod:`app.instance`): while the window or another command owns it they say so
and exit 2 without opening the database. ``doctor`` takes no lock; it only reads, and so
does listing the outbox while another process owns the data dir (read-only). The window takes
the lock in ``ui.main`` (a second start hands over to the first window there).

The core never imports Qt or ``ui``: the window is reached only through
``importlib.import_module("ui.main")`` inside :func:`open_window`, which
``tests/test_architecture.py`` allows by name and nowhere else.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import importlib
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import __version__, cli_workspace, config, instance, logs
from app import events as ev
from app.errors import FiresideError, UserError
from app.text import plural

#: Where the sandbox token comes from (an argument would show in 'ps' and shell history).
TOKEN_ENV = "FIRESIDE_SANDBOX_TOKEN"

if TYPE_CHECKING:
    from app.core import Core
    from app.domain import OutboxItem, OutboxState

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
#: What a shell reports for a command that SIGPIPE ended (128 + 13): what ``head`` leaves
#: behind when it stops reading, and what Fireside exits with then.
EXIT_BROKEN_PIPE = 141


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``fireside`` and ``python -m app``; returns the exit code."""
    args = window_arguments(sys.argv[1:] if argv is None else argv)
    if args is None:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help, --version and usage errors
            return int(exc.code or 0)
    try:
        data_dir = config.data_dir(args.data_dir)
    except OSError as exc:
        return _fail(f"Cannot use the data dir {exc.filename} ({exc.strerror}).")
    with contextlib.ExitStack() as stack:
        log_file = _start_logging(stack, data_dir, args.verbose)
        log.info("Fireside %s: %s", __version__, args.command or "window")
        try:
            return args.run(args, data_dir, log_file)
        except FiresideError as exc:
            log.warning("%s", exc)
            return _fail(str(exc))
        except KeyboardInterrupt:
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            return _output_closed()
        except Exception as exc:
            log.exception("unexpected error")
            where = f"details are in {log_file}" if log_file else "run it again with --verbose"
            print(
                f"fireside: unexpected error ({type(exc).__name__}: {exc}); {where}.",
                file=sys.stderr,
            )
            return EXIT_FAILED


def _start_logging(stack: contextlib.ExitStack, data_dir: Path, verbose: bool) -> Path | None:
    """Log to the data dir's file; in a folder that cannot be written, go on without it:
    ``doctor`` still works read-only, and the commands that write say why they cannot."""
    try:
        return stack.enter_context(logs.to_file(data_dir, verbose))
    except OSError:
        quiet = logging.NullHandler()  # else Python prints warnings to stderr a second time
        logging.getLogger().addHandler(quiet)
        stack.callback(logging.getLogger().removeHandler, quiet)
        return None


def window_arguments(argv: list[str]) -> argparse.Namespace | None:
    """``argv`` read as ``build_parser`` reads it when it only opens the window (nothing
    but ``--data-dir`` and ``--verbose``), without building the sub-commands' parsers
    (4-5 ms of every start of the window); None for anything else (a sub-command,
    ``--help``, ``--version``, a usage error), which the full parser reads."""
    parser = argparse.ArgumentParser(prog="fireside", add_help=False, exit_on_error=False)
    _add_global_options(parser, suppress=False)
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    if rest:
        return None
    args.command = None
    args.run = _run_window
    return args


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fireside",
        description="Fireside: offline drafts and a keyboard triage inbox for the comments "
        "on your posts. With no command, opens the window.",
    )
    _add_global_options(parser, suppress=False)
    parser.add_argument("--version", action="version", version=f"Fireside {__version__}")
    parser.set_defaults(run=_run_window)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    _add_global_options(common, suppress=True)

    sandbox = commands.add_parser(
        "sandbox",
        parents=[common],
        help="serve the built-in sandbox network",
        description="Serve the built-in sandbox network (seeded people, posts and comments) "
        "on 127.0.0.1 until Ctrl+C, and print its URL and token. The token is "
        f"${TOKEN_ENV} if set (never a command-line argument: those show in "
        "'ps'), else the one kept in the state dir, else a new random one.",
    )
    sandbox.add_argument(
        "--port",
        type=_port,
        default=8765,
        help="TCP port on 127.0.0.1; 0 picks a free one (default: 8765)",
    )
    sandbox.add_argument(
        "--state-dir",
        metavar="DIR",
        type=Path,
        help="where the sandbox keeps its data (default: <data dir>/sandbox)",
    )
    sandbox.set_defaults(run=_run_sandbox)

    sync = commands.add_parser(
        "sync",
        parents=[common],
        help="pull new comments and send the outbox",
        description="Pull new comments for every account, then send what waits in the "
        "outbox. Like F5 in the window, it also re-reads what a network cannot report "
        "as changed (edited WordPress comments). "
        "Prints progress and a summary; exits 1 if anything failed. "
        "With no accounts it runs the built-in sandbox in-process, as the app "
        "does.",
    )
    sync.add_argument(
        "--sandbox-url",
        metavar="URL",
        help="use a sandbox already running (see 'fireside sandbox'); its "
        f"token is read from ${TOKEN_ENV}",
    )
    sync.set_defaults(run=_run_sync)

    outbox = commands.add_parser(
        "outbox",
        parents=[common],
        help="list, retry or cancel outgoing items",
        description="With no ACTION, list what waits to go out, with its state and why. "
        "'retry ID' or 'cancel ID' acts on one item.",
    )
    outbox.add_argument("--all", action="store_true", help="include sent and cancelled items")
    outbox.add_argument("--json", action="store_true", help="print JSON instead of a table")
    outbox.set_defaults(run=_run_outbox_list)
    actions = outbox.add_subparsers(dest="action", metavar="ACTION")
    for action, text in (
        ("retry", "send a failed or held item again (never a duplicate)"),
        ("cancel", "cancel an item that has not been sent"),
    ):
        sub = actions.add_parser(
            action, parents=[common], help=text, description=text[0].upper() + text[1:] + "."
        )
        sub.add_argument("item_id", metavar="ID", type=int, help="the item's id (first column)")
        sub.set_defaults(run=_run_outbox_action)

    doctor = commands.add_parser(
        "doctor",
        parents=[common],
        help="check this installation (for IT and support)",
        description="Report versions, the data dir, database health, the keyring backend, "
        "accounts and the outbox. Never prints a secret. Exits 1 when it finds "
        "a problem.",
    )
    doctor.add_argument("--json", action="store_true", help="print JSON")
    doctor.set_defaults(run=_run_doctor)
    cli_workspace.add_commands(commands, common)
    return parser


def _port(text: str) -> int:
    port = int(text) if text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (0 to 65535)")
    return port


def _add_global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--data-dir and --verbose, accepted before or after the sub-command. Sub-commands get
    them with SUPPRESS as default, so they never reset a value given before the command."""
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS if suppress else None,
        help="where Fireside keeps its data (default: FIRESIDE_HOME, "
        "else the platform's user data dir)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="log debug details, also to stderr",
    )


# --- the window -------------------------------------------------------------------------


def open_window(data_dir: Path) -> int:
    """Start the Qt window; the only place the core reaches ``ui`` (by name, lazily).

    Until the first paint the cyclic garbage collector is off (``ui.main`` turns it back
    on then, with start-up's objects frozen out of its way): the hundreds of thousands
    of objects start-up makes live as long as the app, and collecting them over and over
    cost the way to the first paint some 12 ms."""
    from app.display import display_problem

    problem = display_problem()
    if problem is not None:
        raise UserError(problem)
    gc.disable()
    try:
        # The core before Qt: PySide6's import hook checks every module named in an
        # import statement once shiboken6 is loaded (ui.pyside_import_check says why),
        # so modules only the core imports are never checked.
        importlib.import_module("app.bootstrap")
        try:
            window = importlib.import_module("ui.main")
        except ImportError as exc:
            if exc.name and not exc.name.startswith(("PySide6", "shiboken6", "ui.main")):
                raise  # a bug inside ui/, not a missing library: reported as unexpected
            raise UserError(
                f"The window cannot start ({exc}); install the Qt runtime libraries "
                "listed in README.md, or use a sub-command (fireside --help)."
            ) from exc
        return window.main(data_dir)
    finally:
        gc.enable()


def _run_window(args: argparse.Namespace, data_dir: Path, log_file: Path) -> int:
    return open_window(data_dir)


# --- sandbox ----------------------------------------------------------------------------


def _run_sandbox(args: argparse.Namespace, data_dir: Path, log_file: Path) -> int:
    from app.sandbox.server import serve_forever

    print("Press Ctrl+C to stop.", flush=True)
    try:
        serve_forever(
            args.state_dir or config.sandbox_state_dir(data_dir),
            args.port,
            os.environ.get(TOKEN_ENV) or None,
        )
    except OSError as exc:
        raise UserError(
            f"The sandbox cannot start on port {args.port} "
            f"({exc.strerror or exc}); choose another --port, or 0 for a free "
            "one."
        ) from exc
    print("Sandbox stopped.")
    return EXIT_OK


# --- sync -------------------------------------------------------------------------------


def _run_sync(args: argparse.Namespace, data_dir: Path, log_file: Path) -> int:
    token = os.environ.get(TOKEN_ENV) or None
    if args.sandbox_url and not token:
        raise UserError(
            f"Set {TOKEN_ENV} to the token 'fireside sandbox' printed; --sandbox-url needs it."
        )
    return _run_core(
        data_dir,
        "sync",
        _sync,
        start_sandbox=True,
        sandbox_url=args.sandbox_url,
        sandbox_token=token if args.sandbox_url else None,
    )


async def _sync(core: Core) -> int:
    """Pull and push every account; progress from core events, totals from the reports.
    An account it cannot sync is named with its state and why, as the Accounts dialog
    says them; one not synced by the user's choice (the idle sandbox) is no failure."""
    from app.accounts.status import NOT_CONNECTED_PROBLEMS
    from app.domain import OutboxState, PullMode

    every_account = await core.accounts.list()
    names = {a.id: a.name for a in every_account}

    def show(event: ev.Event) -> None:
        if isinstance(event, ev.SyncStarted):
            print(f"{names.get(event.account_id, event.account_id)}: pulling…", flush=True)
        elif isinstance(event, ev.SyncProgress):
            account = names.get(event.account_id, event.account_id)
            print(f"{account}: {plural.count(event.fetched, 'comment')} fetched", flush=True)

    unsubscribe = core.events.subscribe(show)
    try:
        reports = await core.engine.sync_all(PullMode.RESCAN)  # a person asked: re-scan
    finally:
        unsubscribe()
    failures = 0
    for status in await core.accounts.statuses():
        if status.account_id is None or status.account_id in core.networks:
            continue  # a policy account not added yet, or synced above
        # In the Accounts dialog's words: needs sign-in, blocked by policy, error, idle.
        problem = status.state in NOT_CONNECTED_PROBLEMS
        failures += problem
        print(
            f"{status.name}: {'NOT SYNCED' if problem else 'not synced'} "
            f"({status.label.lower()}): {status.reason}"
        )
    totals: Counter[OutboxState] = Counter()
    waiting = 0
    for report in reports:
        totals += report.outbox
        waiting += report.waiting
        failures += report.outbox[OutboxState.FAILED] + (report.error is not None)
        print(
            f"{names.get(report.account_id, report.account_id)}: "
            + (f"FAILED: {report.error}" if report.error else "pulled")
            + _skipped(report.item_errors)
            + f"; outbox: {_outbox_outcome(report.outbox, report.waiting) or 'nothing due'}"
        )
    held = totals[OutboxState.HELD]
    print(
        f"Summary: {plural.count(len(reports), 'account')} synced, "
        f"{plural.count(sum(r.fetched for r in reports), 'comment')} fetched, "
        f"{plural.count(totals[OutboxState.SENT], 'item')} sent, "
        f"{plural.count(failures, 'failure')}"
        + (f", {held} held for you" if held else "")
        + (f", {waiting} waiting" if waiting else "")
        + "."
    )
    if totals[OutboxState.FAILED] or held:  # a failed pull is said above, with its reason
        print("Run 'fireside outbox' to see why and what to do.")
    return EXIT_FAILED if failures else EXIT_OK


def _skipped(item_errors: list[str]) -> str:
    """A sync that skipped unreadable items still succeeded: say so, with the first."""
    if not item_errors:
        return ""
    return (
        f" ({plural.count(len(item_errors), 'unreadable item')} skipped, first: {item_errors[0]})"
    )


def _outbox_outcome(pushed: Counter[OutboxState], waiting: int) -> str:
    """One account's outbox after a sync, each item counted once: "2 sent, 1 held, 3
    waiting" (what the pushes sent, held or failed; what still waits, tried or not)."""
    from app.domain import OutboxState

    parts = [
        f"{pushed[state]} {state}"
        for state in (OutboxState.SENT, OutboxState.HELD, OutboxState.FAILED)
        if pushed[state]
    ]
    return ", ".join([*parts, f"{waiting} waiting"] if waiting else parts)


# --- outbox -----------------------------------------------------------------------------


def _run_outbox_list(args: argparse.Namespace, data_dir: Path, log_file: Path) -> int:
    """List the outbox. It only reads: while the window (or another command) owns the data
    dir, it reads the database read-only instead of refusing."""

    def show(items: list[OutboxItem]) -> int:
        print(_outbox_json(items) if args.json else _outbox_table(items))
        return EXIT_OK

    async def listing(core: Core) -> int:
        return show(await core.outbox.items(include_sent=args.all))

    from app.errors import StoreLocked

    try:
        return _run_core(data_dir, "outbox", listing, start_sandbox=False)
    except StoreLocked:
        from app.config import database_path
        from app.core.outbox import peek_items

        return show(peek_items(database_path(data_dir), include_sent=args.all))


def _run_outbox_action(args: argparse.Namespace, data_dir: Path, log_file: Path) -> int:
    async def act(core: Core) -> int:
        from app.domain import OutboxAction

        await core.outbox.act(OutboxAction(args.action), args.item_id)
        print(
            f"Outbox item {args.item_id}: "
            f"{'queued again' if args.action == 'retry' else 'cancelled'}."
        )
        return EXIT_OK

    return _run_core(data_dir, "outbox", act, start_sandbox=False)


def _outbox_json(items: list[OutboxItem]) -> str:
    from app.sync.reasons import explain

    fields = (
        "id",
        "kind",
        "state",
        "account_id",
        "account_name",
        "network",
        "recipient",
        "title",
        "body",
        "attempts",
        "last_error",
        "created_at",
        "updated_at",
        "sent_at",
        "next_attempt_at",
        "hold_until",
        "remote_id",
    )
    return json.dumps(
        [{**{f: getattr(item, f) for f in fields}, "reason": explain(item).text} for item in items],
        indent=2,
        ensure_ascii=False,
    )


def _outbox_table(items: list[OutboxItem]) -> str:
    from app.sync.reasons import explain

    if not items:
        return "The outbox is empty."
    rows = [("ID", "STATE", "WHEN", "KIND", "ACCOUNT", "TO", "TEXT", "WHY")]
    rows += [
        (
            str(i.id),
            str(i.state),
            _when(i),
            str(i.kind),
            i.account_name or i.account_id,
            i.recipient or "-",
            _snippet(i.title or i.body),
            explain(i).text,
        )
        for i in items
    ]
    widths = [max(len(row[col]) for row in rows) for col in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)), row[-1]])
        for row in rows
    )


def _when(item: OutboxItem) -> str:
    """When it went, when it is due, or when it last changed: "sent 4 min ago", "due
    14:05", "4 min ago"."""
    from app.domain import OutboxState
    from app.text import timefmt
    from app.timeutil import now_iso

    if item.state is OutboxState.SENT:
        return f"sent {timefmt.ago(item.sent_at)}"
    if (
        item.state in (OutboxState.QUEUED, OutboxState.UNKNOWN)
        and item.next_attempt_at
        and item.next_attempt_at > now_iso()
    ):
        return f"due {timefmt.until(item.next_attempt_at)}"
    return timefmt.ago(item.updated_at)


def _snippet(text: str, width: int = 32) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


# --- doctor -----------------------------------------------------------------------------


def _run_doctor(args: argparse.Namespace, data_dir: Path, log_file: Path) -> int:
    from app import doctor  # the policy sources, keyring and metadata: not for every start

    report = doctor.collect(data_dir, log_file)
    print(json.dumps(report, indent=2) if args.json else doctor.render_text(report))
    return EXIT_FAILED if report["problems"] else EXIT_OK


# --- shared -----------------------------------------------------------------------------


def _run_core(
    data_dir: Path,
    command: str,
    work: Callable[[Core], Coroutine[Any, Any, int]],
    **open_options: Any,
) -> int:
    """Own the data dir, open the core, run one async job on it, and always close both.

    StoreLocked (the window or another command owns the data dir) is raised before the
    database is opened at all."""
    with instance.Instance.acquire(data_dir, command):
        from app.bootstrap import open_core

        async def run() -> int:
            core = await open_core(data_dir, **open_options)
            try:
                return await work(core)
            finally:
                await core.close()

        return asyncio.run(run())


def _output_closed() -> int:
    """Whoever read the output stopped (``fireside outbox --json | head``): end quietly,
    as a Unix tool that SIGPIPE ends does, with no traceback or message. Standard output
    now points at the null device, so the interpreter's last flush of it cannot fail too."""
    log.info("the output was closed before the command had written it all")
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return EXIT_BROKEN_PIPE


def _fail(message: str) -> int:
    print(f"fireside: {message}", file=sys.stderr)
    return EXIT_ERROR
