"""The import-linter contracts in pyproject.toml cover every top-level module.

The contracts list modules explicitly (import-linter needs them to exist); this test makes
sure a newly added package is placed in every layer rule rather than silently exempt.
"""

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Folders mapped into the namespace besides tradeplane/ (see setup.py ROOTS).
MAPPED = {
    "operator": "operator",
    "services": "services",
    "kernels": "kernels",
    "v1": "protos/tradeplane/v1",
}
# For each "only inside X" contract: the owner that may import the forbidden package.
OWNERS = {
    "asyncpg-in-store": "store",
    "ccxt-in-exchange": "exchange",
    "kubernetes-in-operator": "operator",
}


def top_level_modules() -> set[str]:
    core = REPO / "tradeplane"
    names = {p.stem for p in core.glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in core.iterdir() if (p / "__init__.py").exists()}
    names |= {name for name, folder in MAPPED.items() if (REPO / folder / "__init__.py").exists()}
    return {f"tradeplane.{name}" for name in names}


def contracts() -> dict[str, dict]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def test_only_inside_contracts_cover_every_other_module() -> None:
    modules = top_level_modules()
    for contract_id, owner in OWNERS.items():
        expected = modules - {f"tradeplane.{owner}"}
        assert set(contracts()[contract_id]["source_modules"]) == expected, contract_id


def test_kernels_may_import_nothing_else_of_ours() -> None:
    contract = contracts()["kernels-standalone"]
    assert set(contract["forbidden_modules"]) == top_level_modules() - {"tradeplane.kernels"}


def test_the_core_never_imports_services_or_the_operator() -> None:
    outside_core = {"tradeplane.kernels", "tradeplane.services", "tradeplane.operator"}
    core = top_level_modules() - outside_core
    assert set(contracts()["core-below-services"]["source_modules"]) == core
    # The CLI is the composition root: it launches the operator.
    assert set(contracts()["core-below-operator"]["source_modules"]) == core - {"tradeplane.cli"}
