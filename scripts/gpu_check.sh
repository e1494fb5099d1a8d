#!/usr/bin/env bash
# The GPU checks of the kernels in one call on a lent CUDA machine (the `device` tool):
# the GPU tests, then benchmarks/gpu_variants.py and benchmarks/indicators.py.
#
# That machine has no network. Its Python comes with numba and numba-cuda but with a numpy
# numba-cuda cannot import (2.5 dropped np.row_stack), so carry wheels for its Python in
# .whl/ (git-ignored; e.g. `pip download --only-binary :all: --python-version 3.12
# --no-deps -d .whl numpy==2.4.6 ta-lib`) and run, from the repository root there:
#
#     bash scripts/gpu_check.sh            # tests and both benchmarks
#     bash scripts/gpu_check.sh variants   # only benchmarks/gpu_variants.py
#
# Only `tradeplane.kernels` is made importable (the rest of the platform needs packages the
# machine lacks), so the tests run with the kernels' conftest alone.
set -euo pipefail

site=/tmp/tradeplane-site
rm -rf "$site"
python3 -m pip install --quiet --no-index --no-deps --target "$site" .whl/*.whl
mkdir -p "$site/tradeplane"
echo '"""tradeplane.kernels alone, for the GPU checks."""' >"$site/tradeplane/__init__.py"
ln -s "$PWD/kernels" "$site/tradeplane/kernels"
export PYTHONPATH="$site"
python3 -c 'import numpy, numba, numba.cuda as cuda; print("numpy", numpy.__version__,
  "numba", numba.__version__, "device", getattr(cuda.get_current_device(), "name", "none"))'

what=${1:-all}
if [[ $what == all ]]; then
  # -P: the repository root must not shadow the site's tradeplane package
  python3 -P -m pytest tests/kernels/test_gpu.py tests/kernels/test_steps.py -q \
    --confcutdir=tests/kernels --import-mode=append -p no:cacheprovider -k "not simulated"
fi
python3 benchmarks/gpu_variants.py
if [[ $what == all ]]; then
  python3 benchmarks/indicators.py
fi
