"""The start-up baseline: a bare PySide6 window, timed exactly as the app is.

``python -m bench.bare_window`` opens a QMainWindow holding a 50-row QListView, and when
the list's viewport has painted prints the line the app's bench hook prints
(``ui/bench_hook.py``) and quits. Same interpreter, same environment, same platform
plugin: what is left of the app's start-up time once this is taken away is Fireside's.
"""

from __future__ import annotations

import sys
import time

MARKER = "fireside-bench: inbox painted"  # the line ui/bench_hook.py prints
ROWS = 50


def main() -> int:
    from PySide6.QtCore import QEvent, QObject, QStringListModel, QTimer
    from PySide6.QtWidgets import QApplication, QListView, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    view = QListView()
    view.setModel(QStringListModel([f"Row {n}" for n in range(1, ROWS + 1)]))
    window.setCentralWidget(view)
    window.resize(1280, 800)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                view.viewport().removeEventFilter(self)
                QTimer.singleShot(0, report)  # once this paint has finished
            return False

    def report() -> None:
        print(f"{MARKER} rows={ROWS} at={time.time():.6f}", flush=True)
        window.close()

    watcher = FirstPaint()
    view.viewport().installEventFilter(watcher)
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
