"""Sample messages for the round-trip tests: for every action and direction a "maximal" JSON
(every optional field present, arrays of two elements, strings at their maxLength, the last enum
value, integers at their upper bound) and a "minimal" one (only required fields, arrays at their
minItems, empty strings, the first enum value, integers at their lower bound).

Maximal strings contain one two-byte character ("é"), so that a string at its maxLength has more
bytes than characters: the limit is in characters (JSON Schema draft-07 validation §6.3.1).
Date-times are UTC with milliseconds, the form ocpp::DateTime writes, so the JSON text survives a
round trip unchanged.
"""
from __future__ import annotations

import json

from cpp_emit import banner
from schema_model import Alias, ArrayOf, EnumType, Protocol, Scalar, StructType

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
MAXIMAL_DATE_TIME = "2026-11-24T09:30:00.123Z"
MINIMAL_DATE_TIME = "2026-01-01T00:00:00.000Z"
RAW_SAMPLE = {"vendorKey": [1, "two", True, None, 2.5], "nested": {"a": "b"}}
UNLIMITED_STRING_LENGTH = 24
RAW_DELIMITER = "json"


def _text(seed: str, length: int) -> str:
    """`length` characters derived from the field name, the last one two bytes long."""
    if length <= 0:
        return ""
    body = ((seed + "-") * (length // (len(seed) + 1) + 1))[: length - 1]
    return body + "é"


def sample(ref, name: str, maximal: bool):
    if isinstance(ref, Alias):
        ref = ref.target
    if isinstance(ref, Scalar):
        return _scalar(ref, name, maximal)
    if isinstance(ref, ArrayOf):
        if maximal:
            count = 2 if ref.max_items is None else min(2, ref.max_items)
            count = max(count, ref.min_items)
        else:
            count = ref.min_items
        return [sample(ref.item, name, maximal) for _ in range(count)]
    if isinstance(ref, EnumType):
        return ref.values[-1] if maximal else ref.values[0]
    if isinstance(ref, StructType):
        return {
            f.json_name: sample(f.type, f.json_name, maximal)
            for f in ref.fields
            if maximal or f.required
        }
    raise TypeError(f"no sample for {ref!r}")


def _scalar(ref: Scalar, name: str, maximal: bool):
    if ref.kind == "int32":
        if maximal:
            return INT32_MAX if ref.maximum is None else int(ref.maximum)
        return INT32_MIN if ref.minimum is None else int(ref.minimum)
    if ref.kind == "double":
        if maximal:
            return 1234.5 if ref.maximum is None else float(ref.maximum)
        return -0.5 if ref.minimum is None else float(ref.minimum)
    if ref.kind == "bool":
        return maximal
    if ref.kind == "datetime":
        return MAXIMAL_DATE_TIME if maximal else MINIMAL_DATE_TIME
    if ref.kind == "raw":
        return RAW_SAMPLE if maximal else "text"
    if ref.kind == "string":
        if not maximal:
            return ""
        return _text(name, ref.max_length or UNLIMITED_STRING_LENGTH)
    raise TypeError(f"no sample for scalar kind {ref.kind}")


def _literal(document) -> str:
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    if f"){RAW_DELIMITER}\"" in text:
        raise ValueError("sample JSON contains the raw string delimiter")
    return f'R"{RAW_DELIMITER}({text}){RAW_DELIMITER}"'


def fixtures_header(protocol: Protocol, source: str) -> str:
    ns = protocol.namespace
    out = [
        banner(source),
        "#pragma once",
        f"// Sample JSON of every ocpp::{ns} message, for tests/unit/messages round trips.",
        "// Test data: not installed.",
        "#include <vector>\n",
        '#include "ocpp/messages/round_trip.hpp"',
        f'#include "ocpp/{ns}/messages.hpp"\n',
        f"namespace ocpp::{ns}::fixtures {{\n",
        "inline const std::vector<ocpp::MessageFixture>& message_fixtures() {",
        "  static const std::vector<ocpp::MessageFixture> all{",
    ]
    for message in protocol.messages:
        maximal = _literal(sample(message, "", True))
        minimal = _literal(sample(message, "", False))
        out.append(
            f'      {{"{message.action}", "{message.direction}",\n'
            f"       {maximal},\n"
            f"       {minimal},\n"
            f"       &ocpp::round_trip_mismatch<{message.name}>}},"
        )
    out.append("  };")
    out.append("  return all;")
    out.append("}\n")
    out.append(f"}}  // namespace ocpp::{ns}::fixtures\n")
    return "\n".join(out)
