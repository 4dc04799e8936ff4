"""The ``mill`` command line: thin wrappers that parse, call and print.

User errors (a bad scenario, a missing file, an existing output folder) print one clear
message and exit with status 2, with no traceback and no output folder. A run whose
invariants fail exits with status 1 and says which check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mill import __version__

EXIT_USER = 2
EXIT_INVARIANT = 1


class UserError(Exception):
    """An error the user can fix; printed without a traceback."""


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so every partial folder is removed on the way."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def _err(message: str) -> None:
    print(f"mill: error: {message}", file=sys.stderr)


# ---- mill run ------------------------------------------------------------------------------
def _shown(path: Path) -> Path:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


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


def _say_swept(swept: Sequence[Path]) -> None:
    """Tell the user which leftovers of killed runs were cleaned up (on stderr)."""
    for path in swept:
        print(f"mill: removed {_shown(path)}, left by a run that was killed", file=sys.stderr)


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
        _say_swept(result.swept)
        print(f"run folder: {_shown(result.path)}")
        print(
            f"simulated {sc.run.horizon_days:g} days (KPIs after a {sc.run.warmup_days:g}-day "
            f"warm-up) in {result.wall_s:.1f} s"
        )
        print("\n".join(_headline(result.summary)))
    if not result.invariants["ok"]:
        bad = [
            k for k, v in result.invariants.items() if isinstance(v, dict) and not v.get("ok", True)
        ]
        _err(f"INVARIANT VIOLATED: {', '.join(bad)} (see {result.path / 'manifest.json'})")
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
    from mill.trace import schema

    if args.json == "scenario":
        from mill.scenario import Scenario

        print(json.dumps(Scenario.model_json_schema(by_alias=True), indent=2, sort_keys=True))
    elif args.json == "experiment":
        from mill.experiment import experiment_json_schema

        print(json.dumps(experiment_json_schema(), indent=2, sort_keys=True))
    else:
        print(schema.markdown() if args.markdown else schema.text())
    return 0


# ---- mill experiment -------------------------------------------------------------------------
def cmd_experiment(args: argparse.Namespace) -> int:
    from mill import experiment as ex

    if args.workers is not None and args.workers < 1:
        raise UserError("--workers: must be at least 1")
    if (args.precision is None) != (args.kpi is None):
        raise UserError("--precision and --kpi go together (e.g. --precision 0.05 --kpi "
                        "escapes.per_million_prime)")  # fmt: skip
    if args.precision is not None and not 0 < args.precision < 1:
        raise UserError("--precision: a relative half-width between 0 and 1, e.g. 0.05")
    if args.out is not None and not args.out.strip():
        raise UserError("--out: empty folder name")
    spec, scenario = ex.read_experiment(args.file, list(args.set or []), args.replications)
    plan = ex.plan(spec, Path(args.file).resolve(), scenario)
    out = Path(args.out) if args.out else ex.default_out(spec.experiment.name)
    precision = None if args.precision is None else ex.Precision(args.kpi, args.precision)
    try:
        executor = ex.make_executor(args.workers, args.dask)
    except ex.DaskMissingError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:  # a scheduler that does not answer
        raise UserError(f"--dask {args.dask}: cannot reach the scheduler ({exc})") from None
    say = (lambda *_: None) if args.quiet else print
    say(f"experiment {spec.experiment.name}: {len(plan.points)} design points, up to "
        f"{spec.experiment.replications} replications each, on {executor.description}")  # fmt: skip
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(plan.points) * spec.experiment.replications, unit="run",
                   desc="replications")  # fmt: skip

    def progress(outcome: Any, done: int, total: int) -> None:
        if bar is not None:
            bar.update(1)
        if outcome.status != "ok":
            _err(f"run {outcome.run_id} (seed {outcome.seed}) {outcome.status}: {outcome.error}")

    try:
        result = ex.run_experiment(
            plan, out, executor, keep=args.keep, resume=args.resume, force=args.force,
            precision=precision, on_outcome=progress, command=" ".join(sys.argv),
        )  # fmt: skip
    except ex.ExperimentError as exc:
        raise UserError(str(exc)) from None
    finally:
        if bar is not None:
            bar.close()
        executor.close()
    say(f"experiment folder: {_shown(result.path)} ({result.ran} runs made in "
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
        _err(f"{len(result.failed)} run(s) failed: {names} (see {result.path / 'manifest.json'}; "
             "--resume runs them again)")  # fmt: skip
        return EXIT_INVARIANT
    return 0


def _experiment_lines(result: Any, kpi: str | None) -> list[str]:
    """Headline means with their 95 % intervals, per point, for a few KPIs."""
    import pandas as pd

    summary = pd.read_csv(result.path / "summary.csv")
    shown = [kpi] if kpi else []
    shown += ["escapes.per_million_prime", "yield_by_tonnage.slab_to_prime_pct",
              "throughput_t_per_h", "ut_rejects_pct"]  # fmt: skip
    lines = [f"  MSER-5 warm-up {result.warmup['mser5_days']} days (scenario: "
             f"{result.warmup['scenario_warmup_days']:g})"]  # fmt: skip
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


def _analysis(name: str) -> Any:
    from mill import analysis

    return getattr(analysis, name)


def cmd_trace(args: argparse.Namespace) -> int:
    print(_analysis("trace_text")(args.run, args.id))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    experiment = _analysis("is_experiment_folder")(args.run)
    write = _analysis("write_experiment_report" if experiment else "write_report")
    out = write(args.run, args.out)
    print(f"report: {out}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    print(_analysis("comparison_text")(args.a, args.b, args.kpi, args.all))
    return 0


def cmd_certificate(args: argparse.Namespace) -> int:
    paths = _analysis("write_certificate")(args.run, args.plate_id, args.out)
    for p in paths:
        print(f"certificate: {p}")
    return 0


# ---- parser ----------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mill",
        description="Discrete-event simulator of a rare-earth-treated wear-resistant plate mill.",
    )
    p.add_argument("--version", action="version", version=f"mill {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

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

    e = sub.add_parser(
        "experiment",
        help="run replications of design points and report confidence intervals",
        description="Run an experiment file: every design point (alternative × factor levels) "
        "for R replications with common random numbers, on local processes or a Dask cluster; "
        "writes runs.csv, summary.csv (means with 95 %% CIs) and comparisons.csv (paired "
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

    t = sub.add_parser(
        "trace",
        help="print the lineage of a heat, slab or plate",
        description="Print the lineage of a heat, slab or plate as a tree.",
    )
    t.add_argument("id", help="heat, slab, mother plate or product plate ID")
    t.add_argument("--run", required=True, help="run folder")
    t.set_defaults(func=cmd_trace)

    rep = sub.add_parser(
        "report",
        help="write a self-contained HTML report of a run or an experiment",
        description="Write a self-contained HTML report of a run folder, or of an experiment "
        "folder (design, means with 95 %% CIs, paired comparisons, plots, warm-up check, "
        "failed runs).",
    )
    rep.add_argument("run", metavar="FOLDER", help="run folder or experiment folder")
    rep.add_argument("--out", help="HTML file (default FOLDER/report.html)")
    rep.set_defaults(func=cmd_report)

    c = sub.add_parser(
        "compare",
        help="compare two experiment points (95 %% CIs) or two runs",
        description="Compare B against A. Each side is an experiment point, EXP:POINT (the "
        "point's id such as p02, or its label), or a run folder. Two points are compared KPI "
        "by KPI with the difference B - A and its 95 %% confidence interval: paired by "
        "replication when the replications share their seeds (always within one experiment: "
        "common random numbers), else a Welch interval, which the output says. Two run "
        "folders are printed side by side, with the reminder that one run cannot tell a real "
        "difference from noise.",
        epilog="examples: mill compare experiments/rare_earth:p01 experiments/rare_earth:p02 | "
        "mill compare 'experiments/rare_earth:no RE' experiments/other:p01 --kpi "
        "escapes.per_million_prime | mill compare runs/a runs/b",
    )
    c.add_argument("a", metavar="A", help="EXP:POINT, or a run folder")
    c.add_argument("b", metavar="B", help="EXP:POINT, or a run folder")
    c.add_argument(
        "--kpi",
        action="append",
        metavar="PATH",
        help="compare this KPI (a runs.csv column, e.g. escapes.per_million_prime); repeatable; "
        "default: the headline KPIs",
    )
    c.add_argument("--all", action="store_true", help="compare every KPI both points have")
    c.set_defaults(func=cmd_compare)

    cert = sub.add_parser(
        "certificate",
        help="write an EN 10204 3.1 certificate for a plate",
        description="Write an EN 10204 type 3.1 inspection certificate "
        "(HTML and JSON) for a plate released as prime.",
    )
    cert.add_argument("plate_id")
    cert.add_argument("--run", required=True, help="run folder")
    cert.add_argument("--out", help="folder for the certificate files (default RUN/certificates)")
    cert.set_defaults(func=cmd_certificate)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from mill.scenario import ScenarioError

    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "out", None) == "":  # an empty --out would silently mean the default
        _err("--out: an empty path; give a path, or leave --out out for the default")
        return EXIT_USER
    user_errors: tuple[type[BaseException], ...] = (UserError, ScenarioError, FileNotFoundError)
    try:
        from mill.analysis import AnalysisError

        user_errors = (*user_errors, AnalysisError)
    except ImportError:
        pass
    in_main = threading.current_thread() is threading.main_thread()  # signals: main thread only
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    try:
        return int(args.func(args))
    except user_errors as exc:
        for line in str(exc).splitlines() or [type(exc).__name__]:
            _err(line)
        return EXIT_USER
    except KeyboardInterrupt:
        _err("interrupted; no run folder was written")
        return 130
    except Terminated:
        _err("terminated (SIGTERM); no run folder was written")
        return 128 + signal.SIGTERM
    except BrokenPipeError:  # e.g. `mill trace ... | head`: the reader left, nothing to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
