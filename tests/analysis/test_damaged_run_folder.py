"""A damaged run folder is refused, not trusted (issue 12).

``manifest.json`` holds every file's SHA-256 (``checksums_sha256``) and every table's row count
(``rows``). ``load_run`` checks both by default, and every analysis command loads through it,
so a table cut short or edited after the run is an ``AnalysisError`` naming the file (exit 2
from the command line, nothing written) instead of a traceback or, worse, a plausible result:
a 3.1 certificate with no tests and ``compliant: true``, a plate traced with no lineage.
``load_run(path, verify=False)`` skips the check; what it still refuses is tested here too.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from fault_support import call, files_under, one_user_error

from mill.analysis import AnalysisError, certificate_data, load_run


@pytest.fixture
def run_dir(sim_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the suite's short simulated run, free to damage."""
    return Path(shutil.copytree(sim_dir, tmp_path / "run"))


def prime_plate(folder: Path) -> str:
    plates = pd.read_csv(folder / "plates.csv", dtype=str)
    return str(plates.loc[plates["disposition"] == "prime", "plate_id"].iloc[0])


def cut_in_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def header_only(path: Path) -> None:
    path.write_bytes(path.read_bytes().split(b"\n", 1)[0] + b"\n")


def not_utf8(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"# \xff\xfe\n")


def json_list(path: Path) -> None:
    path.write_text("[1, 2]\n", encoding="utf-8")


def reseal(folder: Path) -> None:
    """Record the folder's current checksums in its manifest, as if the damage were the run's
    own output (to reach what ``load_run`` refuses beyond the checksums)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["checksums_sha256"] = {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in manifest["checksums_sha256"]
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


DAMAGES: list[tuple[str, Callable[[Path], None]]] = [
    ("plates.csv", cut_in_half),
    ("tests.csv", header_only),
    ("genealogy.csv", header_only),
    ("events.csv", cut_in_half),
    ("scenario.toml", not_utf8),
    ("summary.json", json_list),
]


@pytest.mark.parametrize(("name", "damage"), DAMAGES, ids=[d[0] for d in DAMAGES])
def test_load_run_refuses_a_file_that_does_not_match_its_checksum(
    run_dir: Path, name: str, damage: Callable[[Path], None]
) -> None:
    """Each damaged file is named in the error, with what is wrong with it."""
    load_run(run_dir)  # the undamaged copy verifies
    damage(run_dir / name)
    with pytest.raises(AnalysisError) as info:
        load_run(run_dir)
    assert str(info.value) == (
        f"{run_dir / name}: damaged: its SHA-256 is not the one manifest.json recorded "
        "(the file was changed or cut short after the run)"
    )


def test_a_certificate_is_not_issued_from_a_folder_whose_tests_were_cut(run_dir: Path) -> None:
    """``tests.csv`` cut to its header gave a 3.1 certificate with no tests and
    ``compliant: true``; now ``mill certificate`` exits 2 naming tests.csv and writes nothing."""
    plate = prime_plate(run_dir)
    header_only(run_dir / "tests.csv")
    out = run_dir.parent / "certs"
    msg = one_user_error(*call("certificate", plate, "--run", str(run_dir), "--out", str(out))[::2])
    assert msg.startswith(f"{run_dir / 'tests.csv'}: damaged")
    assert not out.exists()


def test_a_certificate_needs_test_results_even_unverified(run_dir: Path) -> None:
    """Loaded with ``verify=False``, a prime plate with no hardness test in tests.csv still
    gets no certificate: a 3.1 certificate states results it must have."""
    plate = prime_plate(run_dir)
    header_only(run_dir / "tests.csv")
    with pytest.raises(AnalysisError, match="holds no surface hardness test"):
        certificate_data(load_run(run_dir, verify=False), plate)


def test_trace_refuses_a_folder_whose_genealogy_is_empty(run_dir: Path) -> None:
    """An empty ``genealogy.csv`` made ``mill trace`` print a plate with no lineage."""
    header_only(run_dir / "genealogy.csv")
    status, out, err = call("trace", prime_plate(run_dir), "--run", str(run_dir))
    assert one_user_error(status, err).startswith(f"{run_dir / 'genealogy.csv'}: damaged")
    assert out == ""


def test_compare_and_report_refuse_a_truncated_plates_table(run_dir: Path, sim_dir: Path) -> None:
    """A plates.csv cut short made ``report`` raise ValueError and ``compare`` print KPIs."""
    cut_in_half(run_dir / "plates.csv")
    before = files_under(run_dir)
    for argv in (("compare", str(sim_dir), str(run_dir)), ("report", str(run_dir))):
        status, out, err = call(*argv)
        assert one_user_error(status, err).startswith(f"{run_dir / 'plates.csv'}: damaged")
        assert out == ""
    assert files_under(run_dir) == before  # no report.html


def test_a_summary_that_is_not_an_object_is_refused_even_unverified(run_dir: Path) -> None:
    """``summary.json`` holding a list raised AttributeError in ``mill compare``; unverified,
    it is still refused as not a JSON object (and verified, as damaged)."""
    json_list(run_dir / "summary.json")
    reseal(run_dir)
    with pytest.raises(AnalysisError, match=r"summary.json: damaged: a JSON list, not an object"):
        load_run(run_dir, verify=False)
    status, _, err = call("compare", str(run_dir), str(run_dir))
    assert "summary.json: damaged: a JSON list, not an object" in one_user_error(status, err)


def test_a_scenario_that_is_not_utf8_is_refused_even_unverified(run_dir: Path) -> None:
    """A run's ``scenario.toml`` that is not UTF-8 raised UnicodeDecodeError in ``report``."""
    not_utf8(run_dir / "scenario.toml")
    with pytest.raises(AnalysisError, match=r"scenario.toml: damaged: not UTF-8 text"):
        load_run(run_dir, verify=False)


def test_row_counts_are_checked_against_the_manifest(run_dir: Path) -> None:
    """A table whose row count differs from ``rows`` is refused even if its checksum was
    recorded again (a folder pieced together from two runs, say)."""
    header_only(run_dir / "tests.csv")
    reseal(run_dir)
    with pytest.raises(AnalysisError, match=r"tests.csv: damaged: 0 rows where manifest.json"):
        load_run(run_dir)
    assert len(load_run(run_dir, verify=False).tests) == 0


def test_a_manifest_without_checksums_cannot_be_verified(run_dir: Path) -> None:
    """No ``checksums_sha256``: refused with the way to read it unchecked, which works."""
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    del manifest["checksums_sha256"]
    (run_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(AnalysisError, match=r"verify=False"):
        load_run(run_dir)
    assert len(load_run(run_dir, verify=False).plates) == manifest["rows"]["plates"]


def test_files_the_analysis_writes_do_not_damage_the_folder(run_dir: Path) -> None:
    """A report and certificates written into the run folder leave it verifiable."""
    assert call("report", str(run_dir))[0] == 0
    assert call("certificate", prime_plate(run_dir), "--run", str(run_dir))[0] == 0
    assert (run_dir / "report.html").is_file() and (run_dir / "certificates").is_dir()
    load_run(run_dir)


def test_report_out_through_a_file_is_a_user_error(run_dir: Path, tmp_path: Path) -> None:
    """``--out afile/x.html`` raised FileExistsError; now exit 2 naming the file, nothing
    written."""
    afile = tmp_path / "afile"
    afile.write_text("mine\n", encoding="utf-8")
    msg = one_user_error(*call("report", str(run_dir), "--out", str(afile / "x.html"))[::2])
    assert msg == f"cannot write {afile / 'x.html'}: {afile} is a file, not a folder"
    assert afile.read_text(encoding="utf-8") == "mine\n"


def test_certificate_out_through_a_file_is_a_user_error(run_dir: Path, tmp_path: Path) -> None:
    """``mill certificate --out afile/sub``: exit 2 naming the file, nothing written."""
    afile = tmp_path / "afile"
    afile.write_text("mine\n", encoding="utf-8")
    plate = prime_plate(run_dir)
    argv = ("certificate", plate, "--run", str(run_dir), "--out", str(afile / "sub"))
    msg = one_user_error(*call(*argv)[::2])
    assert (
        msg
        == f"cannot write {afile / 'sub' / f'cert-{plate}.html'}: {afile} is a file, not a folder"
    )
    assert afile.read_text(encoding="utf-8") == "mine\n"


def test_report_never_overwrites_a_file_of_the_run(run_dir: Path) -> None:
    """``mill report RUN --out RUN/manifest.json`` replaced the manifest with HTML."""
    before = files_under(run_dir)
    msg = one_user_error(
        *call("report", str(run_dir), "--out", str(run_dir / "manifest.json"))[::2]
    )
    assert msg == f"refusing to write {run_dir / 'manifest.json'}: it is a file of the run itself"
    assert files_under(run_dir) == before
