"""The documentation that is generated from code stays in step with it."""

from __future__ import annotations

from pathlib import Path

from mill.trace import dictionary, schema

ROOT = Path(__file__).resolve().parents[1]


def test_data_dictionary_doc_matches_the_schema():
    """docs/data-dictionary.md is `mill schema --markdown`; regenerate it when columns change."""
    doc = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert doc.strip() == dictionary.markdown().strip()


def test_every_column_name_carries_its_unit():
    """A column with a unit ends in that unit's suffix (DESIGN.md: `_mm`, `_t`, `_c`, `_min`...);
    the carbon-equivalent indices keep their conventional names (CEV, CET, Pcm are in wt %)."""
    suffix = {
        "mm": "_mm",
        "t": "_t",
        "min": "_min",
        "h": "_h",
        "°C": "_c",
        "HBW": "_hbw",
        "J": "_j",
        "ppm": "_ppm",
        "bar": "_bar",
        "mm²": "_mm2",
        "W/m²K": "_w_m2k",
        "°C/s": "_c_per_s",
        "wt %": "_pct",
    }
    conventional = {"cev", "cet", "pcm"}
    for table, cols in {**schema.TABLES, **dictionary.DERIVED_TABLES}.items():
        for c in cols:
            if c.unit and c.name not in conventional:
                assert c.unit in suffix, (table, c.name, c.unit)
                assert c.name.endswith(suffix[c.unit]), (table, c.name, c.unit)


def test_the_readme_scenario_example_is_a_valid_scenario():
    """The TOML examples in the README validate as they stand: scenarios as scenarios, and the
    experiment example as an experiment whose every design point builds (its scenario path is
    read as if the file were in experiments/, as the shipped studies are)."""
    import re
    import tomllib

    from mill.experiment import plan
    from mill.experiment.spec import parse_experiment
    from mill.scenario import validate

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", readme, flags=re.S)
    assert blocks, "the README has a TOML example"
    experiments = 0
    for block in blocks:
        data = tomllib.loads(block)
        if "experiment" in data:
            spec = parse_experiment(data)
            scenario = (ROOT / "experiments" / spec.experiment.scenario).resolve()
            assert len(plan(spec, ROOT / "experiments" / "x.toml", scenario).points) == 6
            experiments += 1
        else:
            validate(data)
    assert experiments == 1
