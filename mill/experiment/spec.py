"""The experiment file: a base scenario, replications, a seed, named alternatives and factors.

```toml
[experiment]
name = "rare_earth"
scenario = "../scenarios/baseline.toml"   # relative to this file
replications = 10
seed = 20261129                           # replication k's run seed derives from this and k
set = { "run.horizon_days" = 20.0, "run.warmup_days" = 6.0 }   # overrides for every run

[[alternatives]]                          # optional: named sets of overrides
name = "RE"
[[alternatives]]
name = "no RE"
set = { "plant.degasser.re_addition_pct" = 0.0 }

[factors]                                 # optional: full factorial, crossed with alternatives
"grades.NM400.temper_temp_c" = [200.0, 220.0, 240.0]
```

Validated by pydantic with the scenario's error standard (dotted path, did-you-mean); every
design point's scenario is built and validated here too, so a bad override is refused before
anything is written.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from mill.scenario import ScenarioError
from mill.scenario.load import error_messages, parse_override

MAX_FILE_BYTES = 1_000_000
"""An experiment file is a few lines; a larger one is refused before it is parsed."""

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
"""Experiment names become folder names: letters, digits, ``_``, ``.`` and ``-``."""

Value = str | int | float | bool | list[Any] | dict[str, Any]
"""A value as TOML gives it: what ``--set`` would give after ``=``."""


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _check_keys(overrides: dict[str, Any]) -> dict[str, Any]:
    for key in overrides:
        if not key or any(not part for part in key.split(".")):
            raise ValueError(f"{key!r} is not a dotted scenario path like 'run.horizon_days'")
    return overrides


class ExperimentSection(_Table):
    """``[experiment]``: what to run and how often."""

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    scenario: Annotated[
        str, Field(min_length=1, description="scenario file, relative to this file")
    ]
    replications: Annotated[int, Field(ge=1, le=1000)] = 10
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 1
    set: dict[str, Value] = Field(default_factory=dict, description="overrides for every run")

    _keys = field_validator("set")(_check_keys)


class Alternative(_Table):
    """``[[alternatives]]``: a named set of overrides (a system to compare)."""

    name: Annotated[str, Field(min_length=1, max_length=64)]
    set: dict[str, Value] = Field(default_factory=dict)

    _keys = field_validator("set")(_check_keys)


class ExperimentFile(_Table):
    """The whole experiment file."""

    experiment: ExperimentSection
    alternatives: list[Alternative] = Field(default_factory=list, max_length=100)
    factors: dict[str, Annotated[list[Value], Field(min_length=1, max_length=50)]] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _distinct(self) -> ExperimentFile:
        names = [a.name for a in self.alternatives]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"alternatives: names must be distinct ({', '.join(dup)} repeated)")
        for key, levels in self.factors.items():
            _check_keys({key: None})
            seen = [repr(v) for v in levels]
            if len(set(seen)) != len(seen):
                raise ValueError(f"factors.{key}: levels must be distinct")
        points = max(1, len(self.alternatives))
        for levels in self.factors.values():
            points *= len(levels)
        if points > 1000:
            raise ValueError(f"the design has {points} points; at most 1000 are allowed")
        return self


def _read(path: Path) -> dict[str, Any]:
    """The experiment file's TOML, with the scenario loader's errors for unreadable files."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read ({exc.strerror or exc})"]) from None
    if path.is_dir():
        raise ScenarioError([f"{path}: is a folder, not an experiment file"])
    if size > MAX_FILE_BYTES:
        raise ScenarioError([f"{path}: {size:,} bytes; an experiment file is at most 1 MB"])
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{path}: not valid TOML: {exc}"]) from None


def parse_experiment(data: dict[str, Any]) -> ExperimentFile:
    """Validate an experiment mapping; errors name each field's dotted path."""
    try:
        return ExperimentFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(error_messages(exc, ExperimentFile)) from None


def read_experiment(
    path: str | Path, overrides: list[str] | None = None, replications: int | None = None
) -> tuple[ExperimentFile, Path]:
    """Read and validate an experiment file; ``overrides`` (``KEY=VALUE`` as for ``--set``)
    join the experiment's ``set`` and ``replications`` replaces its count. Returns the
    experiment and the scenario file's path (resolved against the experiment file's folder)."""
    path = Path(path)
    spec = parse_experiment(_read(path))
    extra = {}
    for text in overrides or []:
        key, value = parse_override(text)
        extra[".".join(key)] = value
    section = spec.experiment.model_copy(
        update={
            "set": {**spec.experiment.set, **extra},
            "replications": spec.experiment.replications if replications is None else replications,
        }
    )
    if not 1 <= section.replications <= 1000:
        raise ScenarioError(["--replications: must be between 1 and 1000"])
    spec = spec.model_copy(update={"experiment": section})
    scenario = Path(section.scenario)
    if not scenario.is_absolute():
        scenario = (path.parent / scenario).resolve()
    return spec, scenario


def experiment_json_schema() -> dict[str, Any]:
    """The JSON Schema of the experiment file (for editors)."""
    return ExperimentFile.model_json_schema()
