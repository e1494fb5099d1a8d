"""Maps the top-level folders into the one `tradeplane` import namespace.

pyproject.toml holds all metadata; this file exists only because setuptools' declarative
`packages.find` cannot prefix packages found under several folders.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

# import prefix -> folder (ARCHITECTURE.md, "Layout")
ROOTS = {
    "tradeplane": "tradeplane",
    "tradeplane.operator": "operator",
    "tradeplane.services": "services",
    "tradeplane.kernels": "kernels",
    "tradeplane.v1": "protos/tradeplane/v1",
}

# namespace packages too: a data folder (the event store's SQL migrations) is importable,
# so setuptools wants it listed; bytecode caches are not packages
present = {
    prefix: folder for prefix, folder in ROOTS.items() if Path(folder, "__init__.py").exists()
}
packages = [
    name
    for prefix, folder in present.items()
    for name in [
        prefix,
        *(f"{prefix}.{sub}" for sub in find_namespace_packages(folder, exclude=["*__pycache__"])),
    ]
]

setup(packages=packages, package_dir=present)
