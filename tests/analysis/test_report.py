"""Report, compare and certificate: valid HTML with decodable images; values equal the trace."""

from __future__ import annotations

import base64
import json
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from synthetic_run import A, B, C, D

from mill.analysis import (
    AnalysisError,
    Run,
    compare_text,
    kpis,
    write_certificate,
    write_report,
)
from mill.cli import main


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.images: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "img":
            self.images.append(dict(attrs)["src"] or "")


def _parse(path: Path) -> _Collect:
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert text.rstrip().endswith("</html>")
    p = _Collect()
    p.feed(text)
    p.close()
    return p


def test_report(sim: Run, tmp_path: Path) -> None:
    out = write_report(sim, tmp_path / "r.html")
    assert out == tmp_path / "r.html"
    parsed = _parse(out)
    assert {"html", "head", "body", "table", "img", "h1"} <= parsed.tags
    assert len(parsed.images) >= 11
    for src in parsed.images:
        assert src.startswith("data:image/png;base64,")
        png = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    text = out.read_text(encoding="utf-8")
    assert "plot not drawn" not in text
    assert "http://" not in text and "https://" not in text  # self-contained


def test_report_default_path_via_cli(syn_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(syn_dir)]) == 0
    assert (syn_dir / "report.html").is_file()
    assert "report:" in capsys.readouterr().out


def test_compare(sim: Run, syn: Run) -> None:
    text = compare_text(sim, sim)
    assert "plates released" in text and "Δ (B−A)" in text
    released = f"{sim.summary['plates']['released']:,}"
    line = next(ln for ln in text.splitlines() if ln.startswith("plates released"))
    assert line.split()[-4:] == [released, released, "0", "+0.0"]
    other = compare_text(sim, syn)
    line = next(ln for ln in other.splitlines() if ln.startswith("plates released"))
    diff = 5 - sim.summary["plates"]["released"]
    assert f"{diff:,}" in line and "worse" in line
    assert "–" in other  # KPIs the hand-made run does not report
    assert len(kpis(syn).dropna()) == 3


def test_certificate_values_equal_the_trace(sim: Run, tmp_path: Path) -> None:
    prime = sim.plates[sim.plates["disposition"].astype(str) == "prime"]
    plate = prime.sort_values("thickness_mm").iloc[-1]
    pid = str(plate["plate_id"])
    html_path, json_path = write_certificate(sim, pid, tmp_path)
    assert html_path.name == f"cert-{pid}.html" and json_path.name == f"cert-{pid}.json"
    _parse(html_path)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    prod = data["product"]
    for key in ("thickness_mm", "width_mm", "length_mm", "mass_t"):
        assert prod[key] == pytest.approx(float(plate[key]))
    assert prod["grade"] == str(plate["grade_released"])
    assert prod["heat_id"] == plate["heat_id"] and data["order"]["order_id"] == plate["order_id"]
    heat = sim.heats.set_index("heat_id").loc[plate["heat_id"]]
    for el, v in data["chemistry"]["elements_pct"].items():
        assert v == pytest.approx(float(heat[f"{el.lower()}_pct"]))
    assert data["hardness"]["surface"]["value_hbw"] == pytest.approx(plate["hardness_meas_hbw"])
    tested = sim.tests[sim.tests["entity_id"] == plate["hardness_test_plate"]]
    values = set(tested.loc[tested["kind"].astype(str) == "hardness_surface", "value"])
    assert {t["value"] for t in data["hardness"]["surface"]["tests"]} == values
    kv = data["charpy"]
    assert kv["average_j"] == pytest.approx(plate["charpy_meas_avg_j"])
    assert kv["temperature_c"] == pytest.approx(plate["charpy_test_temp_c"])
    # the specimens of the lot's test plate stand for the plate: they average to its value
    assert kv["test_plate"] == plate["charpy_test_plate"]
    assert kv["individual_j"]
    assert sum(kv["individual_j"]) / len(kv["individual_j"]) == pytest.approx(
        plate["charpy_meas_avg_j"], abs=0.06
    )
    assert kv["position"]
    assert data["ultrasonic"]["class_ordered"] == str(plate["ut_class_ordered"])
    assert data["ultrasonic"]["body_class_met"] == str(plate["ut_body_class"])
    assert data["delivery_condition"]["temper_temp_c"] == pytest.approx(plate["temper_temp_c"])
    # compliant unless the heat analysis is outside a GB/T 24186 limit the certificate states
    chem = data["chemistry"]
    values = {**chem["elements_pct"], "CEV": chem["cev"]}
    outside = [
        el
        for el, lim in chem["limits"].items()
        if (lim["max"] is not None and values[el] > lim["max"])
        or (lim["min"] is not None and values[el] < lim["min"])
    ]
    assert [s.split()[0] for s in chem["outside_limits"]] == outside
    assert data["compliance"]["compliant"] is (not outside)
    assert pd.Timestamp(data["certificate"]["date"]) == plate["done_iso"]
    assert "EN 10204" in html_path.read_text(encoding="utf-8")


def test_certificate_on_known_plate(syn_dir: Path) -> None:
    html_path, json_path = write_certificate(syn_dir, A)
    assert html_path.parent == syn_dir / "certificates"
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["charpy"]["individual_j"] == [45.0, 50.0, 55.0]
    assert data["charpy"]["lot_id"] == "H000001-KVG0"
    assert data["hardness"]["lot_id"] == "H000001-20-H1"
    assert data["chemistry"]["elements_pct"]["C"] == 0.18


def test_certificate_refuses_scrap_and_wip(syn: Run, tmp_path: Path) -> None:
    """A scrapped plate (B) or one in progress (D) gets no certificate; a downgraded one does
    (tests/analysis/test_certificate_reader.py)."""
    for plate in (B, D):
        with pytest.raises(AnalysisError, match="not released as prime or downgraded"):
            write_certificate(syn, plate, tmp_path)
    with pytest.raises(AnalysisError, match="unknown"):
        write_certificate(syn, "H000001-S09-M1-P1", tmp_path)
    assert not list(tmp_path.iterdir())


def test_cli_user_errors(syn_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["certificate", B, "--run", str(syn_dir)]) == 2
    assert "not released as prime or downgraded" in capsys.readouterr().err
    assert main(["trace", "H000001", "--run", str(syn_dir / "nope")]) == 2
    assert main(["trace", C, "--run", str(syn_dir)]) == 0
    assert "cast from H000001" in capsys.readouterr().out
