"""Per-indicator bar loops ("blocks") that the fused body runs one after another.

Each block loads its running state from the symbol's rows, runs one tight loop over the
bars (few live values, so they stay in registers), writes its output planes and stores the
state back. Invalid bars get NaN and do not advance the block.
"""
