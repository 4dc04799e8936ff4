"""The commands that read run and experiment folders: trace, report, compare, certificate."""

from __future__ import annotations

import argparse
from typing import Any


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
    paths = _analysis("write_certificate")(args.run, args.plate_id, args.out, args.inspector)
    for p in paths:
        print(f"certificate: {p}")
    return 0


def add_parsers(sub: Any) -> None:
    """The trace, report, compare and certificate subcommands."""
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
        "folder (design, means with 95 % CIs, paired comparisons, plots, warm-up check, "
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
        "by KPI with the difference B - A and its 95 % confidence interval: paired by "
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
        "(HTML and JSON) for a plate released as prime, or downgraded (as the grade it was "
        "released as).",
    )
    cert.add_argument("plate_id")
    cert.add_argument("--run", required=True, help="run folder")
    cert.add_argument("--out", help="folder for the certificate files (default RUN/certificates)")
    cert.add_argument(
        "--inspector",
        default="Q. A. Inspector (synthetic), quality department",
        help="the authorised inspection representative the certificate names",
    )
    cert.set_defaults(func=cmd_certificate)
