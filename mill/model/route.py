"""The route: where heats come from and the stages every piece goes through, in order.

This is the one place that knows the order of the plant. Each stage's process works on one
kind of piece and hands new pieces on without naming what comes next (``mill.model.stage``);
consecutive stages of one kind run in one process. To add a stage: write its process in a
module of its own, give its units a place in the scenario's ``plant`` section, and add one
``Stage`` line here (``docs/architecture.md`` walks through it).

    heat    steelmaking   converter → ladle furnace → degasser → caster (hands on slabs)
    slab    rolling       reheat furnace → plate mill → hot leveller → cooling bed → shear
                          (hands on mother plates)
    mother  heat_treatment  austenitising furnace → quench → tempering furnace → leveller
    mother  cutting       plasma or oxy-fuel table (hands on product plates)
    plate   inspection    UT (+ manual re-check) → lab (hardness, Charpy by lot) → final
    plate   disposition   the rule table; rework loops back through units and inspection
"""

from __future__ import annotations

from mill.model.disposition import dispose
from mill.model.stage import Route, Stage
from mill.model.stages.cutting import cut
from mill.model.stages.heat_treatment import heat_treat
from mill.model.stages.inspection import inspect
from mill.model.stages.rolling import slab_process
from mill.model.stages.steelmaking import heat_process, release_process

ROUTE = Route(
    source=release_process,
    stages=(
        Stage("steelmaking", "heat", heat_process),
        Stage("rolling", "slab", slab_process),
        Stage("heat_treatment", "mother", heat_treat),
        Stage("cutting", "mother", cut),
        Stage("inspection", "plate", inspect),
        Stage("disposition", "plate", dispose),
    ),
)
"""The plate mill's route."""
