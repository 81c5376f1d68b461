"""Where the workspace's files live: a folder both people sync (OneDrive, Dropbox,
Nextcloud, an SMB share) or a WebDAV collection (Nextcloud, SharePoint...). Both offer
the same four calls; no device ever writes a file another device writes, so a sync
client never has two versions of one file to reconcile.

A folder write goes to a hidden temporary name first and is renamed into place, so a
reader on the same disk never sees half a file; a sync client may still deliver one half
written (the sealed file's header tells, and the reader tries again later). WebDAV writes
are single PUTs; a file written once and never again (key check, key envelopes) is put
with ``If-None-Match: *`` so a second writer cannot replace it.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import httpx

from app.workspace.errors import SharedStoreError

_DAV = "{DAV:}"
_PROPFIND = (
    b'<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop>'
    b"<d:getcontentlength/><d:resourcetype/></d:prop></d:propfind>"
)


class SharedStore(Protocol):
    """The calls a workspace makes on its shared location."""

    def describe(self) -> str: ...

    def list_files(self) -> dict[str, int]:
        """File name -> size, for every file in the location (no folders)."""
        ...

    def read(self, name: str) -> bytes | None:
        """The file's bytes, or None when it is gone (or not there yet)."""
        ...

    def write(self, name: str, data: bytes, *, once: bool = False) -> bool:
        """Write one of this device's files; with ``once``, only if no such file exists
        yet (returns False then)."""
        ...

    def close(self) -> None:
        """Let go of what it holds open (a WebDAV client's connections)."""
        ...


class FolderStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def describe(self) -> str:
        return str(self.folder)

    def close(self) -> None:
        """Nothing stays open between calls."""

    def list_files(self) -> dict[str, int]:
        try:
            with os.scandir(self.folder) as entries:
                return {
                    e.name: e.stat().st_size
                    for e in entries
                    if e.is_file() and not e.name.startswith(".")
                }
        except OSError as exc:
            raise _folder_error(self.folder, exc) from exc

    def read(self, name: str) -> bytes | None:
        try:
            return (self.folder / name).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _folder_error(self.folder, exc) from exc

    def write(self, name: str, data: bytes, *, once: bool = False) -> bool:
        target = self.folder / name
        if once:
            return self._create_only(target, data)
        temporary = self.folder / f".{name}.{os.getpid()}.part"
        try:
            _write_synced(temporary, data, "wb")
            os.replace(temporary, target)
            return True
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise _folder_error(self.folder, exc) from exc

    def _create_only(self, target: Path, data: bytes) -> bool:
        """Create the file only if it is not there ("x" mode: atomic on every file system a
        sync client uses, hard links or not); a reader meeting it half written waits."""
        try:
            _write_synced(target, data, "xb")
        except FileExistsError:
            return False
        except OSError as exc:
            raise _folder_error(self.folder, exc) from exc
        return True


def _write_synced(path: Path, data: bytes, mode: str) -> None:
    with open(path, mode) as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _folder_error(folder: Path, exc: OSError) -> SharedStoreError:
    return SharedStoreError(
        f"The shared folder {folder} cannot be used ({exc.strerror or exc}). Check that "
        "it exists, that your sync client is running and that you may write to it."
    )


class WebDavStore:
    """A WebDAV collection, spoken to with httpx (injected: tests and proxies)."""

    def __init__(self, url: str, client: httpx.Client) -> None:
        self.url = url.rstrip("/") + "/"
        self._client = client
        self._path = urlsplit(self.url).path

    def describe(self) -> str:
        return self.url

    def close(self) -> None:
        self._client.close()

    def list_files(self) -> dict[str, int]:
        response = self._request(
            "PROPFIND",
            self.url,
            content=_PROPFIND,
            headers={"Depth": "1", "Content-Type": "application/xml"},
        )
        if response.status_code != 207:
            raise self._refused(response, "list the folder")
        return _parse_listing(response.content, self._path)

    def read(self, name: str) -> bytes | None:
        response = self._request("GET", self.url + name)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._refused(response, f"read {name}")
        return response.content

    def write(self, name: str, data: bytes, *, once: bool = False) -> bool:
        headers = {"Content-Type": "application/octet-stream"}
        if once:
            headers["If-None-Match"] = "*"
        response = self._request("PUT", self.url + name, content=data, headers=headers)
        if once and response.status_code == 412:
            return False
        if response.status_code not in (200, 201, 204):
            raise self._refused(response, f"write {name}")
        return True

    def _request(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        try:
            return self._client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            raise SharedStoreError(
                f"The WebDAV server at {self.url} cannot be reached ({exc}). Check the "
                "address and your connection; Fireside tries again at the next sync."
            ) from exc

    def _refused(self, response: httpx.Response, what: str) -> SharedStoreError:
        if response.status_code == 401:
            return SharedStoreError(
                f"The WebDAV server at {self.url} refused the user name or password "
                "(HTTP 401). Enter them again in the workspace set-up."
            )
        if response.status_code == 403 and response.request.method == "PUT":
            return SharedStoreError(
                f"The WebDAV share at {self.url} is read-only for this account: you may "
                "read it but not write to it (HTTP 403). Ask whoever shares it for write "
                "access."
            )
        if response.status_code == 403:
            return SharedStoreError(
                f"The WebDAV server at {self.url} accepted the user name and password but "
                f"does not let this account {what} (HTTP 403). Ask whoever shares it for "
                "access."
            )
        if response.status_code == 404:
            return SharedStoreError(
                f"There is no folder at {self.url} on the WebDAV server; create it, or "
                "check the address."
            )
        return SharedStoreError(
            f"The WebDAV server at {self.url} could not {what} (HTTP {response.status_code})."
        )


def _parse_listing(body: bytes, own_path: str) -> dict[str, int]:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise SharedStoreError(
            f"The WebDAV server sent a listing that is not XML ({exc})."
        ) from exc
    files: dict[str, int] = {}
    for response in root.iter(f"{_DAV}response"):
        href = unquote(urlsplit(response.findtext(f"{_DAV}href", "")).path)
        if (
            href.rstrip("/") == own_path.rstrip("/")
            or response.find(f".//{_DAV}collection") is not None
        ):
            continue
        name = href.rstrip("/").rsplit("/", 1)[-1]
        length = response.findtext(f".//{_DAV}getcontentlength") or "0"
        if name and not name.startswith("."):
            files[name] = int(length) if length.isdigit() else 0
    return files
