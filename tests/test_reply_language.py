"""The language a reply is spell checked in is its account's (Accounts > Spell check
replies in); replies to comments of accounts that disagree use the system's."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.fake_networks import ME

from app.domain import Account, Person, RemoteComment, RemotePost
from app.store import Store, accounts, comments

ALEX = Person("alex", "Alex Doe")


def comment(remote_id: str) -> RemoteComment:
    return RemoteComment(
        remote_id=remote_id,
        post_remote_id="p1",
        parent_remote_id=None,
        root_remote_id=None,
        author=ALEX,
        body_html="<p>Why?</p>",
        created_at="2024-05-01T10:00:00Z",
        edited_at=None,
        version=1,
    )


@pytest.fixture
def store(tmp_path: Path):
    store = Store(tmp_path / "fireside.db")
    post = RemotePost("p1", "Town hall", "Body", "https://x/p1", "2024-05-01T09:00:00Z", "")
    for account_id in ("blog", "room"):
        store.run_sync(accounts.add_account, Account(account_id, "fake", account_id, "http://x"))
        store.run_sync(accounts.upsert_posts, account_id, [post])
        store.run_sync(comments.ingest, account_id, ME.name, [comment(f"{account_id}-c")])
    yield store
    store.close()


def ids(store: Store, *remote_ids: str) -> list[int]:
    return [
        store.run_sync(
            lambda db, r=r: db.execute(
                "SELECT id FROM comments WHERE remote_id = ?", [r]
            ).fetchone()[0]
        )
        for r in remote_ids
    ]


def test_a_reply_uses_its_accounts_language_and_mixed_accounts_the_systems(store) -> None:
    blog, room = ids(store, "blog-c", "room-c")
    assert store.run_sync(accounts.reply_language, [blog]) is None  # nothing chosen yet

    store.run_sync(accounts.set_language, "blog", "en_GB")
    assert [a.language for a in store.run_sync(accounts.list_accounts)] == ["en_GB", None]
    assert store.run_sync(accounts.reply_language, [blog]) == "en_GB"
    assert store.run_sync(accounts.reply_language, [blog, room]) is None

    store.run_sync(accounts.set_language, "room", "en_GB")
    assert store.run_sync(accounts.reply_language, [blog, room]) == "en_GB"
    store.run_sync(accounts.set_language, "blog", None)
    assert store.run_sync(accounts.reply_language, [blog]) is None
