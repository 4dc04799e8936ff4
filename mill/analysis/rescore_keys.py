"""Which scenario keys ``mill rescore`` can honour from a run's record, and the scenarios it
judges with: the run's own, and the run's with the overrides (a refused key names itself and
says why, pointing to ``mill experiment``).
"""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Sequence

from mill.analysis.load import AnalysisError, Run
from mill.scenario import Scenario, ScenarioError
from mill.scenario.load import apply_overrides, parse_override, validate

__all__ = ["REFUSED", "RESCORABLE", "check_key", "scenarios"]

_RULE_FIELDS = ("action", "reason", "max_times", "fallback")
RESCORABLE: tuple[tuple[str, str], ...] = (
    (
        "quality.visual.scale_imperfection_max_mm2",
        "re-judges the recorded measured and true areas of rolled-in scale",
    ),
    ("quality.disposition.rework", "rework on or off"),
    *((f"quality.disposition.rules.*.{f}", f"a rule's {f}") for f in _RULE_FIELDS),
)
"""Keys ``mill rescore`` honours (``*``: one path part, a rule's condition or index)."""
REFUSED: tuple[tuple[str, str], ...] = (
    (
        "quality.testing.flatness_tolerance_mm_per_m",
        "the plant draws each plate's true flatness relative to the tolerance",
    ),
    (
        "quality.disposition.rules",
        "set one field of one rule: quality.disposition.rules."
        "CONDITION.FIELD, FIELD one of action, reason, max_times, fallback",
    ),
    ("quality.ultrasonic", "it changes what the UT scan measures"),
    ("quality.visual", "it changes what the visual inspection finds"),
    ("quality.testing", "it changes what the lab tests and measures (lots, noise, retests)"),
    ("quality.defect_rates", "it changes the true defects"),
    ("grades", "the lab's retests and the heat treatment follow the grade"),
    ("plant", "it changes capacities, process times or the route"),
    ("", "it changes what is made, how it flows or what is measured"),
)
"""Why a key is refused: the first entry whose path is a prefix of the key."""


def _matches(key: list[str], pattern: str) -> bool:
    parts = pattern.split(".")
    return len(parts) == len(key) and all(
        fnmatch.fnmatchcase(k, p) for k, p in zip(key, parts, strict=True)
    )


def check_key(key: list[str]) -> None:
    """Refuse a key ``mill rescore`` cannot honour, naming it and saying why."""
    if any(_matches(key, pattern) for pattern, _ in RESCORABLE):
        return
    dotted = ".".join(key)
    why = next(w for p, w in REFUSED if not p or dotted == p or dotted.startswith(p + "."))
    raise AnalysisError(
        f"--set {dotted}: cannot be re-scored from the record ({why}); simulate it: "
        f"mill experiment (or mill run --set {dotted}=...)"
    )


def _rule_index(base: Scenario, key: list[str]) -> list[str]:
    """``quality.disposition.rules.CONDITION.FIELD`` → the rule's index in the list."""
    if key[:3] != ["quality", "disposition", "rules"] or len(key) < 4 or key[3].isdigit():
        return key
    names = [r.condition for r in base.quality.disposition.rules]
    if key[3] not in names:
        raise AnalysisError(
            f"--set {'.'.join(key)}: no rule for condition {key[3]!r} (conditions: "
            f"{', '.join(names)})"
        )
    return [*key[:3], str(names.index(key[3])), *key[4:]]


def scenarios(run: Run, overrides: Sequence[str]) -> tuple[Scenario, Scenario, list[str]]:
    """(the run's scenario, the scenario with ``overrides``, the overrides as applied)."""
    try:
        base = validate(copy.deepcopy(run.scenario))
        applied, indexed = [], []
        for text in overrides:
            key, _ = parse_override(text)
            check_key(key)
            value = text.split("=", 1)[1].strip()
            applied.append(f"{'.'.join(key)}={value}")
            indexed.append(f"{'.'.join(_rule_index(base, key))}={value}")
        new = apply_overrides(copy.deepcopy(run.scenario), indexed)
    except ScenarioError as exc:
        raise AnalysisError("\n".join(_rule_names(run, exc.messages))) from None
    return base, new, applied


def _rule_names(run: Run, messages: list[str]) -> list[str]:
    """Error messages with a rule's index in its path replaced by its condition, as the
    user names it (``quality.disposition.rules.2.action`` → ``...rules.hardness_low.action``)."""
    rules = run.scenario.get("quality", {}).get("disposition", {}).get("rules", [])
    out = []
    for m in messages:
        for i, r in enumerate(rules):
            if isinstance(r, dict) and isinstance(r.get("condition"), str):
                m = m.replace(f"disposition.rules.{i}.", f"disposition.rules.{r['condition']}.")
        out.append(m)
    return out
