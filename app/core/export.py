"""Writing an exported file (the weekly report's PDF) where the person chose: whole or not
at all (a temporary file beside it, then renamed over it), off the caller's thread, with
a sentence in plain words when the disk is full or the folder cannot be written."""

from __future__ import annotations

import asyncio
import errno
import os
from pathlib import Path

from app.errors import UserError


async def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``; UserError saying why and what to do when it cannot be
    written (nothing is left behind: an older file there is kept as it was)."""
    await asyncio.to_thread(_write, path, data)


def _write(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise cannot_write(path, exc) from exc


def cannot_write(path: Path, exc: OSError) -> UserError:
    where = path.parent
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return UserError(
            f"The disk holding {where} is full, so {path.name} was not saved. Free some "
            "space there, or save it somewhere else."
        )
    if isinstance(exc, PermissionError) or exc.errno in (errno.EROFS, errno.EPERM, errno.EACCES):
        return UserError(
            f"Fireside may not write in {where}, so {path.name} was not saved. Choose a "
            "folder you can write to, such as Documents."
        )
    if isinstance(exc, FileNotFoundError):
        return UserError(f"The folder {where} does not exist, so {path.name} was not saved.")
    return UserError(f"{path.name} could not be saved in {where}: {exc.strerror or exc}.")
