"""The ``mill`` command line: a user error gives exit status 2 and one clear ``mill: error:``
message with no traceback and no output folder; ``--force`` replaces a run folder; every
subcommand has ``--help``; generated bad input never escapes as an exception.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tomllib
from pathlib import Path

import pytest
import tomli_w
from core_support import BASELINE, TINY, apply_edits, override_text, run_cli, scenario_edits
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mill.cli import EXIT_USER, main
from mill.model.plant import Plant
from mill.scenario import ScenarioError, load_scenario
from mill.trace.schema import TABLES

SUBCOMMANDS = ("run", "validate", "schema", "trace", "report", "compare", "certificate")
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def call(*argv: str) -> tuple[int, str, str]:
    """``mill ARGV`` in this process: (status, stdout, stderr); fails on any exception."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def tiny_args() -> list[str]:
    return [f"--set={o}" for o in TINY]


def assert_user_error(status: int, stderr: str) -> list[str]:
    """Status 2 and every stderr line a ``mill: error:`` message; returns the messages."""
    assert status == EXIT_USER
    lines = stderr.splitlines()
    assert lines, "a user error must say what is wrong"
    assert all(line.startswith("mill: error: ") for line in lines), stderr
    assert "Traceback" not in stderr
    return [line.removeprefix("mill: error: ") for line in lines]


def listing(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → bytes), to show nothing was touched."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# ---- real processes: exit codes and stderr as a user sees them ----------------------------
def test_run_on_a_missing_file_exits_2_with_one_message_and_writes_nothing(tmp_path: Path) -> None:
    """``mill run missing.toml``: status 2, one ``mill: error:`` line, no traceback, no folder."""
    proc = run_cli("run", "missing.toml", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "mill: error: missing.toml: no such file\n"
    assert proc.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_run_with_a_bad_field_exits_2_naming_the_field(tmp_path: Path) -> None:
    """A bad value in the scenario stops ``mill run`` before anything is written."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[plant.tempering_furnace]\ncapacity = 500\n", encoding="utf-8")
    proc = run_cli("run", str(bad), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert proc.stderr == (
        "mill: error: plant.tempering_furnace.capacity: must be between 1 and 200\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_help_lists_every_subcommand() -> None:
    """``mill --help`` exits 0 and names every subcommand."""
    proc = run_cli("--help")
    assert proc.returncode == 0
    for name in SUBCOMMANDS:
        assert name in proc.stdout


# ---- mill run ----------------------------------------------------------------------------
def test_run_refuses_an_existing_folder_without_force_and_leaves_it_untouched(
    tmp_path: Path,
) -> None:
    """An existing output folder is a user error unless --force; its content is untouched."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    before = listing(tmp_path)
    status, stdout, stderr = call("run", str(BASELINE), *tiny_args(), "--out", str(out))
    (msg,) = assert_user_error(status, stderr)
    assert str(out) in msg and "exists" in msg and "--force" in msg
    assert stdout == ""
    assert listing(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_force_replaces_an_existing_run_folder(tmp_path: Path) -> None:
    """``--force`` swaps an old run folder for the new run and leaves no temporary siblings
    (what it may not replace is pinned in test_force_and_leftovers.py)."""
    out = tmp_path / "out"
    status, _, stderr = call("run", str(BASELINE), *tiny_args(), "--out", str(out), "--quiet")
    assert status == 0, stderr
    (out / "report.html").write_text("old", encoding="utf-8")
    status, _, stderr = call(
        "run", str(BASELINE), *tiny_args(), "--seed", "7", "--out", str(out), "--force", "--quiet"
    )
    assert status == 0, stderr
    assert not (out / "report.html").exists()
    names = {p.name for p in out.iterdir()}
    assert {"manifest.json", "summary.json", "scenario.toml"} <= names
    assert {f"{t}.csv" for t in TABLES} <= names
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 7
    assert tomllib.loads((out / "scenario.toml").read_text(encoding="utf-8"))["run"]["seed"] == 7


def test_a_run_folder_inside_the_working_folder_is_shown_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in the README quick start: ``run folder: runs/NAME-seedN``, not an absolute path."""
    monkeypatch.chdir(tmp_path)
    status, stdout, stderr = call("run", str(BASELINE), *tiny_args(), "--set=run.seed=3")
    assert status == 0, stderr
    assert stdout.splitlines()[0] == f"run folder: {Path('runs') / 'baseline-seed3'}"


def test_run_prints_the_folder_and_headline_kpis_unless_quiet(tmp_path: Path) -> None:
    """A run says where its folder is and prints its headline KPIs; --quiet prints nothing."""
    status, stdout, stderr = call("run", str(BASELINE), *tiny_args(), "--out", str(tmp_path / "a"))
    assert status == 0, stderr
    assert f"run folder: {tmp_path / 'a'}" in stdout
    for word in ("released", "throughput", "lead time", "escapes", "false rejects"):
        assert word in stdout
    status, stdout, stderr = call(
        "run", str(BASELINE), *tiny_args(), "--out", str(tmp_path / "b"), "--quiet"
    )
    assert (status, stdout, stderr) == (0, "", "")


def test_run_without_out_writes_runs_name_seed_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --out the folder is ``runs/NAME-seedSEED`` under the current folder."""
    monkeypatch.chdir(tmp_path)
    status, _, stderr = call("run", str(BASELINE), *tiny_args(), "--seed", "5", "--quiet")
    assert status == 0, stderr
    assert (tmp_path / "runs" / "baseline-seed5" / "manifest.json").is_file()


def test_interrupted_run_exits_130_and_writes_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during a run leaves no run folder and no temporary folder, and says so."""

    def interrupted(self: Plant, progress: object = None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Plant, "run", interrupted)
    status, _, stderr = call("run", str(BASELINE), *tiny_args(), "--out", str(tmp_path / "out"))
    assert status == 130
    assert stderr.startswith("mill: error: interrupted")
    assert list(tmp_path.iterdir()) == []


def test_run_into_a_path_under_a_file_is_a_user_error(tmp_path: Path) -> None:
    """``--out some-file/run`` is exit 2 with a message, not an OSError traceback (BUG today:
    FileExistsError from RunFolder's mkdir escapes main(), which only catches
    FileNotFoundError among OS errors)."""
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    status, _, stderr = call("run", str(BASELINE), *tiny_args(), "--out", str(blocker / "run"))
    assert_user_error(status, stderr)
    assert blocker.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("name", ["a\u0000b", "/abs", "../up"], ids=repr)
def test_run_name_must_be_usable_as_a_folder_name(name: str) -> None:
    """``run.name`` becomes the default folder ``runs/NAME-seedN``, so validation refuses a
    name with a NUL or a path separator (BUG today: accepted; a NUL makes ``mill run``
    crash with 'ValueError: embedded null byte', '/abs' writes to /abs-seed1)."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(BASELINE, [f"run.name={json.dumps(name)}"])
    assert info.value.messages[0].startswith("run.name: ")


def test_orders_csv_that_is_not_utf8_is_a_user_error(tmp_path: Path) -> None:
    """An unreadable orders CSV is exit 2 with a message (BUG today: UnicodeDecodeError from
    mill/model/orders.py read_orders_csv escapes as a traceback)."""
    (tmp_path / "orders.csv").write_bytes(b"\xff\xfe\x00garbage")
    sc = tmp_path / "s.toml"
    sc.write_text('[orders]\nsource = "csv"\ncsv = "orders.csv"\n', encoding="utf-8")
    status, _, stderr = call("run", str(sc), *tiny_args(), "--out", str(tmp_path / "out"))
    assert_user_error(status, stderr)
    assert not (tmp_path / "out").exists()


def test_validate_checks_the_rows_of_an_orders_csv(tmp_path: Path) -> None:
    """``mill validate`` finds what ``mill run`` would refuse in an orders CSV (BUG today:
    the CSV is only read when the run starts, so validate says ok)."""
    (tmp_path / "orders.csv").write_text(
        "order_id,grade,thickness_mm,width_mm,length_mm,quantity,ut_class,arrival_day,due_day\n"
        "O1,NM999,20,2000,6000,2,none,0,20\n",
        encoding="utf-8",
    )
    sc = tmp_path / "s.toml"
    sc.write_text('[orders]\nsource = "csv"\ncsv = "orders.csv"\n', encoding="utf-8")
    status, _, stderr = call("validate", str(sc))
    (msg,) = assert_user_error(status, stderr)
    assert "NM999" in msg


@pytest.mark.parametrize(
    "argv",
    [
        ["trace", "H000001", "--run", "{missing}"],
        ["report", "{missing}"],
        ["compare", "{missing}", "{missing}"],
        ["certificate", "H000001-S01-M1-P1", "--run", "{missing}"],
    ],
    ids=lambda a: a[0],
)
def test_commands_that_read_a_run_folder_refuse_a_missing_one(
    tmp_path: Path, argv: list[str]
) -> None:
    """trace, report, compare and certificate on a folder that is not there: status 2, one
    ``mill: error:`` line naming it, and nothing created."""
    missing = tmp_path / "no-run"
    status, _, stderr = call(*[a.format(missing=missing) for a in argv])
    (msg,) = assert_user_error(status, stderr)
    assert str(missing) in msg
    assert list(tmp_path.iterdir()) == []


# ---- mill validate -----------------------------------------------------------------------
def test_validate_ok_prints_a_one_line_summary() -> None:
    """A good scenario: status 0 and ``FILE: ok (name, days, seed)``."""
    run = tomllib.loads(BASELINE.read_text(encoding="utf-8"))["run"]
    status, stdout, stderr = call("validate", str(BASELINE))
    assert (status, stderr) == (0, "")
    expected = f"{run['name']}, {run['horizon_days']:g} days, seed {run['seed']}"
    assert stdout == f"{BASELINE}: ok ({expected})\n"


def test_validate_applies_overrides() -> None:
    """``mill validate --set`` checks the scenario as overridden."""
    status, stdout, _ = call("validate", str(BASELINE), "--set", "run.seed=3")
    assert status == 0 and "seed 3" in stdout
    status, _, stderr = call("validate", str(BASELINE), "--set", "run.warmup_days=20")
    assert assert_user_error(status, stderr) == [
        "run: warmup_days must be shorter than horizon_days"
    ]


def test_validate_bad_file_lists_every_problem(tmp_path: Path) -> None:
    """A file with several mistakes: status 2 and one ``mill: error:`` line per mistake."""
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[run]\nseed = -1\n[plant.lab]\ncapasity = 2\n[plant.quench]\ncapacity = 0\n",
        encoding="utf-8",
    )
    status, stdout, stderr = call("validate", str(bad))
    msgs = assert_user_error(status, stderr)
    assert stdout == ""
    assert len(msgs) == 3
    assert any(m.startswith("plant.lab.capasity: unknown field; did you mean") for m in msgs)


def test_validate_reports_an_unknown_defect_rate() -> None:
    """Defect-rate overrides are checked against the model's rate names."""
    status, _, stderr = call(
        "validate", str(BASELINE), "--set", "quality.defect_rates.no_such_rate=1"
    )
    (msg,) = assert_user_error(status, stderr)
    assert msg == "quality.defect_rates: unknown rate(s): no_such_rate"


def test_validate_missing_file_and_bad_toml(tmp_path: Path) -> None:
    """A missing file and a file that is not TOML are user errors naming the file."""
    status, _, stderr = call("validate", str(tmp_path / "nope.toml"))
    assert assert_user_error(status, stderr) == [f"{tmp_path / 'nope.toml'}: no such file"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[run\n", encoding="utf-8")
    status, _, stderr = call("validate", str(bad))
    (msg,) = assert_user_error(status, stderr)
    assert msg.startswith(f"{bad}: not valid TOML")


# ---- mill schema, --help, --version -------------------------------------------------------
@pytest.mark.parametrize("markdown", [False, True], ids=["text", "markdown"])
def test_schema_prints_every_table_and_column(markdown: bool) -> None:
    """``mill schema`` (and ``--markdown``) lists every table and every column with meaning."""
    status, stdout, _ = call("schema", *(["--markdown"] if markdown else []))
    assert status == 0
    for table, cols in TABLES.items():
        assert f"{table}.csv" in stdout
        for col in cols:
            assert (f"`{col.name}`" if markdown else f"  {col.name} ") in stdout
            assert col.meaning in stdout


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_every_subcommand_has_help(sub: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``mill SUB --help`` prints its usage and exits 0."""
    with pytest.raises(SystemExit) as info:
        main([sub, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: mill {sub}")
    assert "-h, --help" in out


def test_version_prints_the_mill_version(capsys: pytest.CaptureFixture[str]) -> None:
    """``mill --version`` prints ``mill X.Y.Z``."""
    from mill import __version__

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"mill {__version__}"


@pytest.mark.parametrize("argv", [[], ["nonsense"], ["run"], ["run", "x.toml", "--seed", "abc"]])
def test_bad_command_line_exits_2_with_usage(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed command line is argparse's exit 2 with a usage line."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage: mill" in capsys.readouterr().err


# ---- generated bad input -----------------------------------------------------------------
def _baseline_data() -> dict:
    return tomllib.loads(BASELINE.read_text(encoding="utf-8"))


@FUZZ
@given(content=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
def test_random_bytes_as_a_scenario_never_raise(tmp_path: Path, content: bytes) -> None:
    """Random bytes as a scenario file: ``mill validate`` returns 0 or 2, never raises."""
    f = tmp_path / "random.toml"
    f.write_bytes(content)
    status, stdout, stderr = call("validate", str(f))
    if status == 0:
        assert stdout.startswith(f"{f}: ok")
    else:
        assert_user_error(status, stderr)


@FUZZ
@given(edits=scenario_edits)
def test_random_scenario_tables_never_raise(tmp_path: Path, edits: list) -> None:
    """Random values at random paths of baseline.toml: ``mill validate`` returns 0 or 2."""
    f = tmp_path / "edited.toml"
    try:
        text = tomli_w.dumps(apply_edits(_baseline_data(), edits))
    except (TypeError, ValueError):
        assume(False)  # not representable in TOML (e.g. a NaN key); nothing to test
    f.write_text(text, encoding="utf-8")
    status, _, stderr = call("validate", str(f))
    if status != 0:
        assert_user_error(status, stderr)


@FUZZ
@given(texts=st.lists(override_text, min_size=1, max_size=3))
def test_random_set_strings_never_raise(texts: list[str]) -> None:
    """Random ``--set`` strings: ``mill validate`` returns 0 or 2, never raises."""
    status, _, stderr = call("validate", str(BASELINE), *[f"--set={t}" for t in texts])
    if status != 0:
        assert_user_error(status, stderr)


@FUZZ
@given(
    edits=scenario_edits,
    texts=st.lists(override_text, max_size=2),
    garbage=st.booleans(),
)
def test_run_with_bad_input_writes_no_output_folder(
    tmp_path: Path, edits: list, texts: list[str], garbage: bool
) -> None:
    """``mill run`` with an invalid file or override returns 2 and creates nothing."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    f = tmp_path / "edited.toml"
    try:
        text = tomli_w.dumps(apply_edits(_baseline_data(), edits))
    except (TypeError, ValueError):
        assume(False)
    if garbage:
        text += "\n[[[ not toml\n"
    f.write_text(text, encoding="utf-8")
    overrides = [*texts, *TINY]
    try:
        load_scenario(f, overrides)
    except ScenarioError:
        pass
    else:
        assume(False)  # a valid scenario would simulate; only bad input is tested here
    status, stdout, stderr = call(
        "run", str(f), *[f"--set={t}" for t in overrides], "--out", str(work / "out")
    )
    assert_user_error(status, stderr)
    assert stdout == ""
    assert os.listdir(work) == []


def test_a_repeated_run_without_out_takes_the_next_free_default_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Running the README command twice never fails or overwrites: the second run goes to
    ``runs/NAME-seedN-2``; an explicit ``--out`` that exists is still an error."""
    monkeypatch.chdir(tmp_path)
    args = ["run", str(BASELINE), *tiny_args(), "--quiet"]
    assert main(args) == 0
    assert main(args) == 0
    names = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert len(names) == 2 and names[1] == names[0] + "-2"
    assert main([*args, "--out", str(tmp_path / "runs" / names[0])]) == 2


@pytest.mark.parametrize("command", sorted({*SUBCOMMANDS, "experiment"}))
def test_help_text_reads_as_written(command: str) -> None:
    """``--help`` of every subcommand shows no doubled percent sign (argparse formats help=
    strings with %, but prints description= as it stands)."""
    proc = run_cli(command, "--help")
    assert proc.returncode == 0
    assert "%%" not in proc.stdout
