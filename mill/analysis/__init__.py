"""Analysis for people: genealogy queries, statistics, plots, reports and certificates.

Reads run and experiment folders only (DESIGN.md, the run folder) — never the live model — so a
run made last week on another machine is analysed the same way::

    from mill.analysis import load_run, plot_pareto, trace_back
    run = load_run("runs/x")
    run.plates.groupby("grade_ordered", observed=True)["mass_t"].sum()
    plot_pareto(run)
"""

from mill.analysis.certificate import certificate_data, write_certificate
from mill.analysis.compare import compare_kpis, compare_text, kpis
from mill.analysis.experiment_compare import compare_points, comparison_text
from mill.analysis.experiment_load import Experiment, is_experiment_folder, load_experiment
from mill.analysis.experiment_plots import factor_effect, plot_factor_effect, plot_kpi_by_point
from mill.analysis.experiment_report import experiment_report_html, write_experiment_report
from mill.analysis.genealogy import (
    Lineage,
    containment,
    inspection_shifts,
    trace_back,
    trace_forward,
)
from mill.analysis.genealogy_plot import plot_genealogy
from mill.analysis.load import AnalysisError, Run, entity_kind, load_run
from mill.analysis.order_book import orders_over_time, plot_orders_over_time
from mill.analysis.plots import (
    plot_gantt,
    plot_lead_time,
    plot_origin_detection,
    plot_pareto,
    plot_utilisation,
    plot_wip_throughput,
    plot_yield_waterfall,
)
from mill.analysis.quality_plots import (
    charpy_sets,
    edge_zone_mm,
    plot_charpy,
    plot_defect_map,
    plot_hardness,
)
from mill.analysis.rca import rca_dataset, write_rca_dataset
from mill.analysis.report import report_html, write_report
from mill.analysis.rescore import Rescore, rescore, rescore_text, write_rescore
from mill.analysis.statistics import (
    defect_pareto,
    defect_table,
    detection_confusion,
    disposition_reasons,
    escape_reasons,
    lead_times,
    origin_vs_detection,
    property_tests,
    spec_compliance,
    unit_utilisation,
    wip_throughput,
    yield_waterfall,
)
from mill.analysis.tree import trace_text

__all__ = [
    "AnalysisError",
    "Experiment",
    "Lineage",
    "Rescore",
    "Run",
    "certificate_data",
    "charpy_sets",
    "compare_kpis",
    "compare_points",
    "compare_text",
    "comparison_text",
    "containment",
    "defect_pareto",
    "defect_table",
    "detection_confusion",
    "disposition_reasons",
    "edge_zone_mm",
    "entity_kind",
    "escape_reasons",
    "experiment_report_html",
    "factor_effect",
    "inspection_shifts",
    "is_experiment_folder",
    "kpis",
    "lead_times",
    "load_experiment",
    "load_run",
    "orders_over_time",
    "origin_vs_detection",
    "plot_charpy",
    "plot_defect_map",
    "plot_factor_effect",
    "plot_gantt",
    "plot_genealogy",
    "plot_hardness",
    "plot_kpi_by_point",
    "plot_lead_time",
    "plot_orders_over_time",
    "plot_origin_detection",
    "plot_pareto",
    "plot_utilisation",
    "plot_wip_throughput",
    "plot_yield_waterfall",
    "property_tests",
    "rca_dataset",
    "report_html",
    "rescore",
    "rescore_text",
    "spec_compliance",
    "trace_back",
    "trace_forward",
    "trace_text",
    "unit_utilisation",
    "wip_throughput",
    "write_certificate",
    "write_experiment_report",
    "write_rca_dataset",
    "write_report",
    "write_rescore",
    "yield_waterfall",
]
