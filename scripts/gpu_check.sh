#!/usr/bin/env bash
# The GPU checks of the kernels in one call on a lent CUDA machine (the `device` tool):
# benchmarks/gpu_variants.py, the GPU tests and benchmarks/indicators.py.
#
# That machine has no network. Its Python comes with numba and numba-cuda but with a numpy
# numba-cuda cannot import (2.5 dropped np.row_stack), so carry wheels for its Python in
# .whl/ (git-ignored; e.g. `pip download --only-binary :all: --python-version 3.12
# --no-deps -d .whl numpy==2.4.6 ta-lib`) and run, from the repository root there:
#
#     bash scripts/gpu_check.sh                   # variants, tests, indicators, in that order
#     bash scripts/gpu_check.sh variants tests    # any of the three, in the order given
#
# The most telling check runs first (gpu_variants.py needs about two minutes of compiling;
# it times the chunked schedule before the fused variants), so a call that runs out of
# time still reports it. The tests and indicators.py compile
# the CPU kernels too (minutes on a fresh machine; cached afterwards).
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

checks=("$@")
[[ ${#checks[@]} -gt 0 ]] || checks=(variants tests indicators)
for check in "${checks[@]}"; do
  case $check in
    variants) python3 benchmarks/gpu_variants.py ;;
    # -P: the repository root must not shadow the site's tradeplane package
    tests) python3 -P -m pytest tests/kernels/test_gpu.py tests/kernels/test_steps.py -q \
      --confcutdir=tests/kernels --import-mode=append -p no:cacheprovider -k "not simulated" ;;
    indicators) python3 benchmarks/indicators.py ;;
    *) echo "unknown check '$check': use variants, tests or indicators" >&2; exit 2 ;;
  esac
done
