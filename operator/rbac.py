"""The least RBAC the operator needs, as the manifests the Helm chart installs.

`rbac.yaml` next to this module is generated from `rules()` (`python -m
tradeplane.operator.rbac`; `--check` fails when it is out of date). Cluster-wide by
default; `manifests(watch_namespace=NS)` gives a Role and RoleBinding for
`tradeplane operator --namespace NS` plus the cluster-scoped reads kopf makes (CRDs,
namespaces).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from tradeplane.operator import naming

RBAC_FILE = Path(__file__).with_name("rbac.yaml")
NAME = "tradeplane-operator"
READ = ["get", "list", "watch"]
OWN = [*READ, "create", "patch", "update", "delete"]


def rules(*, cluster_wide: bool = True) -> list[dict[str, Any]]:
    """What the operator reads and writes, and nothing else."""
    resources = [
        # Its own resources: watch, annotate (kopf's progress, the finalizer), status.
        {
            "apiGroups": [naming.GROUP],
            "resources": [naming.UNIVERSE_PLURAL, naming.STRATEGY_PLURAL],
            "verbs": [*READ, "patch", "update"],
        },
        {
            "apiGroups": [naming.GROUP],
            "resources": [f"{naming.UNIVERSE_PLURAL}/status", f"{naming.STRATEGY_PLURAL}/status"],
            "verbs": ["get", "patch", "update"],
        },
        # The children it plans (server-side apply is a patch; drift repair watches them).
        {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": OWN},
        {"apiGroups": [""], "resources": ["services", "configmaps"], "verbs": OWN},
        # Live strategies: that the referenced Secret and keys exist; values are never copied.
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]},
        {"apiGroups": ["", "events.k8s.io"], "resources": ["events"], "verbs": ["create", "patch"]},
        # Peering (only one replica acts): the peering object it creates and keeps alive in.
        {
            "apiGroups": ["kopf.dev"],
            "resources": ["clusterkopfpeerings" if cluster_wide else "kopfpeerings"],
            "verbs": [*READ, "create", "patch"],
        },
    ]
    if cluster_wide:
        resources += cluster_reads(cluster_wide=True)
    return resources


def _crd_rule() -> dict[str, Any]:
    # kopf notices CRDs appearing and disappearing (read-only).
    return {
        "apiGroups": ["apiextensions.k8s.io"],
        "resources": ["customresourcedefinitions"],
        "verbs": READ,
    }


def cluster_reads(*, cluster_wide: bool) -> list[dict[str, Any]]:
    """Cluster-scoped reads kopf makes: CRDs, and namespaces when given namespaces."""
    if cluster_wide:
        return [_crd_rule()]
    return [_crd_rule(), {"apiGroups": [""], "resources": ["namespaces"], "verbs": READ}]


def manifests(
    *, namespace: str = "tradeplane", watch_namespace: str | None = None
) -> list[dict[str, Any]]:
    """ServiceAccount `tradeplane-operator` in `namespace` and its (Cluster)Role binding."""
    labels = {naming.LABEL_PART_OF: "tradeplane", naming.LABEL_COMPONENT: "operator"}
    account = {"kind": "ServiceAccount", "name": NAME, "namespace": namespace}
    documents: list[dict[str, Any]] = [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": NAME, "namespace": namespace, "labels": labels},
        },
    ]
    role_ref = {"apiGroup": "rbac.authorization.k8s.io"}
    if watch_namespace is None:
        documents += [
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": NAME, "labels": labels},
                "rules": rules(),
            },
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRoleBinding",
                "metadata": {"name": NAME, "labels": labels},
                "roleRef": {**role_ref, "kind": "ClusterRole", "name": NAME},
                "subjects": [account],
            },
        ]
        return documents
    scoped = {"name": NAME, "namespace": watch_namespace, "labels": labels}
    documents += [
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": scoped,
            "rules": rules(cluster_wide=False),
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": scoped,
            "roleRef": {**role_ref, "kind": "Role", "name": NAME},
            "subjects": [account],
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": f"{NAME}-cluster-reads", "labels": labels},
            "rules": cluster_reads(cluster_wide=False),
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": f"{NAME}-cluster-reads", "labels": labels},
            "roleRef": {**role_ref, "kind": "ClusterRole", "name": f"{NAME}-cluster-reads"},
            "subjects": [account],
        },
    ]
    return documents


def allows(granted: list[dict[str, Any]], *, group: str, resource: str, verb: str) -> bool:
    """Whether `granted` rules allow `verb` on `resource` (plural[/subresource]) of `group`."""
    return any(
        group in rule["apiGroups"] and resource in rule["resources"] and verb in rule["verbs"]
        for rule in granted
    )


def render() -> str:
    header = "# Generated by `python -m tradeplane.operator.rbac`; do not edit by hand.\n"
    return header + yaml.safe_dump_all(manifests(), sort_keys=False, width=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="write or check operator/rbac.yaml")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        current = RBAC_FILE.exists() and RBAC_FILE.read_text() == render()
        if not current:
            print(f"{RBAC_FILE} is out of date", file=sys.stderr)
        return 0 if current else 1
    RBAC_FILE.write_text(render())
    print(f"wrote {RBAC_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
