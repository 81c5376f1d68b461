"""Make wixl (msitools 0.101) build from fireside.wxs the MSI that the WiX Toolset builds.

    python wixl_compat.py prepare SOURCE.wxs WIXL_INPUT.wxs   # before wixl
    python wixl_compat.py fix SOURCE.wxs BUILT.msi            # after wixl

wixl is how the MSI is built and checked on Linux (build-msi.sh); fireside.wxs stays plain
WiX v3 for the release build on Windows. Three gaps in wixl 0.101, each found by reading
the tables of what it built (msiinfo export):

- it aborts on a Condition inside a Component ("unhandled child Component node
  Condition"): `prepare` leaves them out, `fix` writes them into the Component table;
- it writes Root=4 for HKMU, a value Windows Installer does not define (HKMU is -1):
  `fix` corrects the Registry table;
- it ignores Property/@Secure, so SecureCustomProperties lists only its upgrade
  properties: `fix` adds the secure ones;
- it ignores MajorUpgrade/@AllowSameVersionUpgrades: `fix` makes the upgrade row's
  maximum version inclusive, as WiX does.

Both steps read the conditions and secure properties from SOURCE, so there is one list.
`fix` reads the tables back and fails if they are not as intended.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

WIX_NS = "http://schemas.microsoft.com/wix/2006/wi"
WIXL_HKMU, MSI_HKMU = 4, -1
#: Upgrade table attribute: the maximum version is included in the range.
VERSION_MAX_INCLUSIVE = 512


def _tag(name: str) -> str:
    return f"{{{WIX_NS}}}{name}"


def _parse(source: Path) -> ET.ElementTree:
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True, insert_pis=True))
    return ET.parse(source, parser)


def component_conditions(tree: ET.ElementTree) -> dict[str, str]:
    """Component id -> its condition, for every Component with a Condition child."""
    found = {}
    for component in tree.iter(_tag("Component")):
        for condition in component.findall(_tag("Condition")):
            text = " ".join((condition.text or "").split())
            if "'" in text:  # it goes into an SQL string literal below
                raise SystemExit(f"wixl_compat.py: a quote in {component.get('Id')}'s condition")
            found[component.get("Id")] = text
    return found


def secure_properties(tree: ET.ElementTree) -> list[str]:
    return [p.get("Id") for p in tree.iter(_tag("Property")) if p.get("Secure") == "yes"]


def prepare(source: Path, target: Path) -> None:
    ET.register_namespace("", WIX_NS)
    tree = _parse(source)
    for component in tree.iter(_tag("Component")):
        for condition in component.findall(_tag("Condition")):
            component.remove(condition)
    for prop in tree.iter(_tag("Property")):
        prop.attrib.pop("Secure", None)
    for upgrade in tree.iter(_tag("MajorUpgrade")):
        upgrade.attrib.pop("AllowSameVersionUpgrades", None)
    tree.write(target, encoding="utf-8", xml_declaration=True)


def _table(msi: Path, table: str) -> list[list[str]]:
    """The rows of ``table`` (msiinfo export: three header lines, then tab-separated)."""
    out = subprocess.run(
        ["msiinfo", "export", str(msi), table],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return [line.split("\t") for line in out.splitlines()[3:]]


def _insert(table: str, row: dict[str, str | int]) -> str:
    """An INSERT of the non-empty values of ``row`` (the other columns stay null)."""
    row = {column: value for column, value in row.items() if value != ""}
    columns = ", ".join(f"`{column}`" for column in row)
    values = ", ".join(str(v) if isinstance(v, int) else f"'{v}'" for v in row.values())
    return f"INSERT INTO `{table}` ({columns}) VALUES ({values})"


def _same_version_upgrades(msi: Path) -> list[str]:
    """Queries that make the major-upgrade row's maximum version inclusive. Attributes is
    part of the Upgrade table's primary key, which SQL cannot UPDATE: delete and insert."""
    queries = []
    columns = ("UpgradeCode", "VersionMin", "VersionMax", "Language", "Attributes", "Remove")
    for row in _table(msi, "Upgrade"):
        if row[6] == "WIX_UPGRADE_DETECTED":
            values: dict[str, str | int] = dict(zip(columns, row[:6], strict=True))
            values["Attributes"] = int(row[4]) | VERSION_MAX_INCLUSIVE
            values["ActionProperty"] = row[6]
            queries += [
                "DELETE FROM `Upgrade` WHERE `ActionProperty` = 'WIX_UPGRADE_DETECTED'",
                _insert("Upgrade", values),
            ]
    return queries


def fix(source: Path, msi: Path) -> None:
    tree = _parse(source)
    conditions = component_conditions(tree)
    properties = dict(row[:2] for row in _table(msi, "Property"))
    secure = properties.get("SecureCustomProperties", "").split(";")
    secure = ";".join(dict.fromkeys([p for p in secure if p] + secure_properties(tree)))
    queries = [
        f"UPDATE `Registry` SET `Root` = {MSI_HKMU} WHERE `Root` = {WIXL_HKMU}",
        "DELETE FROM `Property` WHERE `Property` = 'SecureCustomProperties'",
        _insert("Property", {"Property": "SecureCustomProperties", "Value": secure}),
    ]
    queries += [
        f"UPDATE `Component` SET `Condition` = '{condition}' WHERE `Component` = '{component}'"
        for component, condition in conditions.items()
    ]
    if any(u.get("AllowSameVersionUpgrades") == "yes" for u in tree.iter(_tag("MajorUpgrade"))):
        queries += _same_version_upgrades(msi)
    command = ["msibuild", str(msi)]
    for query in queries:
        command += ["-q", query]
    subprocess.run(command, check=True, timeout=60)

    written = {row[0]: row[4] for row in _table(msi, "Component")}
    wrong = {c: written.get(c) for c, cond in conditions.items() if written.get(c) != cond}
    if wrong:
        raise SystemExit(f"wixl_compat.py: conditions not written as intended: {wrong}")
    if any(int(row[1]) == WIXL_HKMU for row in _table(msi, "Registry")):
        raise SystemExit("wixl_compat.py: a Registry row still has Root=4")


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("prepare", "fix"):
        raise SystemExit(__doc__.split("\n\n")[1])
    step, source, other = argv[0], Path(argv[1]), Path(argv[2])
    (prepare if step == "prepare" else fix)(source, other)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
