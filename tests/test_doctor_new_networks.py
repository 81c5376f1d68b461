"""`fireside doctor` on X, LinkedIn and bridged accounts: each sign-in's expiry and scopes
(never a token), a bridged site's lack of any sign-in, and no keyring needed for it."""

from __future__ import annotations

from pathlib import Path

from app import secrets
from app.config import database_path
from app.doctor import collect
from app.domain import Account
from app.networks.oauth import Tokens
from app.policy import NO_POLICY
from app.store import Store, accounts

EXPIRY = 1_900_000_000.0  # 2030-03-17 17:46 UTC


def store_accounts(data_dir: Path, *made: Account) -> None:
    data_dir.mkdir()
    store = Store(database_path(data_dir))
    for account in made:
        store.run_sync(accounts.add_account, account)
    store.close()


def test_doctor_describes_oauth_sign_ins_and_bridged_sites(tmp_path, memory_keyring) -> None:
    x = Account(
        "x-1", "x", "danawhit", "https://api.x.com", "danawhit", settings={"sign_in": "x-s"}
    )
    page = Account(
        "linkedin-1",
        "linkedin",
        "Contoso page",
        "https://api.linkedin.com",
        "1337",
        settings={"sign_in": "li-s"},
    )
    bridged = Account(
        "bridge-1",
        "bridge",
        "LinkedIn (by hand)",
        "https://www.linkedin.com",
        "Dana",
        settings={"site": "LinkedIn"},
    )
    store_accounts(tmp_path / "data", x, page, bridged)
    tokens = Tokens("secret-access", "secret-refresh", EXPIRY, ("tweet.read", "offline.access"))
    secrets.set_secret("x-s", tokens.to_secret())
    secrets.set_secret(
        "li-s", Tokens("secret-li", None, EXPIRY, ("r_organization_social",)).to_secret()
    )

    report = collect(tmp_path / "data", policy=NO_POLICY)

    lines = {a["id"]: a["sign_in"] for a in report["accounts"]}
    assert lines["x-1"] == [
        "X sign-in: refresh token kept; access token expires 2030-03-17 17:46 UTC; "
        "scopes: tweet.read, offline.access"
    ]
    assert lines["linkedin-1"] == [
        "LinkedIn sign-in: NO refresh token: sign in again when the access token expires; "
        "access token expires 2030-03-17 17:46 UTC; scopes: r_organization_social"
    ]
    assert lines["bridge-1"] == [
        "bridged by hand: no sign-in; comments are pasted, replies pasted by you"
    ]
    assert "secret-" not in str(report)


def test_a_bridged_site_alone_needs_no_keyring(tmp_path, monkeypatch) -> None:
    store_accounts(
        tmp_path / "data",
        Account(
            "bridge-1", "bridge", "X (by hand)", "https://x.com", "dana", settings={"site": "X"}
        ),
    )
    monkeypatch.setattr("app.doctor._keyring", lambda: {"usable": False, "problem": "No keyring."})
    report = collect(tmp_path / "data", policy=NO_POLICY)
    assert report["problems"] == []
    assert any("No keyring." in w for w in report["warnings"])
