"""Bounded input and memory: a long run keeps a window of its trace, a long line is read in linear time.

The memory figures come from a fresh process each (``VmRSS``, and ``VmHWM`` reset
through ``/proc/self/clear_refs`` for the peak), so nothing freed earlier is reused.
``ping -i 0.2`` is used, the interval this branch's ping has; each ping of
``c1 -> 8.8.8.8`` records about 34 trace records (through the bridge, NAT, the LAN,
the router and the internet).
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from simulator import Lab
from simulator.scenario.lab import DEFAULT_TRACE_WINDOW, MAX_LINE_BYTES

MEASURE = r"""
import gc, sys
from simulator.scenario.lab import Lab, DEFAULT_TRACE_WINDOW

def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024

count = int(sys.argv[1])
lab = Lab(seed=1) if sys.argv[2] == "default" else Lab(seed=1, trace_window=int(sys.argv[2]))
lab.sh("docker run -itd --name c1 ubuntu:14.04")
lab.sh("docker exec c1 ping -c 100 -i 0.2 8.8.8.8")
gc.collect()
base = status("VmRSS")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # the peak (VmHWM) from here
r = lab.sh(f"docker exec c1 ping -c {count} -i 0.2 8.8.8.8")
assert r.exit_code == 0, r.stderr
assert f"{count} packets transmitted, {count} received, 0% packet loss" in r.stdout
assert r.stdout.count(" bytes from 8.8.8.8: ") == count  # the command's output is all kept
peak = status("VmHWM") - base
del r
gc.collect()
print(peak, status("VmRSS") - base, len(lab.trace), lab.sim.tracer.dropped)
"""


def measure(count: int, window: str) -> tuple[float, float, int, int]:
    r = subprocess.run([sys.executable, "-c", MEASURE, str(count), window], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    peak, after, kept, dropped = r.stdout.split()
    return float(peak), float(after), int(kept), int(dropped)


def test_a_long_ping_adds_a_bounded_amount_of_memory_and_gives_it_back():
    """20,000 pings record about 690,000 records (140 MB kept when the whole trace is); the default window keeps at most 200,000."""
    peak, after, kept, dropped = measure(20_000, "default")
    assert dropped > 0 and kept <= 2 * DEFAULT_TRACE_WINDOW
    assert peak < 100, f"the ping added {peak:.0f} MB at its peak"
    assert after < 60, f"{after:.0f} MB were kept after the ping"


def test_memory_does_not_grow_with_the_count_under_a_window():
    small = measure(2_000, "5000")
    large = measure(10_000, "5000")
    assert small[3] > 0 and large[3] > 0  # both cut: the window holds between 5,000 and 10,000 records
    assert large[0] - small[0] < 15, f"peak {small[0]:.0f} MB for 2,000 pings, {large[0]:.0f} MB for 10,000"


def test_the_shell_keeps_the_window_it_is_given():
    """``dockersim shell --trace-window N``: the peak of the whole program hardly moves from 200 to 8,000 pings."""
    driver = r"""
import resource, subprocess, sys
cmds = "docker run -itd --name c1 ubuntu:14.04\ndocker exec c1 ping -c %s -i 0.2 8.8.8.8 | tail -n 1\n" % sys.argv[2]
r = subprocess.run([sys.executable, "-m", "simulator.cli", "shell", "--trace-window", sys.argv[1]], input=cmds, capture_output=True, text=True)
assert r.returncode == 0 and "rtt min/avg/max/mdev" in r.stdout, r.stdout + r.stderr
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""

    def peak(window: str, count: int) -> float:
        r = subprocess.run([sys.executable, "-c", driver, window, str(count)], capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        return float(r.stdout)

    small, large = peak("2000", 200), peak("2000", 8_000)
    # the whole trace of 8,000 pings would be about 55 MB: the window is what bounds it
    assert large - small < 15, f"{small:.0f} MB with 200 pings, {large:.0f} MB with 8,000"


def test_the_lab_takes_a_trace_window():
    lab = Lab(seed=1, trace_window=200)
    lab.sh("docker run -itd --name c1 alpine")
    r = lab.sh("docker exec c1 ping -c 100 -i 0.2 172.17.0.1")
    assert r.exit_code == 0 and lab.sim.tracer.dropped > 0
    assert 200 <= len(lab.trace) < 400 and lab.trace.initial_topology is not None
    whole = Lab(seed=1, trace_window=None)
    whole.sh("docker run -itd --name c1 alpine")
    whole.sh("docker exec c1 ping -c 100 -i 0.2 172.17.0.1")
    assert whole.sim.tracer.dropped == 0 and len(whole.trace) == lab.sim.tracer.mark()
    for bad in (0, -1, 1.5, "10", True):
        with pytest.raises(ValueError, match="trace_window"):
            Lab(trace_window=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("line", [
    "echo " + "a" * 1_000_000,
    'echo "' + "a b|" * 250_000 + '"',
    "echo " + "word12345 " * 100_000,
    "docker run -d --name c1 -e X=" + "a" * 1_000_000 + " alpine sleep 1",
])
def test_a_line_of_1_mb_is_read_in_well_under_a_second(line: str):
    lab = Lab(seed=1)
    start = time.perf_counter()
    r = lab.sh(line)
    took = time.perf_counter() - start
    assert r.exit_code == 0, r.stderr[:200]
    assert took < 1.0, f"{took:.2f} s"


def test_a_line_past_the_limit_gets_bash_s_message():
    lab = Lab(seed=1)
    r = lab.sh("docker run -d alpine echo " + "a" * MAX_LINE_BYTES)
    assert (r.exit_code, r.stdout, r.stderr) == (126, "", "bash: /usr/bin/docker: Argument list too long\n")
    r = lab.sh("ip addr " + "é" * (MAX_LINE_BYTES // 2))  # counted in bytes, as the kernel counts
    assert r.stderr == "bash: /usr/sbin/ip: Argument list too long\n"
    assert lab.sh("docker ps -q").exit_code == 0  # and the terminal goes on
