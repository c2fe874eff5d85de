"""Docker's IPAM, as pure functions."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

import pytest

from simulator.engine.ipam import AddressPool, IpamError, SubnetAllocator, predefined_subnets


def test_31_predefined_local_networks_in_order():
    subnets = predefined_subnets()
    assert len(subnets) == 31
    assert str(subnets[0]) == "172.17.0.0/16" and str(subnets[14]) == "172.31.0.0/16"
    assert str(subnets[15]) == "192.168.0.0/20" and str(subnets[-1]) == "192.168.240.0/20"


def test_current_engines_reuse_the_lowest_free_subnet():
    a = SubnetAllocator("lowest-free")
    assert [str(a.allocate(n)) for n in "abc"] == ["172.17.0.0/16", "172.18.0.0/16", "172.19.0.0/16"]
    a.release(IPv4Network("172.18.0.0/16"))
    assert str(a.allocate("d")) == "172.18.0.0/16"


def test_engine_20_10_goes_round_robin():
    a = SubnetAllocator("round-robin")
    for n in "abc":
        a.allocate(n)
    a.release(IPv4Network("172.18.0.0/16"))
    assert str(a.allocate("d")) == "172.20.0.0/16"


def test_on_link_networks_of_the_host_are_skipped():
    a = SubnetAllocator("lowest-free", reserved=[IPv4Network("172.17.0.0/16"), IPv4Network("192.168.1.0/24")])
    assert str(a.allocate("x")) == "172.18.0.0/16"
    for i in range(13):
        a.allocate(str(i))
    assert str(a.allocate("y")) == "192.168.16.0/20"  # 192.168.0.0/20 holds the LAN


def test_exhaustion_messages_per_generation():
    for strategy, message in [("lowest-free", "all predefined address pools have been fully subnetted"),
                              ("round-robin", "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")]:
        a = SubnetAllocator(strategy)
        for i in range(31):
            a.allocate(str(i))
        with pytest.raises(IpamError, match=message):
            a.allocate("one too many")


def test_addresses_lowest_free_gateway_first_immediate_reuse():
    pool = AddressPool(IPv4Network("172.17.0.0/16"))
    assert pool.allocate() == IPv4Address("172.17.0.1")
    assert [pool.allocate() for _ in range(3)] == [IPv4Address(f"172.17.0.{i}") for i in (2, 3, 4)]
    pool.release(IPv4Address("172.17.0.2"))
    assert pool.allocate() == IPv4Address("172.17.0.2")
    with pytest.raises(IpamError, match="Address already in use"):
        pool.allocate(IPv4Address("172.17.0.3"))


def test_ip_range_restricts_dynamic_addresses():
    pool = AddressPool(IPv4Network("172.72.0.0/16"), ip_range=IPv4Network("172.72.0.0/24"))
    pool.allocate(IPv4Address("172.72.0.1"))
    assert pool.allocate() == IPv4Address("172.72.0.2")
