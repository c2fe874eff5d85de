"""Docker's model in libnetwork's words: networks, endpoints, sandboxes, drivers, IPAM.

The engine turns ``docker`` requests into kernel operations (namespaces, veth
pairs, bridges, addresses, routes, iptables rules), the way dockerd and
libnetwork do, per engine version (``versions.py``). Requests Docker refuses raise
:class:`simulator.errors.DockerError` with Docker's own message (``messages.py``,
one table per version), before anything is changed.

Where to look: ``docker_engine.py`` is the daemon's API (and the networks);
``lifecycle.py`` moves containers through created, running and exited;
``sandbox.py`` builds a running container's namespace and endpoints;
``publishing.py`` holds published ports and refreshes the firewall
(``firewall.py``); ``container_files.py`` writes /etc/hosts and /etc/resolv.conf;
``network_mode.py`` is ``--network`` as a type; ``drivers/`` holds bridge, host,
null, macvlan, ipvlan and overlay under one base class; ``ipam.py``,
``names.py``, ``embedded_dns.py``, ``services.py``, ``images.py`` and
``swarm.py`` are the rest of dockerd's state.
"""
