"""mill: a discrete-event simulator of a rare-earth-treated wear-resistant steel plate mill.

It follows every heat, slab and plate through steelmaking, rolling, heat treatment, cutting
and ultrasonic inspection, and writes the trace a mill's traceability system would hold plus
the ground truth behind every measurement.
"""

__version__ = "0.5.0"
