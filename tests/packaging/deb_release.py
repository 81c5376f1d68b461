"""Helpers for the Linux packaging smoke test: the release build-linux.sh made, commands
bounded in time, one-byte tampering, and apt pointed at the release's repository alone."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

APT_TIMEOUT_S = 300
#: apt reads the file:// repository as root: pytest's temporary folders are private to root,
#: so its usual download user (_apt) could not read them.
APT_AS_ROOT = ("-o", "APT::Sandbox::User=root")


@dataclass(frozen=True)
class Release:
    """What build-linux.sh put in ``dist``."""

    dist: Path
    version: str

    @property
    def deb(self) -> Path:
        (deb,) = self.dist.glob(f"fireside_{self.version}_*.deb")
        return deb

    @property
    def keyring(self) -> Path:
        return self.dist / "fireside-archive-keyring.gpg"

    @property
    def apt(self) -> Path:
        return self.dist / "apt"

    @property
    def artifacts(self) -> list[Path]:
        """The signed files: each has a detached ``.asc`` and a line in SHA256SUMS."""
        patterns = ("fireside_*.deb", "fireside-*.tar.gz", "fireside-*.cdx.json")
        return sorted(p for pattern in patterns for p in self.dist.glob(pattern))


def run(
    command: list[str | Path], timeout: float = 60, check: bool = True, **options
) -> subprocess.CompletedProcess[str]:
    """Run a command, bounded in time; on failure, the assertion shows its output."""
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **options,
    )
    if check:
        assert result.returncode == 0, (
            f"{' '.join(map(str, command))} exited {result.returncode}\n"
            f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}"
        )
    return result


def tampered_copy(original: Path, copy: Path, offset: int) -> Path:
    """``original`` copied to ``copy`` with the byte at ``offset`` changed (lowest bit
    flipped)."""
    data = bytearray(original.read_bytes())
    data[offset] ^= 0x01
    copy.write_bytes(bytes(data))
    return copy


def apt_sources(release: Release) -> str:
    """A deb822 source for the release's repository, trusting only its own keyring."""
    return (
        f"Types: deb\nURIs: file://{release.apt}\nSuites: stable\nComponents: main\n"
        f"Signed-By: {release.apt / 'fireside-archive-keyring.gpg'}\n"
    )


def apt_update_only(sources_dir: Path, lists_dir: Path | None = None):
    """``apt-get update`` of the sources in ``sources_dir`` alone: the machine's other
    lists stay as they are (and no network is used)."""
    command = [
        "apt-get",
        "update",
        *APT_AS_ROOT,
        "-o",
        "Dir::Etc::SourceList=/dev/null",
        "-o",
        f"Dir::Etc::SourceParts={sources_dir}",
        "-o",
        "APT::Get::List-Cleanup=0",
    ]
    if lists_dir is not None:
        (lists_dir / "partial").mkdir(parents=True, exist_ok=True)
        command += ["-o", f"Dir::State::Lists={lists_dir}"]
    return run(command, timeout=APT_TIMEOUT_S, check=False)
