"""``python -m bench.workspace``: the two-laptop workspace's numbers, on real sealed files
in a temporary shared folder.

- how long a delegate's device takes to see 1,000 new comments and 100 drafts the
  principal's device shared (one pull: list, read, open, apply in causal order, save);
- how many bytes the shared store holds per 10,000 comments.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from pathlib import Path

from app.workspace.model import SharedComment, VersionKind
from app.workspace.replica import Replica
from app.workspace.shared import SharedDoc
from app.workspace.transport import FolderStore

KEY = secrets.token_bytes(32)
#: The principal's device shares what a sync pulled in batches of this many comments.
BATCH = 500


def _comment(n: int) -> SharedComment:
    body = f"Comment {n}: thanks for the update on the plan, what does it mean for our team {n}?"
    return SharedComment(
        f"acct/{n}", "acct", str(n), "wordpress", f"Post {n % 40}", f"Person {n % 900}",
        body, f"2026-03-01T10:{n % 60:02d}:00Z", 1,
    )  # fmt: skip


def _share(replica: Replica, doc: SharedDoc, store: FolderStore, start: int, count: int) -> None:
    for first in range(start, start + count, BATCH):
        with replica.local_change():
            for n in range(first, min(first + BATCH, start + count)):
                doc.put_comment(_comment(n))
        replica.push(store, 1, KEY)


def delegate_sees_new_work(root: Path) -> float:
    store = FolderStore(root / "shared")
    store.folder.mkdir()
    principal = Replica(root / "principal", "bench", "aaaaaaaa")
    principal_doc = SharedDoc(principal.doc)
    delegate = Replica(root / "delegate", "bench", "bbbbbbbb")
    _share(principal, principal_doc, store, 0, 2000)  # what the delegate already has
    delegate.pull(store, {1: KEY})
    _share(principal, principal_doc, store, 2000, 1000)
    with principal.local_change():
        for n in range(100):
            principal_doc.new_reply(f"acct/{n}", f"Draft {n}", "aaaaaaaa", VersionKind.DRAFT)
    principal.push(store, 1, KEY)
    started = time.perf_counter()
    delegate.pull(store, {1: KEY})
    elapsed = time.perf_counter() - started
    assert SharedDoc(delegate.doc).digest() == principal_doc.digest()
    return elapsed


def bytes_per_10k_comments(root: Path) -> int:
    store = FolderStore(root / "sized")
    store.folder.mkdir()
    replica = Replica(root / "sizer", "bench", "cccccccc")
    _share(replica, SharedDoc(replica.doc), store, 0, 10_000)
    return sum(p.stat().st_size for p in store.folder.iterdir())


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        seconds = delegate_sees_new_work(root)
        size = bytes_per_10k_comments(root)
    print(f"Delegate sees 1,000 new comments and 100 drafts: {seconds * 1000:,.0f} ms")
    print(f"Shared store per 10,000 comments: {size / 1_000_000:,.2f} MB ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
