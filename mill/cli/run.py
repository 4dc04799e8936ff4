"""``mill run``, ``mill validate`` and ``mill schema``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mill.cli.common import (
    EXIT_INVARIANT,
    UserError,
    add_format_option,
    err,
    say_swept,
    shown,
)


def _progress(horizon_min: float, quiet: bool) -> tuple[Callable[[float, int], None] | None, Any]:
    """A progress bar in simulated days with the plates disposed so far (terminals only)."""
    if quiet or not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    bar = tqdm(
        total=round(horizon_min / 1440.0, 2),
        unit="day",
        desc="simulating",
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total:.1f} days "
        "[{elapsed}<{remaining}{postfix}]",
    )

    def update(now: float, plates: int) -> None:
        bar.n = round(now / 1440.0, 2)
        bar.set_postfix_str(f"{plates} plates", refresh=False)
        bar.refresh()

    return update, bar


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _headline(summary: dict[str, Any]) -> list[str]:
    y = summary["yield_by_tonnage"]
    t = summary["tonnes"]
    lt = summary["lead_time_h"]
    esc = summary["escapes"]
    scrap = (y["slab_to_process_scrap_pct"] or 0.0) + (y["slab_to_scrapped_plates_pct"] or 0.0)
    fmt = lambda v, unit="": "n/a" if v is None else f"{v:,.1f}{unit}"  # noqa: E731
    return [
        f"  released        {fmt(t['released_t'], ' t')} ({summary['plates']['released']} plates), "
        f"prime {fmt(t['prime_t'], ' t')}",
        f"  throughput      {fmt(summary['throughput_t_per_h'], ' t/h')}",
        f"  slab tonnes →   prime {fmt(y['slab_to_prime_pct'], ' %')}, "
        f"downgraded {fmt(y['slab_to_downgraded_pct'], ' %')}, "
        f"scrap {fmt(scrap, ' %')}, "
        f"scale {fmt(y['slab_to_scale_loss_pct'], ' %')}",
        f"  lead time       p50 {fmt(lt['p50'], ' h')}  p90 {fmt(lt['p90'], ' h')}",
        f"  escapes         {_n(esc['plates'], 'plate')} "
        f"({fmt(esc['per_million_prime'])} per million released prime)",
        f"  false rejects   {_n(summary['false_rejects']['plates'], 'plate')} "
        "(rejected although conforming)",
    ]


def cmd_run(args: argparse.Namespace) -> int:
    from mill.model import run_scenario
    from mill.scenario import load_scenario
    from mill.trace import OutputExistsError

    overrides = list(args.set or [])
    if args.seed is not None:
        overrides.append(f"run.seed={args.seed}")
    if args.format is not None:
        overrides.append(f"output.format={args.format}")
    sc = load_scenario(args.scenario, overrides)
    if args.out:
        out = Path(args.out)
    else:  # the default folder never overwrites: a repeat run gets the next free number
        out = Path("runs") / f"{sc.run.name}-seed{sc.run.seed}"
        n = 2
        while out.exists() and not args.force:
            out = Path("runs") / f"{sc.run.name}-seed{sc.run.seed}-{n}"
            n += 1
    if out.exists() and not args.force:
        raise UserError(f"output folder {out} exists (use --force to replace it)")
    inputs = [Path(args.scenario)]
    if sc.orders.source == "csv" and sc.orders.csv:
        inputs.append(Path(sc.orders.csv))
    update, bar = _progress(sc.run.horizon_days * 1440.0, args.quiet)
    try:
        result = run_scenario(sc, out, force=args.force, progress=update, protect=inputs)
    except OutputExistsError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:  # e.g. the output path runs through a file, or the disk is full
        raise UserError(f"cannot write the run folder {out}: {exc.strerror or exc}") from None
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        say_swept(result.swept)
        print(f"run folder: {shown(result.path)}")
        print(
            f"simulated {sc.run.horizon_days:g} days (KPIs after a {sc.run.warmup_days:g}-day "
            f"warm-up) in {result.wall_s:.1f} s"
        )
        print("\n".join(_headline(result.summary)))
    if not result.invariants["ok"]:
        bad = [
            k for k, v in result.invariants.items() if isinstance(v, dict) and not v.get("ok", True)
        ]
        err(f"INVARIANT VIOLATED: {', '.join(bad)} (see {result.path / 'manifest.json'})")
        return EXIT_INVARIANT
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from mill.model import check_scenario
    from mill.scenario import load_scenario

    sc = load_scenario(args.file, list(args.set or []))
    check_scenario(sc)
    print(f"{args.file}: ok ({sc.run.name}, {sc.run.horizon_days:g} days, seed {sc.run.seed})")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from mill.trace import dictionary

    if args.json == "scenario":
        from mill.scenario import Scenario

        print(json.dumps(Scenario.model_json_schema(by_alias=True), indent=2, sort_keys=True))
    elif args.json == "experiment":
        from mill.experiment import experiment_json_schema

        print(json.dumps(experiment_json_schema(), indent=2, sort_keys=True))
    else:
        print(dictionary.markdown() if args.markdown else dictionary.text())
    return 0


def add_parsers(sub: Any) -> None:
    """The run, validate and schema subcommands."""
    r = sub.add_parser(
        "run",
        help="simulate a scenario and write its run folder",
        description="Simulate a scenario and write its run folder atomically.",
    )
    r.add_argument("scenario", help="scenario TOML file")
    r.add_argument(
        "--out", help="run folder to write (default runs/NAME-seedN, numbered -2, -3... if taken)"
    )
    r.add_argument("--seed", type=int, help="random seed (overrides run.seed)")
    r.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a scenario field, e.g. --set plant.quench.htc_w_m2k=7000",
    )
    add_format_option(r)
    r.add_argument("--force", action="store_true", help="replace an existing run folder")
    r.add_argument("--quiet", action="store_true", help="print nothing but errors")
    r.set_defaults(func=cmd_run)

    v = sub.add_parser(
        "validate", help="check a scenario file", description="Check a scenario file."
    )
    v.add_argument("file", help="scenario TOML file")
    v.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a field")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser(
        "schema",
        help="print the data dictionary of every output column",
        description="Print the data dictionary of every output column.",
    )
    s.add_argument("--markdown", action="store_true", help="as Markdown tables")
    s.add_argument(
        "--json",
        choices=("scenario", "experiment"),
        help="print the JSON Schema of the scenario or experiment file instead (for editors)",
    )
    s.set_defaults(func=cmd_schema)
