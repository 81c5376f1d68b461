"""Start the real app with the bench hook wired in, until ``ui/main.py`` calls it itself.

``python -m bench.launch_app DATA_DIR`` installs ``ui.bench_hook`` on the inbox list of
every ``MainWindow`` built, then runs ``fireside --data-dir DATA_DIR`` exactly as the
command does. Once ``ui/main.py`` calls ``bench_hook.install`` itself, the benchmark starts
``python -m app`` directly and this module is no longer used.
"""

from __future__ import annotations

import sys


def main(data_dir: str) -> int:
    from app import cli
    from ui import bench_hook, main_window

    built = main_window.MainWindow.__init__

    def init_with_hook(self, *args, **kwargs) -> None:
        built(self, *args, **kwargs)
        bench_hook.install(self.inbox.list)

    main_window.MainWindow.__init__ = init_with_hook
    return cli.main(["--data-dir", data_dir])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
