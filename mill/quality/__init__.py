"""Pure metallurgy and inspection models (numpy/scipy): no SimPy, no I/O.

The public functions below are the documented entry points; chemistry is a mapping of
element symbol to wt %.
"""

from mill.quality.acceptance import a578_level, en10160_body_class, en10160_edge_class
from mill.quality.chemistry import cet, cev, pcm
from mill.quality.conversion import hbw_to_hrc, hrc_to_hbw
from mill.quality.detection import pod
from mill.quality.hardenability import ideal_diameter_mm
from mill.quality.quench import cooling_rate_c_per_s, martensite_hardness_hv
from mill.quality.temper import hollomon_jaffe, tempered_hardness_hrc
from mill.quality.toughness import charpy_energy_j

__all__ = [
    "a578_level",
    "cet",
    "cev",
    "charpy_energy_j",
    "cooling_rate_c_per_s",
    "en10160_body_class",
    "en10160_edge_class",
    "hbw_to_hrc",
    "hollomon_jaffe",
    "hrc_to_hbw",
    "ideal_diameter_mm",
    "martensite_hardness_hv",
    "pcm",
    "pod",
    "tempered_hardness_hrc",
]
