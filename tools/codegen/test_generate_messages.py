"""Unit tests of the message generator's rules that the OCPP schemas do not all exercise today
(a leading digit in an enum value, a request and a response with different shapes under one name).
Run: python3 -m unittest discover -s tools/codegen -p 'test_*.py'
"""
import json
import os
import tempfile
import unittest

import cpp_emit
from cpp_names import enumerator_name, member_name, MESSAGE_RESERVED
from schema_model import Alias, load_protocol


def protocol_of(schemas):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(schemas, f)
    try:
        return load_protocol("vtest", f.name)
    finally:
        os.unlink(f.name)


def message(action, kind, properties, required=()):
    return {
        "$id": f"urn:{action}.{kind}",
        "type": "object",
        "properties": properties,
        "required": list(required),
    }


STATUS_AB = {"type": "string", "enum": ["A", "B"]}
STATUS_CD = {"type": "string", "enum": ["C", "D"]}


class Names(unittest.TestCase):
    def test_enumerators(self):
        self.assertEqual(enumerator_name("Current.Import"), "Current_Import")
        self.assertEqual(enumerator_name("L1-N"), "L1_N")
        self.assertEqual(enumerator_name("15118"), "_15118")
        self.assertEqual(enumerator_name("delete"), "delete_")

    def test_reserved_members(self):
        self.assertEqual(member_name("action", MESSAGE_RESERVED), "action_")
        self.assertEqual(member_name("action"), "action")
        self.assertEqual(member_name("class"), "class_")


class InlineTypes(unittest.TestCase):
    def test_conflicting_shapes_are_qualified_by_owner(self):
        info = {"type": "object", "properties": {"status": STATUS_AB}, "required": ["status"]}
        p = protocol_of([
            message("One", "req", {"status": STATUS_CD}),
            message("One", "conf", {"idTagInfo": info}),
            message("Two", "req", {}),
            message("Two", "conf", {"idTagInfo": info}),
        ])
        names = {t.name for t in p.types}
        self.assertEqual(names, {"OneStatus", "IdTagInfoStatus", "IdTagInfo"})

    def test_same_shape_under_another_name_is_an_alias(self):
        item = {"type": "object", "properties": {"v": {"type": "integer"}}}
        p = protocol_of([
            message("One", "req", {"a": {"type": "array", "items": item}}),
            message("One", "conf", {"b": {"type": "array", "items": item}}),
        ])
        alias = next(t for t in p.types if t.name == "B")
        self.assertIsInstance(alias, Alias)
        self.assertEqual(alias.target.name, "A")

    def test_request_and_response_of_one_action_with_different_shapes(self):
        p = protocol_of([
            message("One", "req", {"status": STATUS_AB}),
            message("One", "conf", {"status": STATUS_CD}),
        ])
        self.assertEqual({t.name for t in p.types}, {"OneRequestStatus", "OneResponseStatus"})


class Chunks(unittest.TestCase):
    def test_always_the_requested_number(self):
        p = protocol_of([message("One", "req", {}), message("One", "conf", {})])
        self.assertEqual(len(cpp_emit.split(p.messages, 8)), 8)
        self.assertEqual(sum(len(c) for c in cpp_emit.split(p.messages, 8)), 2)


if __name__ == "__main__":
    unittest.main()
