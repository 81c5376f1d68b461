"""Two real Fireside processes and one sandbox network both have their own account on:
once the principal allows the network, the delegate's replies there go into the
delegate's own outbox and out with the delegate's account, exactly once across both
devices; provenance says who sent them without approval; turned off, replies wait for
approval again; a delegate's device attaches no sandbox of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from pair import Device, converge, device

from app.cli import TOKEN_ENV
from app.sandbox.server import SandboxServer

pytestmark = pytest.mark.integration
DIRECT = "Sent by Sam directly"


def _sync_network(d: Device, server: SandboxServer) -> None:
    """``fireside sync`` with this device's own account on the shared sandbox network."""
    d.run("sync", "--sandbox-url", server.url, **{TOKEN_ENV: server.token})


def _replies_posted(server: SandboxServer, text: str) -> int:
    return sum(
        1
        for entry in server.requests()
        if entry.get("method") == "POST" and entry.get("committed") and text in str(entry["body"])
    )


def test_delegate_sends_without_approval_where_allowed_exactly_once(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    where = ["--folder", str(shared)]
    principal, delegate = device(tmp_path, "principal"), device(tmp_path, "delegate")
    with SandboxServer(tmp_path / "network", token="network-token") as server:
        _sync_network(principal, server)
        code = principal.run("workspace", "create", "--name", "Dana", *where).stdout
        delegate.run(
            "workspace", "join", "--name", "Sam", *where,
            FIRESIDE_PAIRING_CODE=code.strip().splitlines()[-1],
        )  # fmt: skip
        converge(principal, delegate)
        delegate.run("sync")  # a delegate's device attaches no sandbox of its own
        assert not (delegate.data_dir / "sandbox").exists()
        keys = [str(c["key"]) for c in delegate.json("workspace", "comments")]

        # Allowed, but the delegate has no account on the network yet: for approval.
        principal.run("workspace", "allow", "sandbox")
        converge(principal, delegate)
        assert "without approval on sandbox" in delegate.run("workspace", "status").stdout
        delegate.run("workspace", "draft", "--text", "Waits for Dana", keys[0])
        assert len(delegate.json("workspace", "replies", "--status", "for_approval")) == 1

        # With the delegate's own account on it: straight to the delegate's outbox.
        _sync_network(delegate, server)
        ids = delegate.run("workspace", "draft", "--text", DIRECT, *keys[1:4]).stdout.split()
        queued = delegate.json("workspace", "replies", "--status", "queued_by_drafter")
        assert sorted(str(r["id"]) for r in queued) == sorted(ids)
        converge(principal, delegate)
        assert "Approved 0" in principal.run("workspace", "approve", *ids).stdout
        _sync_network(delegate, server)
        converge(principal, delegate)  # then syncing again on both sends nothing twice
        _sync_network(principal, server)
        _sync_network(delegate, server)

        mine = delegate.json("outbox", "--all", "--json")
        assert len(mine) == 3 and {str(i["account_id"]) for i in mine} == {"sandbox"}
        sent = [i for i in mine if i["state"] == "sent"]
        held = [i for i in mine if i["state"] == "held"]  # the thread check, as ever
        assert len(sent) + len(held) == 3 and sent
        assert all("already answered" in str(i["reason"]) for i in held)
        assert _replies_posted(server, DIRECT) == len(sent)
        assert not principal.json("outbox", "--all", "--json")  # the principal sent none
        converge(principal, delegate)
        statuses = {str(r["id"]): r["status"] for r in principal.json("workspace", "replies")}
        assert sum(statuses[i] == "sent" for i in ids) == len(sent)

        audit = principal.run("audit", "--since", "2000-01-01").stdout.splitlines()
        direct = [line for line in audit if DIRECT in line]
        assert len(direct) == 3
        assert all("Sam (delegate)" in line and "Dana" not in line for line in direct)

        # Turned off: the delegate's next reply waits for approval again.
        principal.run("workspace", "allow", "sandbox", "--off")
        converge(principal, delegate)
        delegate.run("workspace", "draft", "--text", "Back to approval", keys[5])
        assert len(delegate.json("workspace", "replies", "--status", "for_approval")) == 2
        assert len(delegate.json("outbox", "--all", "--json")) == 3
