"""Turning schema names into C++ identifiers.

Schema property names are kept as they are (OCPP uses camelCase, which is valid C++) except where
they would collide with a C++ keyword or with a member the generator reserves on message structs.
Enum values are free text in the schemas ("Current.Import", "L1-N", "s309-1P-16A") and are
sanitised into identifiers.
"""
import re

CPP_KEYWORDS = frozenset(
    """alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
    char32_t class compl concept const consteval constexpr constinit const_cast continue co_await
    co_return co_yield decltype default delete do double dynamic_cast else enum explicit export
    extern false float for friend goto if inline int long mutable namespace new noexcept not not_eq
    nullptr operator or or_eq private protected public register reinterpret_cast requires return
    short signed sizeof static static_assert static_cast struct switch template this thread_local
    throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while
    xor xor_eq""".split()
)

# Names that the C library headers we include define as macros; an enumerator with one of these
# names would be rewritten by the preprocessor. None occurs in the OCPP schemas today; the
# generator refuses them rather than emit code that breaks in a confusing way.
KNOWN_MACROS = frozenset("EOF NULL TRUE FALSE DOMAIN OVERFLOW UNDERFLOW SING TLOSS PLOSS".split())

# Members every message struct has besides its fields (`action`, `Request`/`Response`).
MESSAGE_RESERVED = frozenset({"action", "Request", "Response"})


def member_name(json_name: str, reserved: frozenset = frozenset()) -> str:
    """C++ member name of a schema property: the property name itself, with a trailing underscore
    when it is a keyword or reserved (2.0.1 Get15118EVCertificate.req has a field `action`)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", json_name):
        raise ValueError(f"property name {json_name!r} is not a C++ identifier")
    if json_name in CPP_KEYWORDS or json_name in reserved:
        return json_name + "_"
    return json_name


def enumerator_name(value: str) -> str:
    """`Current.Import` -> `Current_Import`, `L1-N` -> `L1_N`, leading digit -> `_` prefix."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", value)
    if not name or name[0].isdigit():
        name = "_" + name
    if name in CPP_KEYWORDS:
        name += "_"
    if name in KNOWN_MACROS:
        raise ValueError(f"enum value {value!r} would collide with a C library macro")
    return name


def pascal_case(name: str) -> str:
    """`idTagInfo` -> `IdTagInfo` (1.6 inline types are named after the property)."""
    return name[:1].upper() + name[1:]
