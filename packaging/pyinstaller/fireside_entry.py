"""PyInstaller's entry script for the frozen Fireside: the ``fireside`` command itself."""

from app.cli import main

raise SystemExit(main())
