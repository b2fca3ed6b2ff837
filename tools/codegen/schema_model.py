"""Reading one OCPP schema file into a model of C++ types.

Input: a JSON array of JSON-schema objects whose `$id` is `urn:<Action>.req` or `urn:<Action>.conf`
(the ocpp-rpc files: draft-07 files using draft-4 keywords). OCPP 2.0.1 names every nested type in
`definitions` and refers to it with `$ref: "#/definitions/X"`; OCPP 1.6 writes nested objects and
enums inline (only its security-extension messages use `definitions`).

Output: a `Protocol` with its messages (one `StructType` per action and direction) and every named
type they use, each once, in dependency order.

Naming rules:
- a type from `definitions` keeps its definition name (`IdTokenType`); if two actions define the
  same name with different shapes, both are qualified with their action name;
- an inline type is named after its property in PascalCase (`idTagInfo` -> `IdTagInfo`); when
  different shapes would get the same name, every one of them is qualified with its owner: the
  action for a property of the message itself (`BootNotificationStatus`), otherwise the enclosing
  type (`IdTagInfoStatus`), so that a shape shared by several actions keeps one name;
- an inline type whose shape equals one already named under another name (1.6 StopTransaction's
  `transactionData` and MeterValues' `meterValue`) becomes an alias of the first.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Optional, Union

from cpp_names import MESSAGE_RESERVED, member_name, pascal_case

ID_PATTERN = re.compile(r"^urn:([A-Za-z0-9]+)\.(req|conf)$")
DIRECTIONS = {"req": "Request", "conf": "Response"}


@dataclass(frozen=True)
class Scalar:
    """A JSON value mapped onto a fixed C++ type."""

    kind: str  # "int32", "double", "bool", "string", "datetime", "raw"
    max_length: Optional[int] = None  # strings: schema maxLength (in characters)
    minimum: Optional[Union[int, float]] = None
    maximum: Optional[Union[int, float]] = None

    def key(self):
        return ("scalar", self.kind, self.max_length, self.minimum, self.maximum)


@dataclass
class ArrayOf:
    item: "TypeRef"
    min_items: int = 0
    max_items: Optional[int] = None

    def key(self):
        return ("array", self.item.key(), self.min_items, self.max_items)


@dataclass
class Field:
    json_name: str
    cpp_name: str
    type: "TypeRef"
    required: bool
    default: object = None  # the schema's `default`, shown in a comment only


@dataclass(eq=False)
class EnumType:
    name: str
    values: list

    def key(self):
        return ("enum", tuple(self.values))


@dataclass(eq=False)
class StructType:
    name: str
    fields: list = field(default_factory=list)
    action: Optional[str] = None  # set on message structs
    direction: Optional[str] = None  # "Request" or "Response" on message structs

    def key(self):
        return ("struct", tuple((f.json_name, f.required, f.type.key()) for f in self.fields))

    @property
    def is_message(self) -> bool:
        return self.action is not None


@dataclass(eq=False)
class Alias:
    """`using name = target;` for a 1.6 inline type identical to one already named."""

    name: str
    target: Union[EnumType, StructType]

    def key(self):
        return self.target.key()


TypeRef = Union[Scalar, ArrayOf, EnumType, StructType, Alias]


@dataclass
class Protocol:
    namespace: str  # "v16", "v201"
    actions: list  # action names in schema order
    messages: list  # StructType per action and direction: Request then Response
    types: list  # EnumType / StructType / Alias in dependency order (messages excluded)


# ---------------------------------------------------------------------------------------------
# Pass 1: a tree of type nodes, named later.


@dataclass(eq=False)
class _Node:
    """A nested enum or object of some message, before it has its final name."""

    candidate: str  # definition name, or PascalCase of the property name
    from_definition: bool
    action: str
    owner: Optional["_Node"]  # None when the property belongs to the message itself
    message_name: str  # "<Action>Request" / "<Action>Response"
    schema: dict
    fields: list = field(default_factory=list)  # (json_name, required, ref, default)
    enum_values: Optional[list] = None
    name: Optional[str] = None

    def key(self):
        if self.enum_values is not None:
            return ("enum", tuple(self.enum_values))
        return ("struct", tuple((n, r, _ref_key(t)) for n, r, t, _ in self.fields))


def _ref_key(ref):
    if isinstance(ref, _Node):
        return ref.key()
    if isinstance(ref, tuple) and ref[0] == "array":
        return ("array", _ref_key(ref[1]), ref[2], ref[3])
    return ref.key()


class _TreeBuilder:
    def __init__(self):
        self.nodes: list[_Node] = []

    def message(self, action: str, direction: str, schema: dict) -> list:
        """The message's fields as (json_name, required, ref, default) tuples."""
        return self._fields(schema, action, None, action + direction, schema)

    def _fields(self, obj: dict, action, owner, message_name, root):
        required = set(obj.get("required", []))
        fields = []
        for name, prop in obj.get("properties", {}).items():
            ref = self._ref(prop, name, action, owner, message_name, root)
            fields.append((name, name in required, ref, prop.get("default")))
        unknown = required - set(obj.get("properties", {}))
        if unknown:
            raise ValueError(f"{message_name}: required but not defined: {sorted(unknown)}")
        return fields

    def _ref(self, prop: dict, prop_name, action, owner, message_name, root):
        if "$ref" in prop:
            target = prop["$ref"]
            prefix = "#/definitions/"
            if not target.startswith(prefix):
                raise ValueError(f"{message_name}.{prop_name}: unsupported $ref {target}")
            def_name = target[len(prefix):]
            definition = root["definitions"][def_name]
            return self._node(definition, def_name, True, action, owner, message_name, root)
        kind = prop.get("type")
        if kind is None:
            # No type at all (2.0.1 DataTransfer `data`): any JSON value.
            return Scalar("raw")
        if kind == "array":
            item = self._ref(prop["items"], prop_name, action, owner, message_name, root)
            return ("array", item, prop.get("minItems", 0), prop.get("maxItems"))
        if kind == "object" or "enum" in prop:
            name = pascal_case(prop_name)
            return self._node(prop, name, False, action, owner, message_name, root)
        if kind == "integer":
            return Scalar("int32", minimum=prop.get("minimum"), maximum=prop.get("maximum"))
        if kind == "number":
            return Scalar("double", minimum=prop.get("minimum"), maximum=prop.get("maximum"))
        if kind == "boolean":
            return Scalar("bool")
        if kind == "string":
            if prop.get("format") == "date-time":
                return Scalar("datetime")
            # `format: uri` (1.6 firmware/diagnostics locations) stays a plain string.
            return Scalar("string", max_length=prop.get("maxLength"))
        raise ValueError(f"{message_name}.{prop_name}: unsupported type {kind!r}")

    def _node(self, schema, candidate, from_definition, action, owner, message_name, root):
        node = _Node(candidate, from_definition, action, owner, message_name, schema)
        self.nodes.append(node)
        if "enum" in schema:
            if schema.get("type") != "string":
                raise ValueError(f"{message_name}: enum {candidate} is not of type string")
            node.enum_values = list(schema["enum"])
        elif schema.get("type") == "object":
            node.fields = self._fields(schema, action, node, message_name, root)
        else:
            raise ValueError(f"{message_name}: definition {candidate} is neither enum nor object")
        return node


# ---------------------------------------------------------------------------------------------
# Pass 2: names.


def _assign_names(nodes: list[_Node]) -> None:
    shapes_by_candidate: dict[tuple, set] = {}
    for node in nodes:
        shapes_by_candidate.setdefault((node.from_definition, node.candidate), set()).add(node.key())

    def ambiguous(node: _Node) -> bool:
        return len(shapes_by_candidate[(node.from_definition, node.candidate)]) > 1

    # A request and a response of one action may still have different shapes under one
    # action-qualified name; those are qualified with the full message name instead.
    shapes_by_action_name: dict[str, set] = {}
    for node in nodes:
        if ambiguous(node) and (node.from_definition or node.owner is None):
            shapes_by_action_name.setdefault(node.action + node.candidate, set()).add(node.key())

    # Nodes are created parent first, so an owner is always named before what it owns.
    for node in nodes:
        if not ambiguous(node):
            node.name = node.candidate
        elif node.from_definition or node.owner is None:
            node.name = node.action + node.candidate
            if len(shapes_by_action_name[node.name]) > 1:
                node.name = node.message_name + node.candidate
        else:
            node.name = node.owner.name + node.candidate

    shapes_by_name: dict[str, set] = {}
    for node in nodes:
        shapes_by_name.setdefault(node.name, set()).add(node.key())
    clashes = sorted(name for name, shapes in shapes_by_name.items() if len(shapes) > 1)
    if clashes:
        raise ValueError(f"cannot give distinct names to different shapes: {clashes}")


# ---------------------------------------------------------------------------------------------
# Pass 3: one C++ type per (name, shape), aliases, dependency order.


class _TypeTable:
    def __init__(self):
        self.by_name: dict[str, Union[EnumType, StructType, Alias]] = {}
        self.inline_by_shape: dict[tuple, Union[EnumType, StructType]] = {}
        self.ordered: list = []  # dependency order: a type after everything it uses

    def resolve(self, ref):
        if isinstance(ref, Scalar):
            return ref
        if isinstance(ref, tuple):  # ("array", item, min, max)
            return ArrayOf(self.resolve(ref[1]), ref[2], ref[3])
        return self._named(ref)

    def _named(self, node: _Node):
        existing = self.by_name.get(node.name)
        if existing is not None:
            return existing
        if not node.from_definition:
            same_shape = self.inline_by_shape.get(node.key())
            if same_shape is not None:
                alias = Alias(node.name, same_shape)
                self.by_name[node.name] = alias
                self.ordered.append(alias)
                return alias
        if node.enum_values is not None:
            made = EnumType(node.name, node.enum_values)
        else:
            made = StructType(node.name)
            made.fields = [self.field_of(f) for f in node.fields]
        self.by_name[node.name] = made
        if not node.from_definition:
            self.inline_by_shape.setdefault(node.key(), made)
        self.ordered.append(made)
        return made

    def field_of(self, raw, reserved=frozenset()) -> Field:
        json_name, required, ref, default = raw
        cpp_name = member_name(json_name, reserved)
        return Field(json_name, cpp_name, self.resolve(ref), required, default)


def load_protocol(namespace: str, schema_path: str) -> Protocol:
    with open(schema_path, encoding="utf-8") as f:
        schemas = json.load(f)

    builder = _TreeBuilder()
    raw_messages = []  # (action, direction, raw fields)
    actions = []
    for schema in schemas:
        match = ID_PATTERN.match(schema.get("$id", ""))
        if not match:
            raise ValueError(f"{schema_path}: unexpected $id {schema.get('$id')!r}")
        action, direction = match.group(1), DIRECTIONS[match.group(2)]
        if action not in actions:
            actions.append(action)
        raw_messages.append((action, direction, builder.message(action, direction, schema)))

    for action in actions:
        present = {d for a, d, _ in raw_messages if a == action}
        if present != {"Request", "Response"}:
            raise ValueError(f"{schema_path}: {action} lacks a request or a response schema")

    _assign_names(builder.nodes)
    table = _TypeTable()
    messages = []
    order = {"Request": 0, "Response": 1}
    for action, direction, raw_fields in sorted(
        raw_messages, key=lambda m: (actions.index(m[0]), order[m[1]])
    ):
        struct = StructType(action + direction, action=action, direction=direction)
        struct.fields = [table.field_of(f, MESSAGE_RESERVED) for f in raw_fields]
        messages.append(struct)

    message_names = {m.name for m in messages}
    clashes = sorted(message_names & set(table.by_name))
    if clashes:
        raise ValueError(f"{schema_path}: type names clash with message names: {clashes}")
    return Protocol(namespace, actions, messages, table.ordered)
