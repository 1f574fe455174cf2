from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import json
import math
import uuid

import pytest

from routekit._js.jsonenc import format_number, stringify
from routekit.errors import JSONEncodeError, RoutekitError

# Expected texts produced by Node 20's JSON.stringify / String(number).
NUMBERS = [
    (1.0, "1"),
    (-1.5, "-1.5"),
    (0.1, "0.1"),
    (1e21, "1e+21"),
    (1e20, "100000000000000000000"),
    (1e16, "10000000000000000"),
    (1.5e16, "15000000000000000"),
    (123456789012345680000.0, "123456789012345680000"),
    (1e-6, "0.000001"),
    (1.234e-6, "0.000001234"),
    (1e-7, "1e-7"),
    (2.5e-7, "2.5e-7"),
    (5e-324, "5e-324"),
    (1.7976931348623157e308, "1.7976931348623157e+308"),
    (-0.0, "0"),
    (123.456, "123.456"),
    (math.inf, "Infinity"),
    (-math.inf, "-Infinity"),
    (math.nan, "NaN"),
]


@pytest.mark.parametrize(("value", "text"), NUMBERS)
def test_format_number_matches_js_number_to_string(value: float, text: str) -> None:
    assert format_number(value) == text


VALUES = [
    ({"hello": "world"}, '{"hello":"world"}'),
    (
        {"a": 1.0, "b": [1e-7, math.nan, math.inf, -0.0], "c": "x\x00\x1f\u2028\ud800"},
        '{"a":1,"b":[1e-7,null,null,0],"c":"x\\u0000\\u001f\u2028\\ud800"}',
    ),
    ({"d": (1, 2), "e": None, "f": 1e21}, '{"d":[1,2],"e":null,"f":1e+21}'),
    (['\b\f\n\r\t"\\', "é✓😀", "\x7f"], '["\\b\\f\\n\\r\\t\\"\\\\","é✓😀","\x7f"]'),
    ({1: 2, 1.5: 3}, '{"1":2,"1.5":3}'),
    ({True: 1}, '{"true":1}'),
    ({2.0: "a", False: "b"}, '{"2":"a","false":"b"}'),
    ("hi", '"hi"'),
    (None, "null"),
    (True, "true"),
    (5, "5"),
    (1.0, "1"),
    (math.nan, "null"),
    ([], "[]"),
    ({}, "{}"),
    (2**64, "18446744073709551616"),  # ints stay exact (JS would round)
    ({"v": "version 1.5, 2e9"}, '{"v":"version 1.5, 2e9"}'),  # float-looking text in a string
    ({"null": 1}, '{"null":1}'),
    ("\ud83d\ude00", '"😀"'),  # a split surrogate pair is one character, as in JS
]


@pytest.mark.parametrize(("value", "text"), VALUES)
def test_stringify_matches_json_stringify(value: object, text: str) -> None:
    assert stringify(value) == text


class Color(enum.IntEnum):
    RED = 1


class Mood(str, enum.Enum):
    HAPPY = "happy"


def test_stringify_int_and_str_enums_are_their_values() -> None:
    assert stringify({"c": Color.RED, "m": Mood.HAPPY}) == '{"c":1,"m":"happy"}'


def test_stringify_float_subclass_written_as_js_number() -> None:
    class Money(float):
        pass

    assert stringify([Money(2.0)]) == "[2]"


def test_stringify_agrees_with_json_for_plain_data() -> None:
    value = {"users": [{"id": i, "name": f"user {i}", "tags": ["a", "b"]} for i in range(50)]}
    assert stringify(value) == json.dumps(value, separators=(",", ":"))


@dataclasses.dataclass
class Point:
    x: int


class Plain(enum.Enum):
    A = "a"


ERRORS = [
    (
        {"user": {"created": datetime.datetime(2020, 1, 1)}},
        "res.json() cannot serialise a datetime at $.user.created; "
        "convert it first (e.g. value.isoformat())",
    ),
    (
        {"a": [1, {2}]},
        "res.json() cannot serialise a set at $.a[1]; convert it first "
        "(e.g. sorted(value) or list(value))",
    ),
    (
        {"a b": {"c": object()}},
        'res.json() cannot serialise an object at $["a b"].c; convert '
        "it first (to a dict, list, str, int, float, bool or None)",
    ),
    (
        [decimal.Decimal("1.5")],
        "res.json() cannot serialise a Decimal at $[0]; convert it "
        "first (e.g. str(value) or float(value))",
    ),
    (
        {"id": uuid.UUID(int=0)},
        "res.json() cannot serialise a UUID at $.id; convert it first (e.g. str(value))",
    ),
    (
        Point(1),
        "res.json() cannot serialise a Point at $; convert it first "
        "(e.g. dataclasses.asdict(value))",
    ),
    ([Plain.A], "res.json() cannot serialise a Plain at $[0]; convert it first (e.g. value.value)"),
    (
        {"b": b"x"},
        "res.json() cannot serialise a bytes at $.b; convert it first "
        "(e.g. value.decode() or base64.b64encode(value).decode())",
    ),
    (
        {None: 1},
        "res.json() cannot serialise a dict with a NoneType key (None) at $; JSON "
        "object keys are strings: convert the keys with str() first",
    ),
]


@pytest.mark.parametrize(("value", "message"), ERRORS)
def test_stringify_unserialisable_names_type_and_path(value: object, message: str) -> None:
    with pytest.raises(JSONEncodeError) as info:
        stringify(value)
    assert str(info.value) == message


def test_stringify_error_is_type_error_and_routekit_error() -> None:
    with pytest.raises(JSONEncodeError) as info:
        stringify({"when": datetime.date(2020, 1, 1)}, context="res.send()")
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, RoutekitError)
    assert info.value.path == "$.when"
    assert info.value.type_name == "date"
    assert str(info.value).startswith("res.send() cannot serialise a date")


def test_stringify_circular_structure_is_an_error() -> None:
    items: list[object] = []
    items.append({"self": items})
    with pytest.raises(JSONEncodeError, match=r"circular structure: the list at \$\[0\]\.self"):
        stringify(items)


def test_stringify_shared_non_circular_object_is_fine() -> None:
    shared = {"x": 1.5}
    assert stringify([shared, shared]) == '[{"x":1.5},{"x":1.5}]'
