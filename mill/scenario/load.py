"""Loading a scenario: TOML file → overrides (``--set a.b=v``) → validated ``Scenario``,
with errors that name the field's path, and the effective-scenario dump for the run folder.
"""

from __future__ import annotations

import difflib
import hashlib
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ValidationError

from mill.distributions import Dist
from mill.scenario.model import Scenario

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


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{path}: is a folder, not a scenario file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{path}: cannot read ({exc})"]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{path}: not valid TOML: {exc}"]) from None


def load_scenario(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """Read, override and validate a scenario file; raise ``ScenarioError`` on any problem."""
    path = Path(path)
    data = _read_toml(path)
    for text in overrides or []:
        key, value = parse_override(text)
        apply_override(data, key, value)
    scenario = validate(data)
    if scenario.orders.source == "csv" and scenario.orders.csv:
        csv_path = Path(scenario.orders.csv)
        if not csv_path.is_absolute():
            csv_path = (path.parent / csv_path).resolve()
        if not csv_path.is_file():
            raise ScenarioError([f"orders.csv: no such file {csv_path}"])
        scenario.orders.csv = str(csv_path)
    return scenario


def validate(data: dict[str, Any]) -> Scenario:
    """Validate a scenario mapping; errors name each field's dotted path."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_messages(exc)) from None


def _messages(exc: ValidationError) -> list[str]:
    out: list[str] = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        # a discriminated union puts the tag ('normal', ...) into the location: drop it
        loc = [p for i, p in enumerate(loc) if not (p in _DIST_KINDS and i < len(loc) - 1)]
        loc = [p for p in loc if not p.startswith("function-")]
        path = ".".join(loc) or "(scenario)"
        out.append(f"{path}: {_describe(err, loc)}")
    return out


def _describe(err: Any, loc: list[str]) -> str:
    kind = err["type"]
    msg = str(err["msg"])
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
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


def _allowed_keys(loc: list[str]) -> list[str]:
    """Field names of the model at ``loc``, best effort (for 'did you mean')."""
    model: Any = Scenario
    for part in loc:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = model.model_fields.get(part)
        if field is None:
            return []
        model = field.annotation
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def dump_scenario(scenario: Scenario) -> str:
    """The effective scenario as TOML, every default resolved (None fields are left out)."""
    data = _drop_none(scenario.model_dump(mode="json", by_alias=True))
    return tomli_w.dumps(data)


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the effective scenario text: equal hashes mean equal inputs."""
    return hashlib.sha256(dump_scenario(scenario).encode("utf-8")).hexdigest()


__all__ = [
    "Dist",
    "ScenarioError",
    "apply_override",
    "dump_scenario",
    "load_scenario",
    "parse_override",
    "scenario_hash",
    "validate",
]
