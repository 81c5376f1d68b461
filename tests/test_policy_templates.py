"""The policy templates IT deploys agree with what Fireside reads: the ADMX/ADML pair is
well-formed and complete (every key, with its registry type; a Recommended variant for
each key users may change; every string and presentation defined), the MSI writes known
keys with accepted types, and the macOS profile and sample policy.json load cleanly."""

from __future__ import annotations

import plistlib
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

from app.policy import load_from
from app.policy.linux import PolicyFile
from app.policy.macos import DOMAIN, ManagedPreferences
from app.policy.schema import KEYS, RECOMMENDED, REG_DWORD, REG_MULTI_SZ, REG_SZ

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "packaging" / "policy"
NS = {"p": "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"}
POLICY_KEY = r"Software\Policies\Fireside"
#: What each ADMX element writes.
ELEMENT_TYPES = {"text": REG_SZ, "multiText": REG_MULTI_SZ, "decimal": REG_DWORD}
#: Both samples name an example CA file that does not exist here: their only error.
SAMPLE_CA_MISSING = "does not exist; that entry is ignored."


class Value(NamedTuple):
    key: str  # registry key path
    name: str  # value name
    registry_type: int
    category: str


def admx_values() -> list[Value]:
    """Every registry value the ADMX's policies write."""
    root = ET.parse(TEMPLATES / "fireside.admx").getroot()
    values = []
    for policy in root.iterfind("p:policies/p:policy", NS):
        key, category = policy.get("key"), policy.find("p:parentCategory", NS).get("ref")
        if policy.get("valueName"):  # an on/off policy: enabled 1, disabled 0
            assert policy.find("p:enabledValue/p:decimal", NS).get("value") == "1"
            assert policy.find("p:disabledValue/p:decimal", NS).get("value") == "0"
            values.append(Value(key, policy.get("valueName"), REG_DWORD, category))
        for element in policy.iterfind("p:elements/*", NS):
            kind = element.tag.split("}")[1]
            values.append(Value(key, element.get("valueName"), ELEMENT_TYPES[kind], category))
    return values


def test_every_key_is_enforceable_with_a_type_fireside_reads() -> None:
    enforced = {v.name: v for v in admx_values() if v.key == POLICY_KEY}
    assert set(enforced) == set(KEYS)
    for name, value in enforced.items():
        assert value.registry_type in KEYS[name].registry_types, name
        assert value.category == "Fireside"


def test_keys_users_may_change_have_a_recommended_variant_and_no_other() -> None:
    recommended = {v.name: v for v in admx_values() if v.key == rf"{POLICY_KEY}\{RECOMMENDED}"}
    assert set(recommended) == {name for name, key in KEYS.items() if key.recommendable}
    for name, value in recommended.items():
        assert value.registry_type in KEYS[name].registry_types, name
        assert value.category == "Fireside_Recommended"


def test_every_admx_value_is_a_known_key_under_the_policy_key() -> None:
    for value in admx_values():
        assert value.name in KEYS, value
        assert value.key in (POLICY_KEY, rf"{POLICY_KEY}\{RECOMMENDED}"), value


def test_the_adml_defines_every_string_and_presentation() -> None:
    admx = (TEMPLATES / "fireside.admx").read_text(encoding="utf-8")
    adml = ET.parse(TEMPLATES / "en-US" / "fireside.adml").getroot()
    strings = {s.get("id") for s in adml.iterfind("p:resources/p:stringTable/p:string", NS)}
    presentations = {
        p.get("id"): {child.get("refId") for child in p}
        for p in adml.iterfind("p:resources/p:presentationTable/p:presentation", NS)
    }
    assert set(re.findall(r"\$\(string\.(\w+)\)", admx)) <= strings
    root = ET.fromstring(admx)
    for policy in root.iterfind("p:policies/p:policy", NS):
        elements = {e.get("id") for e in policy.iterfind("p:elements/*", NS)}
        reference = policy.get("presentation")
        if not elements:
            assert reference is None
            continue
        presentation = re.fullmatch(r"\$\(presentation\.(\w+)\)", reference)[1]
        assert presentations[presentation] == elements, policy.get("name")


def test_policy_names_are_unique() -> None:
    root = ET.parse(TEMPLATES / "fireside.admx").getroot()
    names = [p.get("name") for p in root.iterfind("p:policies/p:policy", NS)]
    assert len(names) == len(set(names))


def test_the_msi_writes_known_keys_with_types_fireside_reads() -> None:
    wxs = ET.parse(ROOT / "packaging" / "windows" / "fireside.wxs").getroot()
    wix = {"w": "http://schemas.microsoft.com/wix/2006/wi"}
    types = {"integer": REG_DWORD, "string": REG_SZ}
    written = {
        value.get("Name"): types[value.get("Type")]
        for value in wxs.iterfind(".//w:RegistryValue", wix)
        if value.get("Key") == POLICY_KEY
    }
    assert set(written) == set(KEYS)
    for name, registry_type in written.items():
        assert registry_type in KEYS[name].registry_types, name


def test_the_mobileconfig_is_a_profile_of_forced_preferences(
    tmp_path: Path,
) -> None:
    with (TEMPLATES / f"{DOMAIN}.mobileconfig").open("rb") as file:
        profile = plistlib.load(file)
    assert profile["PayloadType"] == "Configuration"
    [payload] = profile["PayloadContent"]
    assert payload["PayloadType"] == "com.apple.ManagedClient.preferences"
    uuids = {profile["PayloadUUID"], payload["PayloadUUID"]}
    assert len(uuids) == 2 and all(re.fullmatch(r"[0-9A-F-]{36}", u) for u in uuids)
    [forced] = payload["PayloadContent"][DOMAIN]["Forced"]
    # What macOS writes to /Library/Managed Preferences, read back as Fireside does.
    (tmp_path / f"{DOMAIN}.plist").write_bytes(plistlib.dumps(forced["mcx_preference_settings"]))
    policy = load_from([ManagedPreferences(tmp_path, "nobody")])
    [error] = policy.errors
    assert ": ExtraCACertificates: " in error and error.endswith(SAMPLE_CA_MISSING)
    assert policy.value("ProxyUrl") == "http://proxy.example.com:3128"
    assert not policy.values["SyncIntervalMinutes"].locked


def test_the_sample_policy_json_sets_every_key(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    shutil.copy(TEMPLATES / "policy.json", path)
    path.chmod(0o644)
    tmp_path.chmod(0o755)
    policy = load_from([PolicyFile(path, owner_uid=path.stat().st_uid)])
    [error] = policy.errors
    assert ": ExtraCACertificates: " in error and error.endswith(SAMPLE_CA_MISSING)
    assert set(policy.values) == set(KEYS)
    assert policy.value("ExtraCACertificates") == []  # enforced, though its file is absent
    assert [a.name for a in policy.preset_accounts] == ["Company blog", "Leadership room"]
