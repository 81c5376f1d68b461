"""Extract, from Microsoft's published Microsoft Graph v1.0 description, the paths and
schemas the Teams connector uses, into ``descriptions/graph-teams-v1.json``.

Source: the microsoftgraph/msgraph-metadata repository, ``clean_v10_metadata/
cleanMetadata.xml``: the CSDL (OData's schema language) that the repository's
``openapi/v1.0/openapi.yaml`` is generated from. The OpenAPI file itself is over 4 MiB
and absent from the snapshot this project can fetch; its paths and schemas are derived
from this CSDL by the same OData conventions applied here (OpenAPI.NET.OData):

- a path is a walk from the service root (the ``me`` singleton, the ``teams`` entity set)
  through navigation properties, keys (``{chatMessage-id}``), bound functions (GET,
  ``delta()``) and bound actions (POST, ``softDelete``); each step must exist in the
  model or the extraction fails;
- a contained collection allows GET and POST (201 with the entity), an entity by key GET
  and PATCH (204), a function GET, an action POST (204);
- an entity's schema holds its structural properties and those of its base types; a
  property is nullable unless ``Nullable="false"``; ``Edm.DateTimeOffset`` is an ISO 8601
  string; an enum is its members' names (a flags enum, several joined by commas); an
  open type (``OpenType="true"``) takes more properties, any other does not, unless the
  value names a type deriving from it in "@odata.type" (``targetedChatMessage``);
  annotations ("@odata.type", "replies@odata.nextLink") are always allowed; a
  navigation property appears only where the connector asks for it with ``$expand``
  (``chatMessage.replies``, ``user.manager``), described whole.

Types reached only from ``user``, ``team`` and ``channel`` (licences, schedules...) are
described one level deep: their properties' names and JSON kinds, not their insides, to
keep the file small; everything a chatMessage holds is described whole.

Run: ``python tests/contracts/extract_graph_contract.py GIT_DIR [COMMIT]`` with the
repository's git directory (the ``fetch`` tool's snapshot); it reads the file at COMMIT
(default HEAD) with ``git show`` and writes the JSON, naming the repository and commit.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

#: Where the extracted descriptions live (read by ``checker.py``).
DESCRIPTIONS = Path(__file__).parent / "descriptions"

REPOSITORY = "microsoftgraph/msgraph-metadata"
SOURCE_FILE = "clean_v10_metadata/cleanMetadata.xml"
OUTPUT = DESCRIPTIONS / "graph-teams-v1.json"
EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
#: Entity types described whole (with every type they reach), and those one level deep.
WHOLE = ("microsoft.graph.chatMessage",)
SHALLOW = ("microsoft.graph.user", "microsoft.graph.team", "microsoft.graph.channel")
#: Navigation properties the connector expands (described whole wherever they appear).
EXPANDED = {"microsoft.graph.chatMessage": ("replies",), "microsoft.graph.user": ("manager",)}
#: The routes the connector calls, as walks from the service root.
MESSAGES = ("teams", "{team-id}", "channels", "{channel-id}", "messages")
MESSAGE = (*MESSAGES, "{chatMessage-id}")
REPLY = (*MESSAGE, "replies", "{chatMessage-id1}")
ROUTES = (
    ("me",),
    ("me", "joinedTeams"),
    MESSAGES[:3],
    MESSAGES,
    (*MESSAGES, "delta()"),
    MESSAGE,
    (*MESSAGE, "softDelete"),
    (*MESSAGE, "replies"),
    REPLY,
    (*REPLY, "softDelete"),
    ("users", "{user-id}"),  # a person's title and manager chain ($expand=manager)
    ("users", "{user-id}", "manager"),
)
#: OpenAPI.NET.OData's pattern for Edm.DateTimeOffset.
DATE_TIME = (
    r"^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]"
    r":[0-5][0-9]([.][0-9]{1,12})?(Z|[+-][0-9][0-9]:[0-9][0-9])$"
)
PRIMITIVES: dict[str, dict[str, Any]] = {
    "Edm.String": {"type": "string"},
    "Edm.Boolean": {"type": "boolean"},
    "Edm.Int32": {"type": "integer", "minimum": -2147483648, "maximum": 2147483647},
    "Edm.Int64": {"type": "integer"},
    "Edm.Double": {"type": "number"},
    "Edm.DateTimeOffset": {"type": "string", "pattern": DATE_TIME},
    "Edm.Date": {"type": "string", "pattern": r"^[0-9]{4,}-[0-9]{2}-[0-9]{2}$"},
    "Edm.Guid": {"type": "string", "pattern": r"^[0-9a-fA-F-]{36}$"},
    "Edm.Binary": {"type": "string"},
    "Edm.Duration": {"type": "string"},
    "Edm.TimeOfDay": {"type": "string"},
    "Edm.Stream": {"type": "string"},
}
ANNOTATIONS = {"^@|@odata\\.": {}}


class Model:
    """The CSDL's types, by qualified name, with aliases resolved."""

    def __init__(self, root: ET.Element) -> None:
        self.types: dict[str, ET.Element] = {}
        self.aliases: dict[str, str] = {}
        self.bound: list[ET.Element] = []  # bound Functions and Actions
        self.container: ET.Element | None = None
        schemas = list(root.iter(f"{EDM}Schema"))
        for schema in schemas:
            if schema.get("Alias"):
                self.aliases[schema.get("Alias", "")] = schema.get("Namespace", "")
        for schema in schemas:
            namespace = schema.get("Namespace", "")
            for child in schema:
                tag = child.tag.removeprefix(EDM)
                if tag in ("EntityType", "ComplexType", "EnumType"):
                    self.types[f"{namespace}.{child.get('Name')}"] = child
                elif tag in ("Function", "Action") and child.get("IsBound") == "true":
                    self.bound.append(child)
                elif tag == "EntityContainer":
                    self.container = child

    def qualified(self, name: str) -> str:
        prefix, _, rest = name.rpartition(".")
        return f"{self.aliases.get(prefix, prefix)}.{rest}"

    def type(self, name: str) -> ET.Element:
        found = self.types.get(self.qualified(name))
        if found is None:
            raise SystemExit(f"{name} is not in the model")
        return found

    def properties(self, name: str) -> list[ET.Element]:
        """Structural and navigation properties of a type and its base types."""
        element = self.type(name)
        base = element.get("BaseType")
        inherited = self.properties(base) if base else []
        own = [c for c in element if c.tag in (f"{EDM}Property", f"{EDM}NavigationProperty")]
        return inherited + own

    def is_open(self, name: str) -> bool:
        element = self.type(name)
        base = element.get("BaseType")
        return element.get("OpenType") == "true" or (base is not None and self.is_open(base))

    def derived(self, name: str) -> list[str]:
        """The "@odata.type" of every type deriving from ``name``, at any depth."""
        found = []
        for qualified, element in self.types.items():
            base = element.get("BaseType")
            while base is not None:
                if self.qualified(base) == name:
                    found.append(f"#{qualified}")
                    break
                base = self.type(base).get("BaseType")
        return sorted(found)

    def root(self, segment: str) -> tuple[str, bool]:
        """A service-root segment: (entity type, is a collection)."""
        assert self.container is not None
        for child in self.container:
            if child.get("Name") == segment:
                if child.tag == f"{EDM}Singleton":
                    return self.qualified(child.get("Type", "")), False
                if child.tag == f"{EDM}EntitySet":
                    return self.qualified(child.get("EntityType", "")), True
        raise SystemExit(f"the service root has no {segment!r}")

    def operation(self, name: str, binding: str) -> ET.Element:
        """The bound function or action ``name`` whose binding parameter is ``binding``."""
        for element in self.bound:
            if element.get("Name") != name:
                continue
            first = next(iter(element.iter(f"{EDM}Parameter")), None)
            if first is not None and self._same(first.get("Type", ""), binding):
                return element
        raise SystemExit(f"no {name} is bound to {binding}")

    def _same(self, one: str, other: str) -> bool:
        collection = one.startswith("Collection(") == other.startswith("Collection(")
        return collection and self.qualified(_inner(one)) == self.qualified(_inner(other))


def _inner(odata_type: str) -> str:
    """The element type of ``Collection(T)``, or the type itself."""
    return odata_type.removeprefix("Collection(").removesuffix(")")


def walk(model: Model, route: tuple[str, ...]) -> dict[str, Any]:
    """The path template, the type it ends on and the methods OData's conventions give."""
    entity, collection = model.root(route[0])
    kind = "collection" if collection else "singleton"
    for segment in route[1:]:
        if segment.startswith("{"):
            if not collection:
                raise SystemExit(f"{segment} keys no collection in {route}")
            collection, kind = False, "entity"
            continue
        if segment.endswith("()"):
            binding = f"Collection({entity})" if collection else entity
            function = model.operation(segment[:-2], binding)
            returns = next(iter(function.iter(f"{EDM}ReturnType"))).get("Type", "")
            entity = model.qualified(_inner(returns))
            collection, kind = returns.startswith("Collection("), "function"
            continue
        navigation = next(
            (
                p
                for p in model.properties(entity)
                if p.get("Name") == segment and "Navigation" in p.tag
            ),
            None,
        )
        if navigation is not None:
            target = navigation.get("Type", "")
            entity = model.qualified(_inner(target))
            collection = target.startswith("Collection(")
            kind = "collection" if collection else "entity"
            continue
        model.operation(segment, f"Collection({entity})" if collection else entity)
        kind = "action"
    methods = {
        "collection": {"GET": {"200": "collection"}, "POST": {"request": entity, "201": "entity"}},
        "singleton": {"GET": {"200": "entity"}},
        "entity": {"GET": {"200": "entity"}, "PATCH": {"request": entity, "204": None}},
        "function": {"GET": {"200": "collection" if collection else "entity"}},
        "action": {"POST": {"204": None}},
    }[kind]
    return {"path": "/" + "/".join(route), "schema": entity, "operations": methods}


class Schemas:
    """JSON Schemas of the types the routes reach."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.out: dict[str, Any] = {}

    def add(self, name: str, whole: bool) -> str:
        qualified = self.model.qualified(name)
        if qualified in self.out:
            return qualified
        element = self.model.type(qualified)
        self.out[qualified] = {}  # reserved: types refer to themselves (chatMessage.replies)
        if element.tag == f"{EDM}EnumType":
            members = [m.get("Name") or "" for m in element.iter(f"{EDM}Member")]
            if element.get("IsFlags") == "true":  # several members, comma-separated
                one = "|".join(members)
                pattern = f"^({one})(,({one}))*$"
                self.out[qualified] = {"type": "string", "pattern": pattern}
            else:
                self.out[qualified] = {"type": "string", "enum": members}
            return qualified
        properties: dict[str, Any] = {}
        expanded = EXPANDED.get(qualified, ())
        for prop in self.model.properties(qualified):
            is_navigation = "Navigation" in prop.tag
            if is_navigation and prop.get("Name") not in expanded:
                continue
            nullable = prop.get("Nullable") != "false" and not is_navigation
            properties[prop.get("Name", "")] = self.of(
                prop.get("Type", ""), nullable, whole or is_navigation
            )
        closed = {
            "type": "object",
            "properties": properties,
            "patternProperties": ANNOTATIONS,
            "additionalProperties": self.model.is_open(qualified),
        }
        derived = self.model.derived(qualified)
        if not derived:
            self.out[qualified] = closed
        else:  # a value of a derived type says so, and has properties of its own
            named = {"required": ["@odata.type"], "properties": {"@odata.type": {"enum": derived}}}
            self.out[qualified] = {
                "if": named,
                "then": {**closed, "additionalProperties": True},
                "else": closed,
            }
            # a derived type described here is held to its own schema (a manager, a
            # directoryObject, whose "@odata.type" is #microsoft.graph.user)
            if held := [
                {
                    "if": {
                        "required": ["@odata.type"],
                        "properties": {"@odata.type": {"const": d}},
                    },
                    "then": {"$ref": f"#/schemas/{d[1:]}"},
                }
                for d in derived
                if d[1:] in self.out
            ]:
                self.out[qualified]["allOf"] = held
        return qualified

    def of(self, odata_type: str, nullable: bool, whole: bool) -> dict[str, Any]:
        if odata_type.startswith("Collection("):
            inner = self.of(odata_type[len("Collection(") : -1], False, whole)
            return {"type": "array", "items": inner}
        if odata_type in PRIMITIVES:
            schema = dict(PRIMITIVES[odata_type])
        elif whole or self.model.type(odata_type).tag == f"{EDM}EnumType":
            schema = {"$ref": f"#/schemas/{self.add(odata_type, whole)}"}
        else:
            schema = {"type": "object"}
        return {"anyOf": [schema, {"type": "null"}]} if nullable else schema


def extract(csdl: bytes, commit: str) -> dict[str, Any]:
    model = Model(ET.fromstring(csdl))
    schemas = Schemas(model)
    for name in WHOLE:
        schemas.add(name, whole=True)
    for name in SHALLOW:
        schemas.add(name, whole=False)
    return {
        "source": {
            "repository": REPOSITORY,
            "commit": commit,
            "file": SOURCE_FILE,
            "note": "Extracted by tests/contracts/extract_graph_contract.py; do not edit.",
        },
        "paths": [walk(model, route) for route in ROUTES],
        "schemas": dict(sorted(schemas.out.items())),
    }


def main(argv: list[str]) -> None:
    git_dir, commit = argv[1], argv[2] if len(argv) > 2 else "HEAD"

    def git(*args: str) -> bytes:
        command = ["git", "--git-dir", git_dir, *args]
        return subprocess.run(command, check=True, capture_output=True).stdout

    full = git("rev-parse", commit).decode().strip()
    csdl = git("show", f"{full}:{SOURCE_FILE}")
    contract = extract(csdl, full)
    OUTPUT.write_text(json.dumps(contract, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{OUTPUT}: {len(contract['paths'])} paths, {len(contract['schemas'])} schemas")


if __name__ == "__main__":
    main(sys.argv)
