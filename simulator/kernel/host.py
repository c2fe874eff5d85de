"""A machine: a hostname, a root network namespace, and what its shell runs.

The Docker host, a second Docker host, the laptop on the LAN, the LAN's router
and "the internet" are all machines. The root namespace of a machine starts with
``lo`` up, 127.0.0.1/8 on it, and forwarding off; the lab's topology adds the NIC,
addresses and routes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.kernel.namespace import NetworkNamespace

if TYPE_CHECKING:
    from simulator.sim.simulation import Simulation


class Machine:
    """A Linux machine (``flavour`` names the userland its tools print like)."""

    def __init__(self, sim: Simulation, name: str, flavour: str = "host") -> None:
        self.sim = sim
        self.name = name
        self.hostname = name
        self.flavour = flavour
        self.netns = NetworkNamespace(sim, name)
        self.netns.set_up("lo")
        self.netns.add_address("lo", "127.0.0.1/8", broadcast=False)
        self.resolv_conf_nameservers: list[str] = []
        self.pid_counter = 1000

    def next_pid(self) -> int:
        """A new process id on this machine, as the kernel hands them out: one more than the last."""
        self.pid_counter += 1
        return self.pid_counter
