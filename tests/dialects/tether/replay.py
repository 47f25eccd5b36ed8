"""Replaying recorded TetherAI exchanges: a request, the status, and the answer compared field by field.

In an expected answer, generated values are written as placeholders:
`{{objectId}}` any 24-hex id, `{{timestamp}}` an ISO 8601 time with milliseconds and Z, `{{cursor}}` any
non-empty string, and `{{$name}}` the value captured under `name` by an earlier step (`"capture": {"name":
"data._id"}`). Paths and bodies may use `{{$name}}` too. Everything else must be equal, with the same keys.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

from tests.dialects.tether.support import ISO_MILLIS_Z, OBJECT_ID

_VARIABLE = re.compile(r"\{\{\$(\w+)\}\}")


def substitute(value: Any, variables: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return _VARIABLE.sub(lambda m: str(variables[m.group(1)]), value)
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, variables) for k, v in value.items()}
    return value


def mismatches(expected: Any, actual: Any, variables: dict[str, Any], where: str = "") -> list[str]:
    here = where or "<root>"
    if isinstance(expected, str) and expected.startswith("{{") and expected.endswith("}}"):
        kind = expected[2:-2]
        ok = {
            "objectId": lambda: isinstance(actual, str) and bool(OBJECT_ID.match(actual)),
            "timestamp": lambda: isinstance(actual, str) and bool(ISO_MILLIS_Z.match(actual)),
            "cursor": lambda: isinstance(actual, str) and bool(actual),
        }.get(kind, lambda: actual == substitute(expected, variables))()
        return [] if ok else [f"{here}: {actual!r} is not {expected}"]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{here}: expected an object, got {actual!r}"]
        problems = [f"{here}: missing {k!r}" for k in expected.keys() - actual.keys()]
        problems += [f"{here}: unexpected {k!r}" for k in actual.keys() - expected.keys()]
        for key in expected.keys() & actual.keys():
            problems += mismatches(expected[key], actual[key], variables, f"{where}.{key}" if where else key)
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{here}: expected {len(expected)} items, got {actual!r}"]
        problems = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            problems += mismatches(e, a, variables, f"{where}[{i}]")
        return problems
    return [] if expected == actual and type(expected) is type(actual) else [f"{here}: {actual!r} != {expected!r}"]


def dig(document: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


def load_steps(directory: Path) -> list[tuple[str, dict[str, Any]]]:
    return [(path.stem, json.loads(path.read_text())) for path in sorted(directory.glob("*.json"))]


async def send(
    client: httpx.AsyncClient, step: dict[str, Any], token: str, variables: dict[str, Any]
) -> httpx.Response:
    request = substitute(step["request"], variables)
    return await client.request(
        request["method"],
        request["path"],
        json=request.get("json"),
        headers={"Authorization": f"Bearer {token}"},
    )
