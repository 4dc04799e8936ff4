"""Centre porosity in a run follows the closure model (issue 14.6): a void reaches a plate
only when the rolling from its slab left it partly open, and the voids slabs.csv counts as
closed belong to slabs rolled enough to close them (mill.quality.porosity)."""

from __future__ import annotations

import pandas as pd
from core_support import RunArtifacts

from mill.quality.porosity import porosity_open_fraction


def _open_by_slab(run: RunArtifacts) -> pd.Series:
    slabs = pd.read_csv(run.path / "slabs.csv", low_memory=False).set_index("slab_id")
    plates = pd.read_csv(run.path / "plates.csv", low_memory=False)
    plate_t = plates.groupby("slab_id")["thickness_mm"].first()
    pm = run.scenario.plant.plate_mill
    return pd.Series(
        {
            sid: porosity_open_fraction(
                float(slabs.loc[sid, "thickness_mm"]),
                float(t),
                pm.reduction_per_pass,
                pm.work_roll_diameter_mm / 2.0,
            )
            for sid, t in plate_t.items()
        }
    )


def test_porosity_reaches_only_plates_rolled_too_little_to_close_it(
    baseline_run: RunArtifacts,
) -> None:
    """Every void found on the way to a plate comes from a slab whose rolling left voids
    open; every slab with closed voids was rolled enough to close them all."""
    opened = _open_by_slab(baseline_run)
    defects = pd.read_csv(baseline_run.path / "defects.csv", low_memory=False)
    voids = defects[(defects["mechanism"] == "centre_porosity") & defects["is_true"]]
    slab_of = voids["defect_id"].str.extract(r"^(H\d+-S\d+)-D")[0]
    slab_of = slab_of[slab_of.isin(opened.index)]  # slabs cut into plates by the end
    assert (slab_of.map(opened) > 0.0).all()
    slabs = pd.read_csv(baseline_run.path / "slabs.csv", low_memory=False)
    closed = slabs[(slabs["porosity_closed"] > 0) & slabs["slab_id"].isin(opened.index)]
    assert len(closed) > 0  # voids are born and closed in the short baseline
    assert (closed["slab_id"].map(opened) == 0.0).all()
    assert (slabs["slab_defects"] >= slabs["porosity_closed"]).all()
