"""Writes the CycloneDX SBOM of the frozen Fireside bundle.

Run with the build venv's Python (it has cyclonedx-bom). Starts from
``cyclonedx-py environment`` on that venv, keeps what the bundle holds (the packages
Fireside depends on, and PyInstaller, whose bootloader is the executable), drops the build
tools, then adds the native code copied into the bundle: the Qt libraries and plugins
(each nested under the PySide6 wheel that installed it, Essentials or Addons), the Debian
packages whose libraries were copied, and the Python interpreter when it is not a Debian
package. Every bundled binary is accounted for, or the script fails. The result is validated
against the CycloneDX schema.

Usage: sbom.py --version V --pyproject P --bundle DIR --binaries TSV --debian-origins TSV
               --out FILE
(TSV files: bundle-binaries.tsv from fireside.spec; the output of debian-origins.sh)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.metadata
import json
import platform
import subprocess
import sys
from pathlib import Path

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL

ROOT_REF = "root-component"
#: In the bundle although nothing imports it: its bootloader is the executable.
BOOTLOADER = "pyinstaller"
#: The wheels that install Qt's own libraries and plugins under ``PySide6/Qt/``.
QT_WHEELS = ("PySide6_Essentials", "PySide6_Addons")
ICU_LICENSE = "Unicode-3.0"


def main() -> None:
    args = _arguments()
    bom = _environment_bom(args.pyproject)
    bom["metadata"]["component"]["version"] = args.version
    _keep_bundled_packages(bom)
    origins = _read_tsv(args.debian_origins)
    _add_binaries(bom, _read_tsv(args.binaries), origins, args.bundle / "_internal")
    text = json.dumps(bom, indent=2, sort_keys=True) + "\n"
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        sys.exit(f"sbom.py: the SBOM is not valid CycloneDX 1.6: {error}")
    args.out.write_text(text, encoding="utf-8")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", required=True)
    parser.add_argument("--pyproject", type=Path, required=True)
    parser.add_argument("--bundle", type=Path, required=True)
    parser.add_argument("--binaries", type=Path, required=True)
    parser.add_argument("--debian-origins", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    return parser.parse_args()


def _environment_bom(pyproject: Path) -> dict:
    command = [
        Path(sys.executable).with_name("cyclonedx-py"),
        "environment",
        "--pyproject",
        pyproject,
        "--output-reproducible",
        "--no-validate",  # main() validates the finished SBOM
        "--spec-version",
        "1.6",
        sys.executable,
    ]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def _keep_bundled_packages(bom: dict) -> None:
    """Keep the root's dependency closure and PyInstaller; drop the other build tools."""
    needs = {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}
    kept, todo = set(), [ROOT_REF]
    while todo:
        ref = todo.pop()
        if ref not in kept:
            kept.add(ref)
            todo += needs.get(ref, [])
    bootloader = next(c["bom-ref"] for c in bom["components"] if c["name"] == BOOTLOADER)
    kept.add(bootloader)  # without its own dependencies, which stay out of the bundle
    bom["components"] = [c for c in bom["components"] if c["bom-ref"] in kept]
    bom["dependencies"] = [
        {"ref": d["ref"], "dependsOn": [r for r in d.get("dependsOn", []) if r in kept]}
        for d in bom["dependencies"]
        if d["ref"] in kept
    ]
    _depend(bom, ROOT_REF, bootloader)


def _add_binaries(
    bom: dict, binaries: list[list[str]], origins: list[list[str]], internal: Path
) -> None:
    debian = {path: (package, version, arch) for path, package, version, arch in origins}
    qt_owners = _qt_owners(bom)
    interpreter_prefix = Path(sys.base_prefix).resolve()
    unaccounted = []
    for path, source in binaries:
        source_path = Path(source).resolve()
        if path in debian:
            _add_debian_file(bom, path, *debian[path])
        elif "/PySide6/Qt/" in source:
            owner = qt_owners.get(source.rpartition("/site-packages/")[2])
            if owner is None:
                unaccounted.append(f"{path} (in no Qt wheel's file list: {source})")
            else:
                _add_qt_file(owner, path, internal / path)
        elif source_path.is_relative_to(interpreter_prefix):
            _add_interpreter_file(bom, path)
        elif "site-packages" not in source_path.parts:
            unaccounted.append(f"{path} (from {source})")
        # anything else sits in a Python package's folder: that package's component covers it
    if unaccounted:
        sys.exit("sbom.py: bundled binaries of unknown origin: " + ", ".join(unaccounted))


def _qt_owners(bom: dict) -> dict[str, dict]:
    """Each file a Qt wheel installed (its path under site-packages) -> that wheel's component."""
    owners = {}
    for wheel in QT_WHEELS:
        component = next(c for c in bom["components"] if c["name"] == wheel)
        for file in importlib.metadata.distribution(wheel).files or ():
            owners[file.as_posix()] = component
    return owners


def _add_debian_file(bom: dict, path: str, package: str, version: str, arch: str) -> None:
    ref = f"deb:{package}@{version}"
    component = _component(bom, ref)
    if component is None:
        distro = platform.freedesktop_os_release()
        component = {
            "bom-ref": ref,
            "type": "library",
            "name": package,
            "version": version,
            "purl": PackageURL(
                "deb",
                distro["ID"],
                package,
                version,
                {"arch": arch, "distro": f"{distro['ID']}-{distro['VERSION_ID']}"},
            ).to_string(),
            "supplier": {"name": distro["NAME"]},
            "properties": [],
        }
        bom["components"].append(component)
        bom["dependencies"].append({"ref": ref, "dependsOn": []})
        _depend(bom, ROOT_REF, ref)
    component["properties"].append({"name": "fireside:bundle-path", "value": path})


def _add_qt_file(qt: dict, path: str, bundled: Path) -> None:
    icu = Path(path).name.startswith("libicu")
    licence = {"license": {"id": ICU_LICENSE}} if icu else qt["licenses"][0]
    qt.setdefault("components", []).append(
        {
            "bom-ref": f"{qt['bom-ref']}:{path}",
            "type": "library",
            "name": Path(path).name,
            "version": qt["version"],
            "description": "ICU, as shipped in the PySide6 wheel"
            if icu
            else "Qt, as shipped in the PySide6 wheel",
            "hashes": [{"alg": "SHA-256", "content": _sha256(bundled)}],
            "licenses": [licence],
            "properties": [{"name": "fireside:bundle-path", "value": path}],
        }
    )


def _add_interpreter_file(bom: dict, path: str) -> None:
    version = platform.python_version()
    ref = f"cpython@{version}"
    component = _component(bom, ref)
    if component is None:
        component = {
            "bom-ref": ref,
            "type": "library",
            "name": "cpython",
            "version": version,
            "purl": PackageURL("generic", None, "cpython", version).to_string(),
            "licenses": [{"license": {"id": "PSF-2.0"}}],
            "properties": [],
        }
        bom["components"].append(component)
        bom["dependencies"].append({"ref": ref, "dependsOn": []})
        _depend(bom, ROOT_REF, ref)
    component["properties"].append({"name": "fireside:bundle-path", "value": path})


def _component(bom: dict, ref: str) -> dict | None:
    return next((c for c in bom["components"] if c["bom-ref"] == ref), None)


def _depend(bom: dict, ref: str, on: str) -> None:
    entry = next(d for d in bom["dependencies"] if d["ref"] == ref)
    if on not in entry["dependsOn"]:
        entry["dependsOn"].append(on)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as rows:
        return [row for row in csv.reader(rows, delimiter="\t") if row]


if __name__ == "__main__":
    main()
