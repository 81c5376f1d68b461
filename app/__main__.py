"""Allow `python -m app` to behave exactly like the `fireside` command."""

from app.cli import main

raise SystemExit(main())
