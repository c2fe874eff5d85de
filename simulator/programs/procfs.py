"""``/proc/sys/net``: the network sysctls of the reader's namespace, as files.

``/proc/sys/net`` is per network namespace: a process reads its own namespace's
values.  Each file holds the value and a newline (``cat /proc/sys/net/ipv4/ip_forward``
prints ``1`` on a Docker host, ``0`` in a container, whose namespace starts with the
kernel's default).  Modelled: ``net/ipv4/ip_forward`` and ``net/bridge/bridge-nf-call-iptables``
(present where br_netfilter's switch was turned on, as dockerd does on its host).
Simplified: a namespace created after br_netfilter was loaded has no ``net/bridge``
directory here (the kernel gives it one with the per-namespace defaults).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace

_SYSCTLS: dict[str, Callable[[NetworkNamespace], bool | None]] = {
    # proc_sys_net: value, or None where the file does not exist
    "/proc/sys/net/ipv4/ip_forward": lambda ns: ns.ipv4.ip_forward,
    "/proc/sys/net/ipv4/conf/all/forwarding": lambda ns: ns.ipv4.ip_forward,
    "/proc/sys/net/bridge/bridge-nf-call-iptables": lambda ns: True if ns.ipv4.bridge_nf_call_iptables else None,
}


def read(ns: NetworkNamespace, path: str) -> str | None:
    """The text of ``path`` under ``/proc/sys/net`` as ``ns`` shows it, or None if it has no such file."""
    sysctl = _SYSCTLS.get(path.replace("//", "/"))
    value = sysctl(ns) if sysctl is not None else None
    return None if value is None else f"{int(value)}\n"
