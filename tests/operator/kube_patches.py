"""The API server's patch formats, for the emulator: JSON merge patch (RFC 7386), JSON
patch (RFC 6902, with `test`), a strategic-merge approximation (lists of objects merged
by `name`) and server-side apply (fields a manager applied before and no longer applies
are removed; lists are atomic)."""

from __future__ import annotations

import copy
from typing import Any


class PatchError(ValueError):
    """The patch cannot be applied (a failed `test`, a bad path)."""


def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def strategic_merge_patch(target: Any, patch: Any) -> Any:
    """Merge patch, except that lists of objects with a `name` merge item by item."""
    if isinstance(patch, list) and isinstance(target, list):
        if all(isinstance(item, dict) and "name" in item for item in [*patch, *target]):
            merged = {item["name"]: copy.deepcopy(item) for item in target}
            for item in patch:
                if item.get("$patch") == "delete":
                    merged.pop(item["name"], None)
                else:
                    merged[item["name"]] = strategic_merge_patch(merged.get(item["name"]), item)
            return list(merged.values())
        return copy.deepcopy(patch)
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$"):
            continue
        if value is None:
            result.pop(key, None)
        else:
            result[key] = strategic_merge_patch(result.get(key), value)
    return result


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError(f"JSON pointer {path!r} must start with /")
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _parent(document: Any, parts: list[str]) -> tuple[Any, str]:
    node = document
    for part in parts[:-1]:
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError) as error:
            raise PatchError(f"path /{'/'.join(parts)} does not exist") from error
    return node, parts[-1]


def json_patch(document: Any, operations: list[dict[str, Any]]) -> Any:
    result = copy.deepcopy(document)
    for operation in operations:
        op, parts = operation.get("op"), _pointer(operation.get("path", ""))
        if not parts:
            raise PatchError("operations on the whole document are not supported")
        parent, key = _parent(result, parts)
        if op == "test":
            try:
                current = parent[int(key)] if isinstance(parent, list) else parent[key]
            except (KeyError, IndexError, ValueError):
                current = None
            if current != operation.get("value"):
                raise PatchError(
                    f"test of {operation['path']} failed: {current!r} != {operation.get('value')!r}"
                )
        elif op in ("add", "replace"):
            value = copy.deepcopy(operation.get("value"))
            if isinstance(parent, list):
                index = len(parent) if key == "-" else int(key)
                if op == "add":
                    parent.insert(index, value)
                else:
                    parent[index] = value
            else:
                if op == "replace" and key not in parent:
                    raise PatchError(f"cannot replace missing {operation['path']}")
                parent[key] = value
        elif op == "remove":
            try:
                del parent[int(key) if isinstance(parent, list) else key]
            except (KeyError, IndexError, ValueError) as error:
                raise PatchError(f"cannot remove missing {operation['path']}") from error
        else:
            raise PatchError(f"unsupported JSON patch operation {op!r}")
    return result


def _without(base: Any, previous: Any, current: Any) -> Any:
    """`base` minus the fields `previous` set that `current` no longer sets."""
    if not isinstance(base, dict) or not isinstance(previous, dict):
        return base
    result = dict(base)
    for key, value in previous.items():
        if key not in result:
            continue
        if not isinstance(current, dict) or key not in current:
            del result[key]
        elif isinstance(value, dict):
            result[key] = _without(result[key], value, current[key])
    return result


def _apply_merge(base: Any, applied: Any) -> Any:
    if not isinstance(applied, dict) or not isinstance(base, dict):
        return copy.deepcopy(applied)
    result = copy.deepcopy(base)
    for key, value in applied.items():
        result[key] = _apply_merge(result.get(key), value)
    return result


def server_side_apply(current: Any, applied: dict[str, Any], previous: Any) -> dict[str, Any]:
    """The object after a manager applies `applied`, having applied `previous` before."""
    base = _without(current or {}, previous or {}, applied)
    return _apply_merge(base, applied)
