"""Docker's model in libnetwork's words: networks, endpoints, sandboxes, drivers, IPAM.

The engine turns ``docker`` requests into kernel operations (namespaces, veth
pairs, bridges, addresses, routes, iptables rules), the way dockerd and
libnetwork do, per engine version (``versions.py``). Requests Docker refuses raise
:class:`simulator.errors.DockerError` with Docker's own message, before anything
is changed.
"""
