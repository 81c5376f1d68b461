"""Encodes texts with an installed frozen Fireside's own sentence encoders and prints the
rows as JSON: ``python frozen_encoder.py EXECUTABLE TEXT...`` (with the project's Python).

The encoding runs where the app runs it: in a worker process started from the frozen
executable by multiprocessing's "spawn" (``app.core.grouping``), which the frozen entry
serves through ``multiprocessing.freeze_support``. This script is only that worker's
parent: it starts the executable as a frozen parent would (``--multiprocessing-fork``) and
passes on neither its ``sys.path`` nor its main module, so the worker imports
``app.text.encoder``, numpy, tokenizers, safetensors, py3langid and the models' files from
the bundle alone. Used by test_deb_smoke.py.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import resource_tracker, spawn
from typing import Any

from app.text.encoder import encode_here

TIMEOUT_S = 180
_PREPARED = spawn.get_preparation_data
#: What the worker would take from this process but must find in the bundle.
_NOT_PASSED_ON = ("sys_path", "sys_argv", "init_main_from_name", "init_main_from_path")


def _frozen_command_line(**options: Any) -> list[str]:
    """The worker's command line as a frozen parent makes it (the executable, then
    ``--multiprocessing-fork`` and the pipes), not ``python -c ...``."""
    return [
        spawn.get_executable(),
        "--multiprocessing-fork",
        *(f"{key}={value!r}" for key, value in options.items()),
    ]


def _bundle_only(name: str) -> dict[str, Any]:
    data = _PREPARED(name)
    for key in _NOT_PASSED_ON:
        data.pop(key, None)
    return data


def main() -> None:
    executable, *texts = sys.argv[1:]
    # The resource tracker stays this Python's: only the worker is the frozen app.
    resource_tracker.ensure_running()
    spawn.set_executable(executable)
    spawn.get_command_line = _frozen_command_line
    spawn.get_preparation_data = _bundle_only
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as worker:
        rows = worker.submit(encode_here, texts).result(timeout=TIMEOUT_S)
    json.dump(rows.tolist(), sys.stdout)


if __name__ == "__main__":
    main()
