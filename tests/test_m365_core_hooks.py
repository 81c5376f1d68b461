"""What the core offers front ends for the Microsoft 365 networks' polling rules: a sync
the person asked for (F5: ``Core.sync_now``, a RESCAN pass) lets Teams read every channel at
once, and ``Core.freshness`` says when each channel was last read, as typed values, from the
stored cursor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from emulators.microsoft.fixtures import TeamsWorld

from app.bootstrap import open_core
from app.domain import Account, Freshness, PullMode
from app.store import accounts
from app.timeutil import iso


async def test_a_sync_asked_for_reads_teams_at_once_and_freshness_says_when(
    tmp_path, sandbox_server, teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post = w.emulator.post(w.dana, w.town_hall, "Hello")
    core = await open_core(
        tmp_path / "data", sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    try:
        network = make_teams(channels=(w.ref(w.leadership, w.town_hall),))
        await core.store.run(accounts.add_account, Account("teams", "teams", "Teams", ""))
        core.networks["teams"] = network
        assert await core.freshness("teams") == (Freshness("Contoso / Town hall", None, None),)

        assert (await core.engine.sync("teams")).error is None
        read_at = datetime.fromtimestamp(w.clock(), UTC)
        expected = Freshness("Contoso / Town hall", iso(read_at), iso(read_at + timedelta(days=1)))
        assert await core.freshness("teams") == (expected,)

        w.emulator.reply(w.ada, w.town_hall, post, "<p>Hi!</p>")
        w.clock.advance(120)
        assert (await core.engine.sync("teams")).fetched == 0  # not polled within the day
        asked = await core.engine.sync("teams", PullMode.RESCAN)  # what F5's pass does
        assert asked.fetched == 1
        assert await core.freshness("sandbox") == ()  # the sandbox has no such rule
    finally:
        await core.close()
