"""``mill experiment``: run an experiment file and print its headline intervals."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mill.cli.common import (
    EXIT_INVARIANT,
    Terminated,
    UserError,
    add_format_option,
    err,
    say_swept,
    shown,
)

if TYPE_CHECKING:  # types only: importing the experiment layer costs ~1 s, --help must not
    from mill.experiment.study import ExperimentResult
    from mill.experiment.task import RunOutcome


def _check_options(args: argparse.Namespace) -> None:
    if args.workers is not None and args.workers < 1:
        raise UserError("--workers: must be at least 1")
    if (args.precision is None) != (args.kpi is None):
        raise UserError("--precision and --kpi go together (e.g. --precision 0.05 --kpi "
                        "escapes.per_million_prime)")  # fmt: skip
    if args.precision is not None and not 0 < args.precision <= 0.5:
        raise UserError("--precision: a relative half-width above 0 and at most 0.5, e.g. 0.05")
    if args.out is not None and not args.out.strip():
        raise UserError("--out: empty folder name")


def cmd_experiment(args: argparse.Namespace) -> int:
    from mill import experiment as ex

    _check_options(args)
    overrides = list(args.set or [])
    if args.format is not None:
        overrides.append(f"output.format={args.format}")
    spec, scenario = ex.read_experiment(args.file, overrides, args.replications)
    plan = ex.plan(spec, Path(args.file).resolve(), scenario)
    out = Path(args.out) if args.out else ex.default_out(spec.experiment.name, args.resume)
    # what can be refused is refused before a pool or a cluster starts
    precision = None
    try:
        ex.check_out(out, args.resume, args.force)
        if args.precision is not None:
            ex.check_kpi(plan, args.kpi)
            precision = ex.Precision(args.kpi, args.precision)
    except ex.ExperimentError as exc:
        raise UserError(str(exc)) from None
    try:
        executor = ex.make_executor(args.workers, args.dask)
    except ex.DaskMissingError as exc:
        raise UserError(str(exc)) from None
    except (OSError, ValueError) as exc:  # a scheduler that does not answer, a bad address
        raise UserError(f"--dask {args.dask}: cannot reach the scheduler ({exc})") from None
    say = (lambda *_: None) if args.quiet else print
    say(f"experiment {spec.experiment.name}: {len(plan.points)} design points, up to "
        f"{spec.experiment.replications} replications each, on {executor.description}")  # fmt: skip
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit="run", desc="replications")

    def progress(outcome: RunOutcome, done: int, total: int) -> None:
        if bar is not None:
            bar.total = bar.n + 1 + total - done  # the runs of this round still to come
            bar.update(1)
        if outcome.status != "ok":
            err(f"run {outcome.run_id} (seed {outcome.seed}) {outcome.status}: {outcome.error}")

    try:
        result = ex.run_experiment(
            plan, out, executor, keep=args.keep, resume=args.resume, force=args.force,
            precision=precision, on_outcome=progress, command=" ".join(sys.argv),
        )  # fmt: skip
    except ex.ExperimentError as exc:
        raise UserError(str(exc)) from None
    except ex.Interrupted as exc:
        if bar is not None:
            bar.close()
            bar = None
        err(f"interrupted; {exc}")
        return 128 + signal.SIGTERM if isinstance(exc.cause, Terminated) else 130
    finally:
        if bar is not None:
            bar.close()
        executor.close()
    if not args.quiet:
        say_swept(result.swept)
    say(f"experiment folder: {shown(result.path)} ({result.ran} runs made in "
        f"{result.wall_s:.1f} s)")  # fmt: skip
    for line in _experiment_lines(result, args.kpi):
        say(line)
    warm = result.warmup
    if warm.get("warmup_shorter_than_mser5"):
        print(
            f"mill: warning: the scenario's warm-up ({warm['scenario_warmup_days']:g} days) is "
            f"shorter than the MSER-5 truncation point ({warm['mser5_days']:g} days)",
            file=sys.stderr,
        )
    if result.failed:
        names = ", ".join(o.run_id for o in result.failed)
        err(f"{len(result.failed)} run(s) failed: {names} (see {result.path / 'manifest.json'}; "
             "--resume runs them again)")  # fmt: skip
        return EXIT_INVARIANT
    return 0


def _experiment_lines(result: ExperimentResult, kpi: str | None) -> list[str]:
    """Headline means with their 95 % intervals, per point, for a few KPIs."""
    import pandas as pd

    summary = pd.read_csv(result.path / "summary.csv")
    shown = [kpi] if kpi else []
    shown += ["escapes.per_million_prime", "yield_by_tonnage.slab_to_prime_pct",
              "throughput_t_per_h", "ut_rejects_pct"]  # fmt: skip
    w = result.warmup
    verdict = "" if w["conclusive"] else "; runs too short for it to tell"
    lines = [f"  MSER-5 warm-up {w['mser5_days']} days (scenario: "
             f"{w['scenario_warmup_days']:g}{verdict})"]  # fmt: skip
    for k in dict.fromkeys(shown):
        rows = summary[summary["kpi"] == k]
        if rows.empty:
            continue
        lines.append(f"  {k} (mean, 95 % CI):")
        for r in rows.itertuples():
            lines.append(f"    {r.point} {r.label:<28} {r.mean:>12,.3f}  [{r.ci_low:,.3f}, "
                         f"{r.ci_high:,.3f}]  n={r.n}")  # fmt: skip
    comparisons = pd.read_csv(result.path / "comparisons.csv")
    for k in dict.fromkeys(shown):
        rows = comparisons[comparisons["kpi"] == k] if not comparisons.empty else comparisons
        if rows.empty:
            continue
        lines.append(f"  {k}, paired difference against the reference (95 % CI):")
        for r in rows.itertuples():
            verdict = "differs" if r.excludes_zero else "no difference shown"
            lines.append(f"    {r.point} − {r.reference} {r.diff_mean:>+12,.3f}  "
                         f"[{r.diff_ci_low:+,.3f}, {r.diff_ci_high:+,.3f}]  {verdict}")  # fmt: skip
    for point, why in result.stop.items():
        if not why.startswith("fixed"):
            lines.append(f"  {point}: {why}")
    return lines


def add_parser(sub: Any) -> None:
    """The experiment subcommand."""
    e = sub.add_parser(
        "experiment",
        help="run replications of design points and report confidence intervals",
        description="Run an experiment file: every design point (alternative × factor levels) "
        "for R replications with common random numbers, on local processes or a Dask cluster; "
        "writes runs.csv, summary.csv (means with 95 % CIs) and comparisons.csv (paired "
        "differences).",
    )
    e.add_argument("file", help="experiment TOML file")
    e.add_argument("--out", help="experiment folder (default experiments/NAME, numbered if taken)")
    e.add_argument(
        "--replications", type=int, help="replications per point (the cap with --precision)"
    )
    e.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help="override a scenario field in every run"
    )
    add_format_option(e)
    where = e.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, help="local worker processes (default: all cores)")
    where.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="a Dask scheduler (tcp://HOST:8786) or 'local' for a LocalCluster",
    )
    e.add_argument(
        "--keep",
        choices=("all", "summary"),
        default="all",
        help="keep whole run folders (all) or only each run's manifest and summary",
    )
    e.add_argument(
        "--resume",
        action="store_true",
        help="finish an interrupted experiment: run only what is missing or failed",
    )
    e.add_argument("--force", action="store_true", help="replace an existing experiment folder")
    e.add_argument(
        "--precision",
        type=float,
        metavar="REL",
        help="add replications until the KPI's 95 %% CI half-width is within REL of its "
        "mean at every point",
    )
    e.add_argument(
        "--kpi", metavar="PATH", help="the KPI for --precision, e.g. escapes.per_million_prime"
    )
    e.add_argument("--quiet", action="store_true", help="print nothing but errors")
    e.set_defaults(func=cmd_experiment)
