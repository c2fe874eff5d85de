"""Harness for differential tests against the real Linux kernel.

A test builds a topology out of network namespaces that *this harness*
creates, runs traffic in them, captures it with tcpdump and compares the
frames with the simulator's pcap output::

    from tests.realnet import RealNet, require_real_kernel, normalize

    def test_something():
        require_real_kernel()
        with RealNet("arp") as rn:
            rn.add_namespace("c1")
            rn.add_namespace("c2")
            rn.run("c1", "ip link add eth0 type veth peer name eth0 netns {ns:c2}")
            ...
            cap = rn.capture("c2", "eth0")
            rn.run("c1", "ping -c 2 -i 0.2 10.99.0.2")
            rn.stop_captures()
            frames = [normalize(p) for p in cap.packets()]

Safety rules (enforced here, please keep them when extending the module):

* Every command runs as ``ip netns exec <one of our namespaces> ...``.  The
  only commands run in the machine's own namespace are ``ip netns add`` and
  ``ip netns del`` for names this object generated.
* Namespace names carry a per-process prefix (``dsim<pid>-<tag>-``); only
  namespaces recorded as created by this object are ever deleted, by name.
* Cleanup (stop tcpdump / spawned processes, delete namespaces) runs from
  ``__exit__`` -- hence also when the test body raised -- and from an
  ``atexit`` hook as a last resort.
* ``run`` rejects ``ip`` invocations that would reach a namespace we did not
  create (``ip ... netns <other>``, ``ip -n <other>``, nested ``ip netns``)
  and ``nsenter``.  This is a seatbelt against mistakes, not a sandbox.
* Use only private/test addresses inside the namespaces; a fresh namespace
  has no route to the outside world anyway.

Caveat for TCP/UDP comparisons: veth devices offload TX checksums and pass
CHECKSUM_PARTIAL skbs through unchanged, so locally generated TCP/UDP shows
only the pseudo-header checksum in captures on *both* ends of the veth
(``l4_checksum_ok`` False; verified on kernel 6.x).  Disable offload on the
sending device (``ethtool -K eth0 tx off``; ethtool is not installed by
setup_system.sh) if you need exact bytes.  ICMP and IP header checksums are
always computed in software and come out correct.
"""

from __future__ import annotations

import atexit
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

import pytest

__all__ = [
    "Capture",
    "RealNet",
    "RealNetError",
    "normalize",
    "read_pcap",
    "require_real_kernel",
]

REQUIRED_TOOLS = ("ip", "tcpdump", "ping", "iptables")
STRICT_ENV = "DOCKERSIM_REQUIRE_REAL_KERNEL"
KEEP_PCAPS_ENV = "DOCKERSIM_KEEP_PCAPS"
MAX_NS_NAME = 30
VXLAN_PORT = 4789
# Linux default net.ipv4.ip_local_port_range is 32768..60999; ports from that
# range are chosen at random by the kernel and therefore not compared.
EPHEMERAL_PORT_MIN = 32768

_SBIN_DIRS = ("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/bin", "/bin")


def _env() -> dict[str, str]:
    """Environment for child processes: sbin dirs on PATH, C locale."""
    env = dict(os.environ)
    parts = [p for p in env.get("PATH", "").split(os.pathsep) if p]
    for d in _SBIN_DIRS:
        if d not in parts:
            parts.append(d)
    env["PATH"] = os.pathsep.join(parts)
    env["LC_ALL"] = "C"
    return env


def _which(tool: str) -> str | None:
    return shutil.which(tool, path=_env()["PATH"])


class RealNetError(RuntimeError):
    """A command run by the harness failed."""


# ---------------------------------------------------------------------------
# require_real_kernel
# ---------------------------------------------------------------------------

_probe_result: list[str | None] = []  # cache: [reason-or-None]


def _probe_netns() -> str | None:
    """Create, use and delete one throw-away namespace; return a reason on failure."""
    ip = _which("ip")
    name = f"dsim{os.getpid()}-probe"
    try:
        add = subprocess.run(
            [ip, "netns", "add", name], capture_output=True, text=True, timeout=15, env=_env()
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"`ip netns add` could not run: {exc}"
    if add.returncode != 0:
        return f"`ip netns add` does not work here: {add.stderr.strip() or add.returncode}"
    try:
        ex = subprocess.run(
            [ip, "netns", "exec", name, ip, "link", "set", "lo", "up"],
            capture_output=True,
            text=True,
            timeout=15,
            env=_env(),
        )
        if ex.returncode != 0:
            return f"`ip netns exec` does not work here: {ex.stderr.strip() or ex.returncode}"
    except (OSError, subprocess.SubprocessError) as exc:
        return f"`ip netns exec` could not run: {exc}"
    finally:
        subprocess.run([ip, "netns", "del", name], capture_output=True, timeout=15, env=_env())
    return None


def _real_kernel_unavailable_reason() -> str | None:
    if _probe_result:
        return _probe_result[0]
    reason: str | None = None
    if not sys.platform.startswith("linux"):
        reason = f"real-kernel tests need Linux (running on {sys.platform})"
    elif os.geteuid() != 0:
        reason = "real-kernel tests need root (network namespaces, tcpdump)"
    else:
        missing = [t for t in REQUIRED_TOOLS if _which(t) is None]
        if missing:
            reason = (
                "real-kernel tests need the tools "
                + ", ".join(missing)
                + " (run tests/setup_system.sh as root)"
            )
        else:
            reason = _probe_netns()
    _probe_result.append(reason)
    return reason


def require_real_kernel() -> None:
    """Skip the calling test unless real-kernel tests can run here.

    With ``DOCKERSIM_REQUIRE_REAL_KERNEL=1`` the skip becomes a failure, so a
    CI job that is meant to run these tests cannot silently skip them.
    """
    reason = _real_kernel_unavailable_reason()
    if reason is None:
        return
    print(f"realnet: {reason}", file=sys.stderr)
    if os.environ.get(STRICT_ENV, "").strip() not in ("", "0"):
        pytest.fail(f"{reason} ({STRICT_ENV} is set)", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------------------
# pcap reading and normalisation
# ---------------------------------------------------------------------------


def read_pcap(path: str | os.PathLike) -> list:
    """Return the scapy packets of a pcap or pcapng file (timestamps kept)."""
    from scapy.error import Scapy_Exception
    from scapy.utils import PcapReader

    _layers()  # register link types / protocol bindings (else Raw packets)

    if os.path.getsize(path) == 0:
        return []
    packets = []
    try:
        with PcapReader(os.fspath(path)) as reader:  # detects pcap vs pcapng
            for pkt in reader:
                packets.append(pkt)
    except EOFError:
        pass  # truncated last record (capture killed mid-write)
    except Scapy_Exception as exc:
        if "No data could be read" not in str(exc):
            raise
    return packets


def _layers():
    # Imported lazily: scapy is slow to import and only needed here.
    from scapy.layers.dns import DNS
    from scapy.layers.inet import ICMP, IP, TCP, UDP, IPerror, TCPerror, UDPerror
    from scapy.layers.l2 import ARP, Dot1Q, Ether
    from scapy.layers.vxlan import VXLAN  # noqa: F401  (binds udp/4789)

    return DNS, ICMP, IP, TCP, UDP, IPerror, TCPerror, UDPerror, ARP, Dot1Q, Ether


def _port(p: int) -> int | str:
    return "ephemeral" if p >= EPHEMERAL_PORT_MIN else int(p)


def _checksum_ok(raw: bytes, layer_cls, Ether) -> bool:
    """Re-encode ``raw`` with the checksum of ``layer_cls`` recomputed; compare."""
    pkt = Ether(raw)
    layer = pkt.getlayer(layer_cls)
    orig = layer.chksum
    del layer.chksum
    again = Ether(bytes(pkt)).getlayer(layer_cls)
    return again is not None and again.chksum == orig


_ICMP_KINDS = {
    8: "icmp-echo-request",
    0: "icmp-echo-reply",
    3: "icmp-dest-unreach",
    11: "icmp-time-exceeded",
}


def normalize(pkt: Any, t0: float | None = None) -> dict:
    """Comparison-friendly summary of one Ethernet frame.

    ``pkt`` is a scapy packet (as returned by :func:`read_pcap`) or raw frame
    bytes.  Fields that differ between runs (IP id, ICMP id, TCP seq/ack,
    ephemeral ports -- reported as ``"ephemeral"`` --, payload timestamps, DNS
    transaction id) are omitted.  ``time`` is ``pkt.time - t0`` when ``t0`` is
    given.
    """
    (DNS, ICMP, IP, TCP, UDP, IPerror, TCPerror, UDPerror, ARP, Dot1Q, Ether) = _layers()

    raw = bytes(pkt)
    eth = Ether(raw)
    out: dict[str, Any] = {
        "kind": "other",
        "src_mac": str(eth.src).lower(),
        "dst_mac": str(eth.dst).lower(),
        "vlan": None,
        "length": len(raw),
    }
    if t0 is not None and getattr(pkt, "time", None) is not None:
        out["time"] = float(pkt.time) - float(t0)

    if eth.haslayer(Dot1Q):
        out["vlan"] = int(eth[Dot1Q].vlan)

    if eth.haslayer(ARP):
        arp = eth[ARP]
        out["arp_op"] = int(arp.op)
        out["arp_sender_mac"] = str(arp.hwsrc).lower()
        out["arp_sender_ip"] = str(arp.psrc)
        out["arp_target_mac"] = str(arp.hwdst).lower()
        out["arp_target_ip"] = str(arp.pdst)
        out["kind"] = {1: "arp-request", 2: "arp-reply"}.get(int(arp.op), "other")
        return out

    if not eth.haslayer(IP):
        last = eth[Dot1Q] if out["vlan"] is not None else eth
        out["ethertype"] = int(last.type)
        return out

    ip = eth[IP]
    out.update(
        src_ip=str(ip.src),
        dst_ip=str(ip.dst),
        ttl=int(ip.ttl),
        df=bool(ip.flags.DF),
        ip_proto=int(ip.proto),
        ip_checksum_ok=_checksum_ok(raw, IP, Ether),
    )
    fragmented = bool(ip.flags.MF) or int(ip.frag) != 0
    if fragmented:
        out["fragment"] = True
        return out

    if ip.haslayer(ICMP) and ip.proto == 1:
        icmp = ip[ICMP]
        t = int(icmp.type)
        out["kind"] = _ICMP_KINDS.get(t, "other")
        out["icmp_type"] = t
        out["icmp_code"] = int(icmp.code)
        if t in (0, 8):
            out["icmp_seq"] = int(icmp.seq)
        if ip.haslayer(IPerror):  # quoted datagram of an ICMP error
            q = ip[IPerror]
            quoted: dict[str, Any] = {
                "src_ip": str(q.src),
                "dst_ip": str(q.dst),
                "ip_proto": int(q.proto),
            }
            for cls in (UDPerror, TCPerror):
                if q.haslayer(cls):
                    quoted["sport"] = _port(q[cls].sport)
                    quoted["dport"] = _port(q[cls].dport)
            out["quoted"] = quoted
        out["l4_checksum_ok"] = _checksum_ok(raw, ICMP, Ether)
        return out

    if ip.haslayer(UDP) and ip.proto == 17:
        udp = ip[UDP]
        out["kind"] = "udp"
        out["sport"] = _port(udp.sport)
        out["dport"] = _port(udp.dport)
        # A zero UDP checksum means "none" in IPv4 (the kernel's VXLAN default).
        out["l4_checksum_ok"] = udp.chksum == 0 or _checksum_ok(raw, UDP, Ether)
        if int(udp.dport) == VXLAN_PORT:
            payload = bytes(udp.payload)
            if len(payload) >= 8 + 14:
                out["vxlan_vni"] = int.from_bytes(payload[4:7], "big")
                out["inner"] = normalize(payload[8:])
            return out
        if 53 in (int(udp.sport), int(udp.dport)):
            _add_dns(out, bytes(udp.payload), DNS)
        return out

    if ip.haslayer(TCP) and ip.proto == 6:
        tcp = ip[TCP]
        out["kind"] = "tcp"
        out["sport"] = _port(tcp.sport)
        out["dport"] = _port(tcp.dport)
        out["tcp_flags"] = str(tcp.flags)
        out["l4_checksum_ok"] = _checksum_ok(raw, TCP, Ether)
        if 53 in (int(tcp.sport), int(tcp.dport)):
            payload = bytes(tcp.payload)
            if len(payload) > 2:
                _add_dns(out, payload[2:], DNS)  # 2-byte length prefix
        return out

    return out


def _add_dns(out: dict, payload: bytes, DNS) -> None:
    if len(payload) < 12:
        return
    try:
        dns = DNS(payload)
    except Exception:  # malformed: leave as plain udp/tcp
        return
    out["kind"] = "dns-response" if dns.qr else "dns-query"
    out["dns_rcode"] = int(dns.rcode)
    if dns.qd:
        q = dns.qd[0]
        out["dns_qname"] = (
            q.qname.decode(errors="replace") if isinstance(q.qname, bytes) else str(q.qname)
        )
        out["dns_qtype"] = int(q.qtype)
    answers = []
    for rr in dns.an or []:
        name = (
            rr.rrname.decode(errors="replace") if isinstance(rr.rrname, bytes) else str(rr.rrname)
        )
        rdata = rr.rdata
        if isinstance(rdata, bytes):
            rdata = rdata.decode(errors="replace")
        answers.append((name, int(rr.type), str(rdata)))
    out["dns_answers"] = answers


# ---------------------------------------------------------------------------
# Capture
# ---------------------------------------------------------------------------


class Capture:
    """A running (or stopped) tcpdump inside one of our namespaces."""

    def __init__(self, proc: subprocess.Popen, path: str, ns: str, dev: str):
        self.proc = proc
        self.path = path
        self.ns = ns
        self.dev = dev
        self._stderr: list[str] = []
        self._packets: list | None = None
        self._listening = threading.Event()
        self._reader = threading.Thread(target=self._drain, daemon=True, name=f"tcpdump-{ns}-{dev}")
        self._reader.start()

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._stderr.append(line)
            if "listening on" in line:
                self._listening.set()
        self._listening.set()  # EOF: unblock waiters (tcpdump exited)

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def wait_listening(self, timeout: float) -> None:
        if not self._listening.wait(timeout) or not self.running:
            self.stop(settle=0)
            raise RealNetError(
                f"tcpdump on {self.ns}/{self.dev} did not start listening "
                f"(exit code {self.proc.returncode}); stderr:\n{self.stderr}"
            )

    def stop(self, settle: float = 0.2) -> None:
        """SIGINT tcpdump (after ``settle`` s so in-flight frames get written)."""
        if self.proc.poll() is None:
            if settle > 0:
                time.sleep(settle)
            try:
                self.proc.send_signal(signal.SIGINT)
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        self._reader.join(timeout=5)
        if self.proc.stderr is not None:
            self.proc.stderr.close()

    def packets(self) -> list:
        """Scapy packets of this capture (stops the capture first).

        Still available after RealNet.close() removed the pcap file.
        """
        if self._packets is None:
            self.stop()
            self._packets = read_pcap(self.path) if os.path.exists(self.path) else []
        return list(self._packets)


# ---------------------------------------------------------------------------
# RealNet
# ---------------------------------------------------------------------------

_LIVE: set[RealNet] = set()
_USED_PREFIXES: set[str] = set()
_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
_PLACEHOLDER_RE = re.compile(r"\{ns:([^{}]+)\}")


def _atexit_cleanup() -> None:
    for rn in list(_LIVE):
        try:
            rn.close()
        except Exception as exc:  # pragma: no cover - last resort
            print(f"realnet: atexit cleanup of {rn.prefix}* failed: {exc}", file=sys.stderr)


atexit.register(_atexit_cleanup)


class RealNet:
    """A set of network namespaces owned by one test; a context manager."""

    def __init__(self, tag: str = "t"):
        clean = re.sub(r"[^a-z0-9]", "", tag.lower())[:6] or "t"
        base = f"dsim{os.getpid()}-{clean}"
        prefix, n = f"{base}-", 1
        while prefix in _USED_PREFIXES:
            n += 1
            prefix = f"{base}{n}-"
        _USED_PREFIXES.add(prefix)
        self.prefix = prefix
        self._ns: dict[str, str] = {}  # short name -> real name (creation order)
        self._captures: list[Capture] = []
        self._procs: list[subprocess.Popen] = []
        self._tmpdir: str | None = None
        self._closed = False
        self._ip = _which("ip") or "ip"
        _LIVE.add(self)

    # -- context manager ---------------------------------------------------
    def __enter__(self) -> RealNet:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- namespaces --------------------------------------------------------
    @property
    def namespaces(self) -> dict[str, str]:
        """Short name -> real namespace name, for the namespaces we created."""
        return dict(self._ns)

    def real(self, name: str) -> str:
        """Real namespace name of one of our namespaces (short or real name)."""
        if name in self._ns:
            return self._ns[name]
        if name in self._ns.values():
            return name
        raise KeyError(
            f"{name!r} is not a namespace of this RealNet (have: {', '.join(self._ns) or 'none'})"
        )

    def add_namespace(self, name: str) -> str:
        if self._closed:
            raise RealNetError("RealNet is closed")
        if not _NAME_RE.match(name):
            raise ValueError(f"bad namespace name {name!r}")
        if name in self._ns:
            raise ValueError(f"namespace {name!r} already exists in this RealNet")
        real = self.prefix + name
        if len(real) > MAX_NS_NAME:
            raise ValueError(
                f"namespace name {real!r} longer than {MAX_NS_NAME} chars; "
                "use a shorter name or tag"
            )
        self._host_ip("netns", "add", real)
        self._ns[name] = real  # recorded immediately: deleted on close even if setup fails
        self.run(name, "ip link set lo up")
        # Docker >= 26.1 disables IPv6 on endpoints without IPv6; also keeps
        # captures free of MLD / router solicitation noise.
        self.run(name, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1")
        self.run(name, "sysctl -qw net.ipv6.conf.default.disable_ipv6=1")
        return real

    def _host_ip(self, *args: str) -> None:
        """Run ``ip netns add|del <our name>`` -- the only host-level commands."""
        if not (
            len(args) == 3
            and args[0] == "netns"
            and args[1] in ("add", "del")
            and args[2].startswith(self.prefix)
        ):
            raise ValueError(f"refusing host-level command: ip {' '.join(args)}")
        cmd = [self._ip, *args]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=30, env=_env())
        if res.returncode != 0:
            raise RealNetError(_describe(cmd, res.returncode, res.stdout, res.stderr))

    # -- commands ----------------------------------------------------------
    def _argv(self, ns: str, command: str) -> tuple[str, list[str]]:
        real = self.real(ns)

        def sub(m: re.Match) -> str:
            return self.real(m.group(1))

        argv = [_PLACEHOLDER_RE.sub(sub, tok) for tok in shlex.split(command)]
        if not argv:
            raise ValueError("empty command")
        self._check_argv(argv)
        return real, argv

    def _check_argv(self, argv: list[str]) -> None:
        prog = os.path.basename(argv[0])
        if prog in ("nsenter", "unshare"):
            raise ValueError(f"{prog} is not allowed in RealNet.run: {argv}")
        if prog != "ip":
            return
        ours = set(self._ns.values())
        objects = [a for a in argv[1:] if not a.startswith("-")]
        if objects and objects[0] == "netns":
            raise ValueError(f"`ip netns` inside RealNet.run is not allowed: {argv}")
        for i, tok in enumerate(argv[1:], start=1):
            wants_ns = (
                tok == "netns"
                or (tok.startswith("-n") and len(tok) <= len("-netns"))
                or tok == "--netns"
            )
            if wants_ns:
                target = argv[i + 1] if i + 1 < len(argv) else ""
                if target not in ours:
                    raise ValueError(
                        f"refusing {argv}: namespace {target!r} was not created by this "
                        "RealNet (use {ns:NAME})"
                    )

    def run(
        self, ns: str, command: str, check: bool = True, timeout: float = 30
    ) -> subprocess.CompletedProcess:
        """Run ``command`` (shlex-split, ``{ns:NAME}`` substituted) in namespace ``ns``."""
        real, argv = self._argv(ns, command)
        cmd = [self._ip, "netns", "exec", real, *argv]
        try:
            res = subprocess.run(
                cmd, capture_output=True, text=True, errors="replace", timeout=timeout, env=_env()
            )
        except subprocess.TimeoutExpired as exc:
            out = (
                exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout
            )
            err = (
                exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr
            )
            raise RealNetError(_describe(cmd, f"timeout after {timeout}s", out, err)) from None
        if check and res.returncode != 0:
            raise RealNetError(_describe(cmd, res.returncode, res.stdout, res.stderr))
        return res

    def spawn(self, ns: str, command: str) -> subprocess.Popen:
        """Start a background process in ``ns``; it is killed on close()."""
        real, argv = self._argv(ns, command)
        proc = subprocess.Popen(
            [self._ip, "netns", "exec", real, *argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(),
        )
        self._procs.append(proc)
        return proc

    # -- captures ----------------------------------------------------------
    def capture(self, ns: str, dev: str, promisc: bool = True, timeout: float = 10) -> Capture:
        """Start ``tcpdump -i dev -w <tmp>.pcap -U -n`` in ``ns``; wait until listening."""
        real = self.real(ns)
        if not re.match(r"^[A-Za-z0-9_.@-]+$", dev):
            raise ValueError(f"bad device name {dev!r}")
        if self._tmpdir is None:
            self._tmpdir = tempfile.mkdtemp(prefix=self.prefix)
        path = os.path.join(self._tmpdir, f"{len(self._captures):02d}-{ns}-{dev}.pcap")
        cmd = [
            self._ip,
            "netns",
            "exec",
            real,
            "tcpdump",
            "-i",
            dev,
            "-w",
            path,
            "-U",
            "-n",
            "--immediate-mode",
            "-Z",
            "root",
        ]
        if not promisc:
            cmd.append("-p")
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            env=_env(),
        )
        cap = Capture(proc, path, ns, dev)
        self._captures.append(cap)
        cap.wait_listening(timeout)
        return cap

    def stop_captures(self, settle: float = 0.2) -> None:
        """Stop all running captures (one shared settle delay)."""
        running = [c for c in self._captures if c.running]
        if running and settle > 0:
            time.sleep(settle)
        for cap in self._captures:
            cap.stop(settle=0)

    # -- cleanup -----------------------------------------------------------
    def close(self) -> None:
        """Stop captures and processes, delete exactly our namespaces. Idempotent."""
        if self._closed:
            return
        self._closed = True
        errors: list[str] = []
        try:
            self.stop_captures(settle=0)
        except Exception as exc:
            errors.append(f"stopping captures: {exc}")
        for proc in self._procs:
            try:
                if proc.poll() is None:
                    proc.kill()
                proc.communicate(timeout=5)
            except Exception as exc:
                errors.append(f"killing pid {proc.pid}: {exc}")
        for real in reversed(list(self._ns.values())):
            try:
                self._host_ip("netns", "del", real)
            except Exception as exc:
                errors.append(str(exc))
        self._ns.clear()
        for cap in self._captures:
            if cap._packets is None and os.path.exists(cap.path):
                try:  # keep packets readable after the file is gone
                    cap.packets()
                except Exception as exc:
                    errors.append(f"reading {cap.path}: {exc}")
        if self._tmpdir and not os.environ.get(KEEP_PCAPS_ENV):
            shutil.rmtree(self._tmpdir, ignore_errors=True)
        elif self._tmpdir:
            print(f"realnet: pcaps kept in {self._tmpdir}", file=sys.stderr)
        _LIVE.discard(self)
        if errors:
            raise RealNetError("cleanup problems:\n" + "\n".join(errors))


def _describe(cmd: list[str], code: Any, stdout: str | None, stderr: str | None) -> str:
    return (
        f"command failed: {shlex.join(cmd)}\n"
        f"exit code: {code}\n"
        f"stdout: {(stdout or '').strip()}\n"
        f"stderr: {(stderr or '').strip()}"
    )
