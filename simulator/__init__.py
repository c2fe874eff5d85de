"""dockersim: Docker container networking, simulated packet by packet.

Layers, each importing only those below it::

    scenario   commands as a learner types them; ready-made labs (Lab)
    dockercli  the docker command: its flags, messages and output
    engine     Docker's model in libnetwork's words (networks, endpoints, IPAM, drivers)
    programs   ping, ip, ifconfig, ...: processes in a network namespace
    kernel     namespaces, devices (veth, bridge, NIC), IPv4, ARP, netfilter
    sim        the clock: simpy, one seeded RNG, the tracer
    trace      append-only records of what happened, and captures (pcapng)
    packets    protocol formats as immutable values and their bytes
    viz        pictures, read from the trace only (imported on demand)

Start with :class:`Lab`::

    >>> from simulator import Lab
    >>> lab = Lab()
    >>> lab.sh("docker run -itd --name c1 ubuntu:14.04").exit_code
    0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.errors import CliError, DockerError, ScenarioError
from simulator.scenario.lab import Lab, Result
from simulator.trace.records import DropReason
from simulator.trace.tracer import Trace

__all__ = ["CliError", "DockerError", "DropReason", "Lab", "Result", "ScenarioError", "Trace", "viz"]
__version__ = "0.1.0"

if TYPE_CHECKING:
    from simulator import viz


def __getattr__(name: str) -> Any:
    """``simulator.viz`` is imported lazily: matplotlib is heavy and the model does not need it."""
    if name == "viz":
        import importlib

        return importlib.import_module("simulator.viz")
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")
