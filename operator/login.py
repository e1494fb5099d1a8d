"""Credentials for the Kubernetes API with the standard resolution: an explicit kubeconfig
if configured, else the in-cluster service account, else `$KUBECONFIG` (or
`~/.kube/config`) — the same as kubectl and the official client."""

from __future__ import annotations

from pathlib import Path

import kopf
import kubernetes

from tradeplane.errors import ConfigError


def connection_info(kubeconfig: Path | None = None) -> kopf.ConnectionInfo:
    """The server and credentials to use; ConfigError when none can be found."""
    configuration = kubernetes.client.Configuration()
    try:
        if kubeconfig is not None:
            kubernetes.config.load_kube_config(
                config_file=str(kubeconfig), client_configuration=configuration
            )
        else:
            try:
                kubernetes.config.load_incluster_config(client_configuration=configuration)
            except kubernetes.config.ConfigException:
                kubernetes.config.load_kube_config(client_configuration=configuration)
    except (kubernetes.config.ConfigException, OSError) as error:
        where = kubeconfig or "in-cluster service account, $KUBECONFIG or ~/.kube/config"
        raise ConfigError(f"no Kubernetes credentials from {where}: {error}") from None
    header = configuration.get_api_key_with_prefix(
        "BearerToken"
    ) or configuration.get_api_key_with_prefix("authorization")
    parts = header.split(" ", 1) if header else []
    scheme, token = (
        (None, None) if not parts else (None, parts[0]) if len(parts) == 1 else (parts[0], parts[1])
    )
    return kopf.ConnectionInfo(
        server=configuration.host,
        ca_path=configuration.ssl_ca_cert,
        insecure=not configuration.verify_ssl,
        username=configuration.username or None,
        password=configuration.password or None,
        scheme=scheme,
        token=token,
        certificate_path=configuration.cert_file,
        private_key_path=configuration.key_file,
    )
