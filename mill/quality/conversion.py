"""Hardness-scale conversion for the plate mill: Rockwell C, Vickers and Brinell (HBW).

Certificates and GB/T 24186 state hardness in HBW, the metallurgy models work in HV and the
tempering data are in HRC, so every conversion between them goes through one table:

Source: ASTM E140-12b, Table 1 "Approximate hardness conversion numbers for non-austenitic
steels (Rockwell C hardness range)": columns HRC (150 kgf, diamond), HV (Vickers) and HBW
(10 mm tungsten-carbide ball, 3000 kgf). Transcribed from the public reproduction of Table 1 at
https://www.phase2plus.com/hardness-testers/conversion-charts (values agree with the
E140 excerpts quoted in /work/shared/reference/domain.md §3.5 except that domain.md's
"HRC 52 ≈ 500" is the 10 mm *standard steel ball* (HBS) column; the carbide-ball HBW
value is 512). HBW values for HRC 60–65 are the parenthesised (beyond the recommended range of
the Brinell test) numbers of the table; HBW is not given above HRC 65.

    HRC  HV   HBW | HRC  HV   HBW | HRC  HV   HBW | HRC  HV   HBW
    20   238  226 | 32   318  301 | 44   434  409 | 56   613  577
    21   243  231 | 33   327  311 | 45   446  421 | 57   633  595
    22   248  237 | 34   336  319 | 46   458  432 | 58   653  615
    23   254  243 | 35   345  327 | 47   471  443 | 59   674  634
    24   260  247 | 36   354  336 | 48   484  455 | 60   697  654
    25   266  253 | 37   363  344 | 49   498  469 | 61   720  670
    26   272  258 | 38   372  353 | 50   513  481 | 62   746  688
    27   279  264 | 39   382  362 | 51   528  496 | 63   772  705
    28   286  271 | 40   392  371 | 52   544  512 | 64   800  722
    29   294  279 | 41   402  381 | 53   560  525 | 65   832  739
    30   302  286 | 42   412  390 | 54   577  543 | 66   865   -
    31   310  294 | 43   423  400 | 55   595  560 | 67   900   -
                                                  | 68   940   -

Conversion is piecewise-linear (numpy.interp) between tabulated pairs, which is monotone because
every column increases strictly with HRC.

Assumption: outside the table (HRC < 20, i.e. HV < 238 / HBW < 226, or above HRC 65 for HBW)
values are extrapolated linearly with the slope of the last tabulated interval. HRC below 20 is
not a valid Rockwell C reading; the extrapolation only keeps soft (over-tempered) model states
continuous and must not be reported as a measured HRC.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "E140_HBW",
    "E140_HRC",
    "E140_HV",
    "hbw_to_hrc",
    "hbw_to_hv",
    "hrc_to_hbw",
    "hrc_to_hv",
    "hv_to_hbw",
    "hv_to_hrc",
]

#: ASTM E140-12b Table 1, Rockwell C column (HRC 20 ... 68).
E140_HRC: NDArray[np.float64] = np.arange(20.0, 69.0)

#: ASTM E140-12b Table 1, Vickers column for HRC 20 ... 68.
E140_HV: NDArray[np.float64] = np.array(
    [238, 243, 248, 254, 260, 266, 272, 279, 286, 294, 302, 310, 318, 327, 336, 345, 354, 363,
     372, 382, 392, 402, 412, 423, 434, 446, 458, 471, 484, 498, 513, 528, 544, 560, 577, 595,
     613, 633, 653, 674, 697, 720, 746, 772, 800, 832, 865, 900, 940],
    dtype=np.float64,
)  # fmt: skip

#: ASTM E140-12b Table 1, Brinell 10 mm carbide ball (HBW) column for HRC 20 ... 65.
E140_HBW: NDArray[np.float64] = np.array(
    [226, 231, 237, 243, 247, 253, 258, 264, 271, 279, 286, 294, 301, 311, 319, 327, 336, 344,
     353, 362, 371, 381, 390, 400, 409, 421, 432, 443, 455, 469, 481, 496, 512, 525, 543, 560,
     577, 595, 615, 634, 654, 670, 688, 705, 722, 739],
    dtype=np.float64,
)  # fmt: skip

_HRC_FOR_HBW = E140_HRC[: E140_HBW.size]
_HV_FOR_HBW = E140_HV[: E140_HBW.size]


def _interp_extrap(
    x: ArrayLike, xp: NDArray[np.float64], fp: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Piecewise-linear interpolation with linear end extrapolation (see module Assumption)."""
    if isinstance(x, float | int) and xp[0] <= x <= xp[-1]:  # scalar inside the table
        return np.asarray(np.interp(float(x), xp, fp))
    xa = np.asarray(x, dtype=np.float64)
    y = np.interp(xa, xp, fp)
    lo_slope = (fp[1] - fp[0]) / (xp[1] - xp[0])
    hi_slope = (fp[-1] - fp[-2]) / (xp[-1] - xp[-2])
    y = np.where(xa < xp[0], fp[0] + (xa - xp[0]) * lo_slope, y)
    y = np.where(xa > xp[-1], fp[-1] + (xa - xp[-1]) * hi_slope, y)
    return np.asarray(y, dtype=np.float64)


def _out(x: ArrayLike, y: NDArray[np.float64]) -> float | NDArray[np.float64]:
    """Scalar in -> float out; array in -> array out."""
    if isinstance(x, float | int) or np.ndim(x) == 0:
        return float(y)
    return y


def hrc_to_hbw(hrc: ArrayLike) -> float | NDArray[np.float64]:
    """Rockwell C -> Brinell HBW (10 mm carbide ball), ASTM E140-12b Table 1."""
    return _out(hrc, _interp_extrap(hrc, _HRC_FOR_HBW, E140_HBW))


def hbw_to_hrc(hbw: ArrayLike) -> float | NDArray[np.float64]:
    """Brinell HBW -> Rockwell C, ASTM E140-12b Table 1 (inverse interpolation)."""
    return _out(hbw, _interp_extrap(hbw, E140_HBW, _HRC_FOR_HBW))


def hv_to_hbw(hv: ArrayLike) -> float | NDArray[np.float64]:
    """Vickers HV -> Brinell HBW, ASTM E140-12b Table 1 (through the common HRC row)."""
    return _out(hv, _interp_extrap(hv, _HV_FOR_HBW, E140_HBW))


def hbw_to_hv(hbw: ArrayLike) -> float | NDArray[np.float64]:
    """Brinell HBW -> Vickers HV, ASTM E140-12b Table 1."""
    return _out(hbw, _interp_extrap(hbw, E140_HBW, _HV_FOR_HBW))


def hrc_to_hv(hrc: ArrayLike) -> float | NDArray[np.float64]:
    """Rockwell C -> Vickers HV, ASTM E140-12b Table 1."""
    return _out(hrc, _interp_extrap(hrc, E140_HRC, E140_HV))


def hv_to_hrc(hv: ArrayLike) -> float | NDArray[np.float64]:
    """Vickers HV -> Rockwell C, ASTM E140-12b Table 1."""
    return _out(hv, _interp_extrap(hv, E140_HV, E140_HRC))
