"""An 8 x 8 float64 tile transpose in vector registers, for the lane path's copies.

The lane path keeps W = 8 symbols side by side in rows of 8 doubles; the inputs and
outputs hold each symbol's bars in rows of their own. Moving 8 x 8 tiles between the two
with scalar loads and stores costs 64 of each per tile, and LLVM does not vectorise that
loop; `transpose8` loads the 8 rows as vectors, transposes them with 24 two-input
shuffles (3 rounds of 8), and stores 8 vectors.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

TILE = 8

# round 1 interleaves pairs of rows, round 2 pairs of pairs, round 3 the two halves;
# each entry: (first input, second input, mask)
_EVEN, _ODD = [0, 8, 2, 10, 4, 12, 6, 14], [1, 9, 3, 11, 5, 13, 7, 15]
_PAIR_LO, _PAIR_HI = [0, 1, 8, 9, 4, 5, 12, 13], [2, 3, 10, 11, 6, 7, 14, 15]
_HALF_LO, _HALF_HI = [0, 1, 2, 3, 8, 9, 10, 11], [4, 5, 6, 7, 12, 13, 14, 15]


def _transpose(builder: ir.IRBuilder, rows: list[ir.Value]) -> list[ir.Value]:
    """The columns of the 8 x 8 tile whose rows are `rows` (each a <8 x double>)."""

    def shuffle(a: ir.Value, b: ir.Value, mask: list[int]) -> ir.Value:
        return builder.shuffle_vector(a, b, ir.Constant(ir.VectorType(ir.IntType(32), 8), mask))

    t = []
    for i in range(0, 8, 2):  # t[i] = (r_i0, r_(i+1)0, r_i2, ...), t[i+1]: the odd columns
        t += [shuffle(rows[i], rows[i + 1], _EVEN), shuffle(rows[i], rows[i + 1], _ODD)]
    u = []
    for base in (0, 4):  # u: columns (0, 4), (2, 6), (1, 5), (3, 7) of four rows each
        for a, b in ((base, base + 2), (base + 1, base + 3)):
            u += [shuffle(t[a], t[b], _PAIR_LO), shuffle(t[a], t[b], _PAIR_HI)]
    columns: list[ir.Value | None] = [None] * 8
    for k, (lo, hi) in enumerate(((0, 4), (2, 6), (1, 5), (3, 7))):
        columns[lo] = shuffle(u[k], u[k + 4], _HALF_LO)
        columns[hi] = shuffle(u[k], u[k + 4], _HALF_HI)
    return [c for c in columns if c is not None]


@intrinsic
def transpose8(typingctx, src, src_start, src_stride, dst, dst_start, dst_stride):
    """dst[dst_start + j * dst_stride + i] = src[src_start + i * src_stride + j], i, j < 8.

    src and dst are C-contiguous float64 arrays of any dimension; starts and strides count
    elements of their flat data. No bounds checks: the caller keeps the tile inside both.
    """
    for array in (src, dst):
        if not (isinstance(array, types.Array) and array.dtype == types.float64):
            return None
        if array.layout != "C":
            return None

    def codegen(context, builder, signature, args):
        src_value, src_start_value, src_stride_value, dst_value, dst_start_value = args[:5]
        dst_stride_value = args[5]
        vector = ir.VectorType(ir.DoubleType(), TILE)
        src_data = context.make_array(signature.args[0])(context, builder, src_value).data
        dst_data = context.make_array(signature.args[3])(context, builder, dst_value).data

        def address(data, start, stride, index):
            offset = builder.add(start, builder.mul(stride, ir.Constant(start.type, index)))
            return builder.bitcast(builder.gep(data, [offset]), vector.as_pointer())

        rows = [
            builder.load(address(src_data, src_start_value, src_stride_value, i), align=8)
            for i in range(TILE)
        ]
        for j, column in enumerate(_transpose(builder, rows)):
            builder.store(column, address(dst_data, dst_start_value, dst_stride_value, j), align=8)
        return context.get_dummy_value()

    return types.void(src, types.intp, types.intp, dst, types.intp, types.intp), codegen
