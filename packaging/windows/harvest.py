"""Harvest the PyInstaller onedir bundle into a WiX v3 fragment for fireside.wxs.

    python harvest.py PAYLOAD_DIR OUTPUT.wxs

Writes one component per file under the INSTALLDIR directory, all in the component group
FiresideFiles. The bundle's two executables get fixed file ids: fireside.exe (console, the
CLI) FiresideExe, fireside-gui.exe (windowed, the same program without a console window)
FiresideGuiExe, which the Start-menu shortcut targets. Each component's GUID is derived
from the file's path in the bundle, so a path keeps its GUID from release to release and a
new path gets a new one: the component rules that upgrades and repairs depend on. Ids are
hashes of the path, valid MSI identifiers whatever the file is called. Sources are written
as $(var.PayloadDir)/relative/path.

The release build on Windows (build-msi.ps1, WiX Toolset) and the verification build on
Linux (build-msi.sh, wixl) both use this script, so both install the same components.
wixl-heat and WiX's heat are not used: they make random or tool-specific GUIDs and ids.
"""

from __future__ import annotations

import hashlib
import sys
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

WIX_NS = "http://schemas.microsoft.com/wix/2006/wi"
#: Namespace of the component GUIDs; never change it, or every component changes identity.
GUID_NAMESPACE = uuid.UUID("B3C4F9D4-7C24-4109-8F8A-6A45C63A858A")
#: Executables that fireside.wxs refers to by file id; a bundle without one is refused.
EXECUTABLES = {"fireside.exe": "FiresideExe", "fireside-gui.exe": "FiresideGuiExe"}


def _id(prefix: str, rel: str) -> str:
    return prefix + hashlib.sha256(rel.encode()).hexdigest()[:32].upper()


def harvest(payload: Path) -> ET.ElementTree:
    """The fragment for every file under ``payload``; SystemExit on what an MSI cannot hold."""
    files = sorted(p for p in payload.rglob("*") if p.is_file() or p.is_symlink())
    rels = [p.relative_to(payload).as_posix() for p in files]
    missing = [exe for exe in EXECUTABLES if exe not in rels]
    if missing:
        raise SystemExit(f"harvest.py: {payload} lacks {', '.join(missing)}: not a Fireside bundle")
    links = [rel for rel, p in zip(rels, files, strict=True) if p.is_symlink()]
    if links:
        raise SystemExit(f"harvest.py: an MSI cannot hold symbolic links: {links[:3]}")
    seen: dict[str, str] = {}
    for rel in rels:  # Windows file names ignore case
        if rel.lower() in seen:
            raise SystemExit(f"harvest.py: {rel} and {seen[rel.lower()]} clash on Windows")
        seen[rel.lower()] = rel

    ET.register_namespace("", WIX_NS)
    root = ET.Element(f"{{{WIX_NS}}}Wix")
    fragment = ET.SubElement(root, f"{{{WIX_NS}}}Fragment")
    top = ET.SubElement(fragment, f"{{{WIX_NS}}}DirectoryRef", Id="INSTALLDIR")
    group = ET.SubElement(
        ET.SubElement(root, f"{{{WIX_NS}}}Fragment"),
        f"{{{WIX_NS}}}ComponentGroup",
        Id="FiresideFiles",
    )
    directories = {"": top}
    for rel in rels:
        parent, _, name = rel.rpartition("/")
        element = _directory(directories, parent)
        component = ET.SubElement(
            element,
            f"{{{WIX_NS}}}Component",
            Id=_id("c", rel),
            Guid=str(uuid.uuid5(GUID_NAMESPACE, rel.lower())).upper(),
            Win64="yes",
        )
        ET.SubElement(
            component,
            f"{{{WIX_NS}}}File",
            Id=EXECUTABLES.get(rel) or _id("f", rel),
            Name=name,
            Source=f"$(var.PayloadDir)/{rel}",
            KeyPath="yes",
        )
        ET.SubElement(group, f"{{{WIX_NS}}}ComponentRef", Id=component.get("Id"))
    ET.indent(root)
    return ET.ElementTree(root)


def _directory(directories: dict[str, ET.Element], rel: str) -> ET.Element:
    """The Directory element for ``rel`` (a folder inside the bundle), made on first use."""
    if rel not in directories:
        parent, _, name = rel.rpartition("/")
        directories[rel] = ET.SubElement(
            _directory(directories, parent), f"{{{WIX_NS}}}Directory", Id=_id("d", rel), Name=name
        )
    return directories[rel]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        raise SystemExit("usage: harvest.py PAYLOAD_DIR OUTPUT.wxs")
    payload, output = Path(argv[0]), Path(argv[1])
    if not payload.is_dir():
        raise SystemExit(f"harvest.py: {payload} is not a folder")
    harvest(payload).write(output, encoding="utf-8", xml_declaration=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
