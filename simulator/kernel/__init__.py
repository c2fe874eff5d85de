"""The Linux network model: namespaces, devices and the IPv4 stack.

A :class:`~simulator.kernel.host.Machine` owns a root network namespace; a
container owns another. Devices carry frames between them (a veth pair joins two
namespaces, a bridge joins ports, a NIC joins a wire to a LAN switch). Each
namespace has its own IPv4 stack: addresses, routes, neighbour (ARP) table,
netfilter and conntrack, and sockets. Decisions are pure functions of state and
input (``decide`` in the bridge, ``lookup`` in the routing table, ``evaluate`` in
netfilter); only delivery asks the clock for time.
"""
