"""Extract twitter-text's conformance examples for X's weighted length.

Source: twitter/twitter-text at commit 30e2430d90cff3b46393ea54caf511441983c260,
``conformance/validate.yml``, section ``WeightedTweetsWithDiscountedEmojiCounterTest``:
the cases every twitter-text port must pass under the version 3 configuration (the one X
counts with: URLs 23, CJK and other heavy characters 2, an emoji sequence 2). Written to
``x/twitter-text-weighted.json`` (text, weighted length, valid); ``tests/test_x_text.py``
runs Fireside's counter on each.

    python tests/contracts/extract_twitter_text.py /path/to/twitter-text/.git
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

REPO = "twitter/twitter-text"
COMMIT = "30e2430d90cff3b46393ea54caf511441983c260"
FILE = "conformance/validate.yml"
SECTION = "WeightedTweetsWithDiscountedEmojiCounterTest"
OUT = Path(__file__).parent / "x" / "twitter-text-weighted.json"


def main(git_dir: str) -> None:
    text = subprocess.run(
        ["git", "--git-dir", git_dir, "show", f"{COMMIT}:{FILE}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    cases = yaml.safe_load(text)["tests"][SECTION]
    kept = [
        {
            "description": case["description"],
            "text": case["text"],
            "weightedLength": case["expected"]["weightedLength"],
            "valid": case["expected"]["valid"],
        }
        for case in cases
    ]
    source = {"repository": REPO, "commit": COMMIT, "file": FILE, "section": SECTION}
    OUT.write_text(
        json.dumps({"source": source, "cases": kept}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    print(f"{len(kept)} cases -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
