"""Loading a scenario: TOML file → overrides (``--set a.b=v``) → validated ``Scenario``,
with errors that name the field's path, and the effective-scenario dump for the run folder.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ValidationError

from mill.scenario.root import Scenario

_DIST_KINDS = {
    "constant",
    "uniform",
    "triangular",
    "normal",
    "lognormal",
    "exponential",
    "weibull",
    "gamma",
    "empirical",
}


class ScenarioError(Exception):
    """A user error in a scenario file or override; ``messages`` holds one line per problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split ``a.b.c=value`` into a key path and a TOML-typed value (bare words are strings)."""
    if "=" not in text:
        raise ScenarioError([f"--set {text}: expected KEY=VALUE, e.g. run.seed=7"])
    key, raw = text.split("=", 1)
    path = [p for p in key.strip().split(".") if p]
    if not path:
        raise ScenarioError([f"--set {text}: empty key"])
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return path, value


def apply_override(data: dict[str, Any], path: list[str], value: Any) -> None:
    """Set ``value`` at ``path`` in nested tables, creating tables (list items by index)."""
    node: Any = data
    for i, part in enumerate(path[:-1]):
        if isinstance(node, list):
            node = node[_index(path, i, len(node))]
            if not isinstance(node, dict | list):
                raise ScenarioError([f"{'.'.join(path)}: {'.'.join(path[: i + 1])} is not a table"])
            continue
        nxt = node.get(part)
        if nxt is None:
            nxt = {}
            node[part] = nxt
        elif not isinstance(nxt, dict | list):
            raise ScenarioError([f"{'.'.join(path)}: {'.'.join(path[: i + 1])} is not a table"])
        node = nxt
    if isinstance(node, list):
        node[_index(path, len(path) - 1, len(node))] = value
    else:
        node[path[-1]] = value


def _index(path: list[str], i: int, size: int) -> int:
    try:
        idx = int(path[i])
    except ValueError:
        raise ScenarioError([f"{'.'.join(path)}: {path[i]!r} must be a list index"]) from None
    if not 0 <= idx < size:
        raise ScenarioError([f"{'.'.join(path)}: index {idx} out of range (0..{size - 1})"])
    return idx


MAX_SCENARIO_BYTES = 4 * 1024 * 1024
"""The largest scenario file read (4 MiB): a scenario is a few kB, and TOML parsing takes
about 25 bytes of memory per byte of an array, so a file over the limit is refused unread."""


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if path.is_file() and size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                [
                    f"{path}: {size / 1024**2:.1f} MiB is too large for a scenario file (at "
                    f"most {MAX_SCENARIO_BYTES // 1024**2} MiB; put long data in the orders CSV)"
                ]
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{path}: is a folder, not a scenario file"]) from None
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read ({exc.strerror or exc})"]) from None
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark (as some Windows editors write) is ok
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [
                f"{path}: cannot read (not UTF-8 text: byte {raw[exc.start]:#04x} at offset "
                f"{exc.start}; save it as UTF-8)"
            ]
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{path}: not valid TOML: {exc}"]) from None


def load_scenario(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """Read, override and validate a scenario file; raise ``ScenarioError`` on any problem."""
    path = Path(path)
    data = _read_toml(path)
    scenario = apply_overrides(data, overrides or [])
    if scenario.orders.source == "csv" and scenario.orders.csv:
        csv_path = Path(scenario.orders.csv)
        if not csv_path.is_absolute():
            csv_path = (path.parent / csv_path).resolve()
        if not csv_path.is_file():
            raise ScenarioError([f"orders.csv: no such file {csv_path}"])
        scenario.orders.csv = str(csv_path)
    return scenario


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> Scenario:
    """Validate ``data`` with ``--set`` overrides applied.

    Overrides go onto the *effective* scenario (every default resolved), so that one field of
    a default grade or one default disposition rule can be changed on its own; if the file
    itself does not validate, its own errors are reported.
    """
    parsed = [parse_override(text) for text in overrides]
    if not parsed:
        return validate(data)
    base = validate(copy.deepcopy(data))
    full = base.model_dump(mode="python", by_alias=True)
    for key, value in parsed:
        apply_override(full, key, value)
    return validate(full)


def validate(data: dict[str, Any]) -> Scenario:
    """Validate a scenario mapping; errors name each field's dotted path."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(error_messages(exc)) from None


def error_messages(exc: ValidationError, root: type[BaseModel] = Scenario) -> list[str]:
    """One line per problem, each naming its dotted field path, with "did you mean" for an
    unknown key (``root`` is the model that was validated: a scenario or an experiment)."""
    out: list[str] = []
    for err in exc.errors():
        raw = [str(p).replace("\n", "\\n") for p in err["loc"]]
        raw = [p for p in raw if not p.startswith("function-")]
        # a discriminated union puts the tag ('normal', ...) into the location: drop it
        loc = [p for p in raw if p not in _DIST_KINDS]
        text = _describe(err, raw, root)
        # cross-field checks of the root model name their own paths
        out.append(f"{'.'.join(loc)}: {text}" if loc else text)
    return out


def _describe(err: Any, loc: list[str], root: type[BaseModel]) -> str:
    kind = err["type"]
    msg = str(err["msg"])
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1], root)
        hint = difflib.get_close_matches(loc[-1], allowed, n=1) if allowed else []
        tail = f"; did you mean {hint[0]!r}?" if hint else ""
        return f"unknown field{tail}"
    if kind == "missing":
        return "required field is missing"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"needs kind = one of {', '.join(sorted(_DIST_KINDS))}"
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :]
    return msg.replace("Input should be", "must be")


def _model_of(annotation: Any, next_part: str | None) -> Any:
    """The model class an annotation leads to, looking through Annotated, X | None, dicts
    and discriminated unions (picking the member whose ``kind`` is ``next_part``)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_of(typing.get_args(annotation)[0], next_part)
    if origin in (typing.Union, types.UnionType):
        members = [_model_of(a, next_part) for a in typing.get_args(annotation)]
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        for m in models:
            kind = m.model_fields.get("kind")
            if kind is not None and kind.default == next_part:
                return m
        return models[0] if len(models) == 1 else None
    if origin is dict:
        return ("dict", typing.get_args(annotation)[1])
    return annotation


def _allowed_keys(loc: list[str], root: type[BaseModel]) -> list[str]:
    """Field names of the model at ``loc``, best effort (for 'did you mean')."""
    model: Any = root
    for i, part in enumerate(loc):
        if isinstance(model, tuple):  # a dict: ``part`` is a key, the value type follows
            model = _model_of(model[1], loc[i + 1] if i + 1 < len(loc) else None)
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        if part in _DIST_KINDS and "kind" in model.model_fields:
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        model = _model_of(field.annotation, loc[i + 1] if i + 1 < len(loc) else None)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [n for n in model.model_fields if n != "kind"]
    return []


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def dump_scenario(scenario: Scenario) -> str:
    """The effective scenario as TOML, every default resolved (None fields are left out)."""
    data = _drop_none(scenario.model_dump(mode="python", by_alias=True))
    return tomli_w.dumps(data)


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the effective scenario text: equal hashes mean equal inputs."""
    return hashlib.sha256(dump_scenario(scenario).encode("utf-8")).hexdigest()


__all__ = [
    "ScenarioError",
    "apply_override",
    "dump_scenario",
    "error_messages",
    "load_scenario",
    "parse_override",
    "scenario_hash",
    "validate",
]
