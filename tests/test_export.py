"""Writing an exported file (the weekly report): whole or not at all, and a plain sentence
saying why and what to do when it cannot be written (no permission, a full disk, a
folder that is gone), with nothing left behind."""

from __future__ import annotations

import asyncio
import errno
import os
import sys
from pathlib import Path

import pytest

from app.core.export import cannot_write, write_file
from app.errors import UserError


def test_the_file_is_written_whole_and_replaces_an_older_one(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"old")
    asyncio.run(write_file(path, b"%PDF-1.4 new"))
    assert path.read_bytes() == b"%PDF-1.4 new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


@pytest.mark.skipif(sys.platform != "linux", reason="/sys refuses new files on Linux only")
def test_a_folder_that_may_not_be_written_says_so() -> None:
    # sysfs refuses to create files, even for root: a real "permission denied".
    with pytest.raises(UserError, match=r"may not write in /sys, so report\.pdf was not saved"):
        asyncio.run(write_file(Path("/sys/report.pdf"), b"%PDF"))


def test_a_missing_folder_says_so_and_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "gone" / "report.pdf"
    with pytest.raises(UserError, match=r"does not exist, so report\.pdf was not saved"):
        asyncio.run(write_file(path, b"%PDF"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (errno.ENOSPC, "is full, so report.pdf was not saved. Free some space"),
        (errno.EDQUOT, "is full"),
        (errno.EROFS, "may not write in"),
        (errno.EIO, "could not be saved in /media/usb: Input/output error"),
    ],
)
def test_each_failure_of_the_disk_reads_plainly(number: int, words: str) -> None:
    error = OSError(number, os.strerror(number))
    assert words in str(cannot_write(Path("/media/usb/report.pdf"), error))
