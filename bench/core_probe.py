"""Stand-in for the window while ``ui/main.py`` does not exist: what start-up costs the core.

``python -m bench.core_probe DATA_DIR`` opens the store the way the app does, reads the
view counts and the first page of Needs reply, then prints the same line the real app's
bench hook prints (``ui/bench_hook.py``) and exits. No Qt, so it is a lower bound.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

MARKER = "fireside-bench: inbox painted"  # the same line ui/bench_hook.py prints


def main(data_dir: str) -> int:
    from app.config import database_path
    from app.domain import InboxView
    from app.store import Store, comments

    store = Store(database_path(Path(data_dir)))
    store.run_sync(comments.view_counts)
    rows = comments.view_page(store.reader(), InboxView.NEEDS_REPLY, limit=100)
    print(f"{MARKER} rows={len(rows)} at={time.time():.6f}", flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
