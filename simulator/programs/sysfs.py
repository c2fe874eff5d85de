"""``/sys/class/net``: each network device of the reader's namespace, as the kernel's sysfs shows it.

sysfs is mounted per network namespace (a container sees its own ``eth0`` and ``lo``), and
each device's directory holds one value per file, followed by a newline
(net/core/net-sysfs.c): ``ifindex``, ``iflink`` (``dev_get_iflink``: a veth's peer's index,
which is how one finds the host end of a container's ``eth0``), ``address``, ``mtu``,
``operstate`` (lower case), ``type`` (ARPHRD: 1 Ethernet, 772 loopback), ``tx_queue_len``,
``carrier`` (only while the device is up; the kernel answers EINVAL otherwise) and
``statistics/{rx,tx}_{packets,bytes}``. Simplified: the other files of the directory
(``flags``, ``speed``, ``brif`` ...) are not there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.programs import netinfo

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.programs.render_views import LinkView

PREFIX = "/sys/class/net/"
ARPHRD_ETHER, ARPHRD_LOOPBACK = 1, 772

_FILES: dict[str, Callable[[LinkView], str | None]] = {
    "ifindex": lambda link: str(link.index),
    "iflink": lambda link: str(link.peer_index if link.peer_index is not None else link.index),
    "address": lambda link: link.mac,
    "mtu": lambda link: str(link.mtu),
    "operstate": lambda link: link.operstate.lower(),
    "type": lambda link: str(ARPHRD_LOOPBACK if link.kind == "loopback" else ARPHRD_ETHER),
    "tx_queue_len": lambda link: str(link.qlen),
    "carrier": lambda link: str(int(link.lower_up)) if link.up else None,
    "statistics/rx_packets": lambda link: str(link.rx_packets),
    "statistics/rx_bytes": lambda link: str(link.rx_bytes),
    "statistics/tx_packets": lambda link: str(link.tx_packets),
    "statistics/tx_bytes": lambda link: str(link.tx_bytes),
}


def read(ns: NetworkNamespace, path: str) -> str | None:
    """The text of ``/sys/class/net/DEV/FILE`` in ``ns``, or None when there is no such file."""
    rest = path.replace("//", "/").removeprefix(PREFIX)
    device, _, name = rest.partition("/")
    for link in netinfo.links(ns):
        if link.name == device:
            value = _FILES[name](link) if name in _FILES else None
            return None if value is None else value + "\n"
    return None

