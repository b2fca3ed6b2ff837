#!/usr/bin/env python3
"""Generate typed C++ OCPP messages from the OCPP JSON schemas.

For each VERSION=SCHEMA_FILE argument (VERSION is the C++ namespace: v16 or v201) it writes, under
--output-dir:

  ocpp/VERSION/messages.hpp           public: namespace ocpp::VERSION, <Action>Request and
                                      <Action>Response structs, their nested types and enums,
                                      from_json/to_json/operator== declarations, actions()
  ocpp/VERSION/message_fixtures.hpp   test data: a maximal and a minimal sample JSON of every
                                      message, each with its typed round-trip check
  src/VERSION/messages_detail.hpp     private: the readers that carry the field path
  src/VERSION/messages_K.cpp          definitions, K = 0 .. --chunks - 1

Exactly --chunks source files are written per version, some possibly without definitions,
because the build needs the list of generated files at configure time. A file whose content is
unchanged is not rewritten, so that an edit to the generator recompiles only what it changed.

The schema model and the naming rules are in schema_model.py, the C++ text in cpp_emit.py and
the samples in fixtures.py. Python 3.11 standard library only.

Usage: generate_messages.py --output-dir DIR [--chunks N] VERSION=SCHEMA_FILE [...]
"""
import argparse
import os
import sys

import cpp_emit
import fixtures
from schema_model import Alias, load_protocol

REPO_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def write_if_changed(path: str, text: str) -> None:
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def generate(namespace: str, schema_path: str, output_dir: str, chunks: int) -> None:
    protocol = load_protocol(namespace, schema_path)
    source = os.path.relpath(os.path.abspath(schema_path), REPO_ROOT)
    public_dir = os.path.join(output_dir, "ocpp", namespace)
    private_dir = os.path.join(output_dir, "src", namespace)

    write_if_changed(os.path.join(public_dir, "messages.hpp"), cpp_emit.header(protocol, source))
    write_if_changed(
        os.path.join(public_dir, "message_fixtures.hpp"), fixtures.fixtures_header(protocol, source)
    )
    write_if_changed(
        os.path.join(private_dir, "messages_detail.hpp"), cpp_emit.detail_header(protocol, source)
    )
    items = [t for t in protocol.types if not isinstance(t, Alias)] + protocol.messages
    for index, piece in enumerate(cpp_emit.split(items, chunks)):
        text = cpp_emit.source(protocol, source, piece, index, chunks)
        write_if_changed(os.path.join(private_dir, f"messages_{index}.cpp"), text)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("--chunks", type=int, default=8, help="source files per version")
    parser.add_argument("versions", nargs="+", metavar="VERSION=SCHEMA_FILE")
    args = parser.parse_args(argv)
    if args.chunks < 1:
        parser.error("--chunks must be at least 1")
    for spec in args.versions:
        namespace, sep, schema_path = spec.partition("=")
        if not sep or not namespace.isidentifier():
            parser.error(f"expected VERSION=SCHEMA_FILE, got {spec!r}")
        try:
            generate(namespace, schema_path, args.output_dir, args.chunks)
        except (OSError, ValueError) as e:
            print(f"generate_messages.py: {schema_path}: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
