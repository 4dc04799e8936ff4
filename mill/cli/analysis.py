"""The commands that read run and experiment folders: trace, report, compare, certificate,
rescore, export."""

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


def cmd_rescore(args: argparse.Namespace) -> int:
    out, result = _analysis("write_rescore")(args.run, args.set or [], args.out, args.force)
    print(_analysis("rescore_text")(result))
    print(f"rescore folder: {out}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    out, rows = _analysis("write_rca_dataset")(args.run, args.rca)
    print(f"rca data set: {out} ({rows} detected nonconformities)")
    return 0


def _add_rescore(sub: Any) -> None:
    r = sub.add_parser(
        "rescore",
        help="re-judge a finished run under other acceptance limits or disposition rules",
        description="Re-apply acceptance and disposition to the truth and measurements a run "
        "folder recorded, without simulating again, and write the re-scored plates table, a "
        "summary (escapes, false rejects, downgrades, released and prime tonnes) and its "
        "difference from the run's own figures. Only keys that act on recorded values can be "
        "set: quality.visual.scale_imperfection_max_mm2, quality.disposition.rework and a "
        "rule's action, reason, max_times or fallback "
        "(quality.disposition.rules.CONDITION.FIELD). Any other key changes what is measured "
        "or how the plant flows and is refused (exit 2): simulate it with mill experiment. A "
        "plate whose new decision needs rework, or a reworked plate whose path a changed rule "
        "touches, is reported as needing re-simulation.",
        epilog="examples: mill rescore runs/base | mill rescore runs/base --set "
        "quality.disposition.rules.surface_defect.action=downgrade --out runs/base-downgrade",
    )
    r.add_argument("run", metavar="RUN", help="run folder")
    r.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help="override one key (repeatable)"
    )
    r.add_argument("--out", help="output folder (default RUN-rescored beside the run)")
    r.add_argument("--force", action="store_true", help="replace an existing output folder")
    r.set_defaults(func=cmd_rescore)

    e = sub.add_parser(
        "export",
        help="export a data set derived from a run (root-cause analysis)",
        description="Write a data set derived from a run folder. --rca: one row per detected "
        "nonconformity (a defect an inspection found, or a failed test) with what the mill's "
        "own systems hold (lineage, heat chemistry, casting, rolling, heat treatment, cutting, "
        "measurements) and the true root cause as the label; `mill schema` lists its columns.",
    )
    e.add_argument("run", metavar="RUN", help="run folder")
    e.add_argument("--rca", required=True, metavar="FILE.csv", help="the CSV file to write")
    e.set_defaults(func=cmd_export)


def add_parsers(sub: Any) -> None:
    """The trace, report, compare, certificate, rescore and export subcommands."""
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

    _add_rescore(sub)
