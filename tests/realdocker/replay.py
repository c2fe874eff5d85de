"""Sequences of commands, replayed on the real daemon and on ``Lab(engine="20.10")``.

A sequence is a text file under ``sequences/``, readable by a teacher: lines starting
``$ `` are commands typed on the learner's host (``docker ...``, ``ip ...``,
``iptables-save``, ``cat /etc/resolv.conf``); ``#`` lines are narration; blank lines
are ignored.  Each command runs on both sides; stdout, stderr and exit status are
compared after :func:`normalise`, which rewrites only what differs by nature between
two runs or two machines:

* ids: 64- and 12-digit hex ids (containers, networks, images), ``br-<id>`` bridges,
  ``veth<hex>`` names, and the interface indexes of ``ip`` output (``7: veth..@if6``):
  the real daemon's namespace is shared by all sequences, so its indexes keep growing;
* MAC addresses, except Docker 20.10's ``02:42:`` + IPv4 addresses of private
  networks, which the engine derives from the IP address and are compared; the
  ``fe80::`` addresses made from them likewise;
* times: "3 seconds ago", "Up 2 seconds", RFC 3339 timestamps, ping's and dig's
  timings, dig's query id;
* hashes: ``sha256:...``;
* order by nature: ``docker network prune`` lists what it removed in the order the daemon
  walks its networks, a Go map (libnetwork's datastore cache), so two runs of the same
  daemon differ: the names are sorted on both sides;
* this machine rather than Docker: the daemon's resolver is 192.168.1.1 (an address
  inside our namespaces, so no query leaves them), the lab's host names 8.8.8.8;
  Debian's client reports ``20.10.24+dfsg1``;
* the stand-in images (built locally, there is no registry): see ``STAND_IN`` below;
* orders that are random on the real daemon, in the output of a DNS client (dig, getent,
  nslookup) only: the embedded DNS shuffles the addresses of a name several containers
  share on every query (libnetwork ``resolver.go``, ``shuffleAddr``), so runs of lines
  that differ only in their IPv4 address are sorted; BusyBox nslookup prints its A and
  AAAA answers in the order they arrive, and dockerd answers the two concurrently, so
  the blocks after its ``Server:`` lines are sorted. And in ``iptables-save``'s output
  only: the rules of a container's several published ports are installed in the order
  of a Go map (the container's port bindings), so runs of rules that differ only in
  their port numbers are sorted by port; the networks 20.10 names when it refuses several
  ``--network`` (``verifyNetworkingConfig`` walks a map) are sorted too.
* the pace: after a command that takes a container off a bridge (stop, rm, kill, restart,
  network disconnect) or starts one, the real side waits a second before the next one,
  as a person typing would: the kernel applies a bridge's carrier loss through linkwatch
  up to a second later, and a container whose command ends at once is up for a moment;
* a link-local IPv6 address still ``tentative`` (in duplicate address detection, about
  a second after it is made): the replay types faster than a person does.
* ``docker info``'s facts of this machine rather than of Docker (``INFO_MACHINE`` below): the
  images loaded (the stand-ins only), the data root's file system and place (a tmpfs of the
  harness), the cgroup driver and version, the containerd/runc/init builds (Debian's packages),
  the security options (whether the kernel runs AppArmor), the kernel, operating system, CPUs,
  memory, host name and daemon ID; and the order of ``Runtimes`` (a Go map, sorted here).
"""

from __future__ import annotations

import difflib
import itertools
import re
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SEQUENCES = Path(__file__).with_name("sequences")


@dataclass(frozen=True)
class Step:
    line: int
    command: str


@dataclass(frozen=True)
class Sequence:
    name: str
    path: Path
    steps: tuple[Step, ...]
    needs: tuple[str, ...] = ()  # kernel link types the real side needs ("# needs: ipvlan")


def load(path: Path) -> Sequence:
    steps = []
    needs: list[str] = []
    for n, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.rstrip()
        if line.startswith("# needs:"):
            needs += line.split(":", 1)[1].split()
            continue
        if not line or line.startswith("#"):
            continue
        if not line.startswith("$ "):
            raise ValueError(f"{path.name}:{n}: a line is a command ('$ ...'), narration ('# ...') or blank")
        steps.append(Step(n, line[2:].strip()))
    return Sequence(path.stem, path, tuple(steps), tuple(needs))


def all_sequences() -> list[Sequence]:
    return [load(p) for p in sorted(SEQUENCES.glob("*.txt"))]


# ---------------------------------------------------------------------------
# normalisation
# ---------------------------------------------------------------------------

Rules = list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]]


def _rules(*rules: tuple[str, str | Callable[[re.Match[str]], str]]) -> Rules:
    """(pattern, replacement) pairs, the patterns compiled once."""
    return [(re.compile(pattern), repl) for pattern, repl in rules]


def _apply(rules: Rules, text: str) -> str:
    """Each rule in turn, over the whole text."""
    for pattern, repl in rules:
        text = pattern.sub(repl, text)
    return text


_PRIVATE_MAC = re.compile(r"^02:42:(0a|ac:1[0-9a-f]|c0:a8):")
_MAC = re.compile(r"\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b")
_DURATION = r"(?:Less than a second|About an? (?:minute|hour)|\d+ (?:second|minute|hour|day|week|month|year)s?)"
_RULES = _rules(
    (r"sha256:[0-9a-f]{64}", "sha256:<hash>"),
    (r"\b[0-9a-f]{64}\b", "<id>"),
    (r"\bbr-[0-9a-f]{12}\b", "br-<id>"),
    (r"\bveth[0-9a-f]{7}\b", "veth<id>"),
    (r"\bdm-[0-9a-f]{12}\b", "dm-<id>"),
    (r"(?<![0-9a-z:.-])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{12}\b", "<id>"),
    # link-local addresses made from a random MAC, as the MACs themselves: those of Docker's
    # IP-derived 02:42 MACs (private networks, as _PRIVATE_MAC) and the host's are kept
    (r"\bfe80::(?!42:(?:acff:fe1[0-9a-f]|aff:fe[0-9a-f]{2}|c0ff:fea8):|5054:ff:fe12:3456/)[0-9a-f:]+(?=/64)", "fe80::<random>"),
    # the stand-in busybox is Debian's static 1.35 build; the simulator models busybox:latest (1.36.1)
    (r"\bBusyBox v\d+\.\d+\.\d+ \([^)]*\) multi-call binary\.", "BusyBox <version> multi-call binary."),
    # ip link/addr: interface indexes
    (r"(?m)^\d+: (?=\S+: <)", "<n>: "),
    (r"@if\d+\b", "@if<n>"),
    # ip -br pads a name to 16 columns: how far depends on the index just set aside
    (r"(?m)^(\S+@if<n>) +(?=[A-Z])", r"\1 "),
    # times
    (r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)", "<time>"),
    (rf"\b{_DURATION} ago\b", "<time> ago"),
    (rf"\bUp {_DURATION}\b", "Up <time>"),
    (r"\btime[=<][0-9.]+ ?ms\b", "time=<t> ms"),
    (r"\btime \d+ms\b", "time <t>ms"),
    (r"rtt min/avg/max/mdev = [0-9./]+ ms", "rtt min/avg/max/mdev = <t> ms"),
    (r"round-trip min/avg/max = [0-9./]+ ms", "round-trip min/avg/max = <t> ms"),
    (r"(?m)^# (Generated by|Completed on) .*", r"# \1 <iptables-save, time>"),
    (r";; Query time: \d+ msec", ";; Query time: <t> msec"),
    (r";; WHEN: .*", ";; WHEN: <time>"),
    (r"(->>HEADER<<- opcode: \w+, status: \w+, id: )\d+", r"\1<qid>"),
    # this machine, not Docker
    (r"\b20\.10\.24\+dfsg1\b", "20.10.24"),
)


def _mac(m: re.Match[str]) -> str:
    mac = m.group(0)
    if mac in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff") or _PRIVATE_MAC.match(mac):
        return mac
    return "<mac>"


# The stand-ins' tools are Debian 12's (iproute2 6.1, iputils 20221126, bind9 9.18), newer
# than ubuntu:14.04's (iproute2 3.12, iputils 20121221): their spacing, ``link-netnsid``,
# ``M-DOWN`` and dig's version banner differ, not what they report.
_STAND_IN_RULES = _rules(
    (r",M-DOWN>", ">"),
    (r" link-netnsid \d+", ""),
    (r"(?<=\S)  +(?=\S)", " "),
    (r"(?m)[ \t]+$", ""),
    (r"; <<>> DiG [0-9.]+(?:-\S+)? <<>>", "; <<>> DiG <version> <<>>"),
)
STAND_IN_IMAGES = ("ubuntu:14.04", "nicolaka/netshoot")


def normalise_stand_in(text: str) -> str:
    return _apply(_STAND_IN_RULES, text)


# The real daemon's side only.
_REAL_RULES = _rules(
    # The daemon's resolver file names an address inside our namespaces.
    (r"(?m)^nameserver 192\.168\.1\.1$", "nameserver 8.8.8.8"),
    # The replay types faster than a person: a link-local address made a moment ago may
    # still be in duplicate address detection (about a second), which a learner never sees.
    (r"(?m)^(    inet6 fe80::\S+ scope link) tentative ", r"\1 "),
)
# The real daemon's host: its eth0 is one end of a veth pair here, not a NIC
# (its peer is in a namespace of ours; this kernel has no fq_codel, so no qdisc to set).
_REAL_HOST_RULES = _rules(
    (r"(?m)^(\d+: eth0)@if\d+:", r"\1:"),
    (r"(?m)^eth0@if\d+ +", "eth0".ljust(17)),
    (r"(?m)^(\d+: eth0: .*) qdisc noqueue ", r"\1 qdisc fq_codel "),
    (r" link-netns dsim\S+", ""),
)
INFO_MACHINE = re.compile(
    r"(?m)^( Images|  Backing Filesystem| Cgroup Driver| Cgroup Version| containerd version| runc version|"
    r" init version| Kernel Version| Operating System| CPUs| Total Memory| Name| ID| Docker Root Dir): .*$")


def _sorted_block(m: re.Match[str]) -> str:
    return m.group(1) + "".join(sorted(m.group(2).splitlines(keepends=True)))


# Both sides, after the rules of the side.
_BOTH_RULES = _rules(
    (r"(?m)^(Deleted Networks:\n)((?:.+\n)+)", _sorted_block),
    (INFO_MACHINE.pattern, r"\1: <this machine>"),
    (r"(?m)^ Security Options:\n(?:  .*\n)+", " Security Options: <this machine>\n"),
    (r"(?m)^( Runtimes:) (.*)$", lambda m: m.group(1) + " " + " ".join(sorted(m.group(2).split()))),
    (_MAC.pattern, _mac),
)


def normalise(text: str, real: bool, stand_in: bool = False, host: bool = False) -> str:
    """Rewrite what differs by nature (see the module's docstring); ``real`` marks the daemon's side,
    ``stand_in`` a command run in a container of a stand-in image, ``host`` one run on the host."""
    if real:
        text = _apply(_REAL_RULES, text)
        if host:
            text = _apply(_REAL_HOST_RULES, text)
    if stand_in:
        text = normalise_stand_in(text)
    return _apply(_RULES, _apply(_BOTH_RULES, text))


_DNS_CLIENTS = ("dig", "getent", "nslookup")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")


def normalise_dns_order(command: str, text: str) -> str:
    """Sort what the real daemon orders at random (see the module's docstring), for a DNS client's output."""
    if not any(word in _DNS_CLIENTS for word in shlex.split(command)):
        return text
    if text.startswith("Server:\t\t") and ":53\n\n" in text:  # BusyBox nslookup: header, then one block per answer
        head, _, rest = text.partition("\n\n")
        blocks = [b for b in rest.split("\n\n") if b]
        text = head + "\n\n" + "".join(b + "\n\n" for b in sorted(blocks)) if blocks else text
    lines = text.split("\n")
    out: list[str] = []
    for key, group in itertools.groupby(lines, key=lambda ln: _IPV4.sub("<ip>", ln) if _IPV4.search(ln) else None):
        run = list(group)
        out += sorted(run) if key is not None else run
    return "\n".join(out)


_PORT = re.compile(r"(?<=--dport )\d+|(?<=--to-destination )[\d.]+:\d+")


def normalise_port_order(command: str, text: str) -> str:
    """Sort, in ``iptables-save``'s output, runs of rules that differ only in their ports."""
    if "iptables-save" not in shlex.split(command):
        return text
    out: list[str] = []
    for key, group in itertools.groupby(text.split("\n"), key=lambda ln: _PORT.sub("<port>", ln) if _PORT.search(ln) else None):
        run = list(group)
        out += sorted(run, key=lambda ln: [int(n) for n in re.findall(r"(?<=--dport )\d+|(?<=:)\d+\b", ln)]) if key is not None else run
    return "\n".join(out)


_ENDPOINTS = re.compile(r"(Container cannot be connected to network endpoints: )([^\n]*?)(\.?)$", re.M)


def normalise_order(command: str, text: str) -> str:
    """What the real daemon orders at random, sorted on both sides (the module's docstring)."""
    text = _ENDPOINTS.sub(lambda m: m.group(1) + ", ".join(sorted(m.group(2).split(", "))) + m.group(3), text)
    return normalise_port_order(command, normalise_dns_order(command, text))


# ---------------------------------------------------------------------------
# replay
# ---------------------------------------------------------------------------


@dataclass
class Outcome:
    command: str
    line: int
    stdout: str
    stderr: str
    exit_code: int

    def block(self) -> list[str]:
        out = [f"$ {self.command}   (line {self.line})"]
        out += [f"  out| {ln}" for ln in self.stdout.splitlines()]
        out += [f"  err| {ln}" for ln in self.stderr.splitlines()]
        out.append(f"  exit {self.exit_code}")
        return out


def where(seq: Sequence) -> list[tuple[bool, bool]]:
    """For each step: (runs in a container of a stand-in image, runs on the host)."""
    stand_in_names: set[str] = set()
    found = []
    for step in seq.steps:
        argv = shlex.split(step.command)
        if argv[:2] in (["docker", "run"], ["docker", "create"]) and "--name" in argv:
            name = argv[argv.index("--name") + 1]
            if any(tok.startswith(STAND_IN_IMAGES) for tok in argv):
                stand_in_names.add(name)
        if argv[:2] == ["docker", "exec"]:
            rest = [a for a in argv[2:] if not a.startswith("-")]
            found.append((bool(rest) and rest[0] in stand_in_names, False))
        else:
            found.append((False, argv[0] != "docker"))
    return found


# Commands after which the real state settles within a second (the kernel applies a bridge's
# carrier loss through linkwatch up to a second later; a started container whose command ends
# at once, such as a shell without a terminal, may still be up for some milliseconds): the
# replay waits as long as a person typing the next command would.
_LEAVES = re.compile(r"^docker (stop|rm|kill|restart|start|network disconnect)\b")
LINKWATCH_S = 1.1


def replay_real(seq: Sequence, daemon) -> list[Outcome]:
    results = []
    for step, (stand_in, host) in zip(seq.steps, where(seq), strict=True):
        if results and _LEAVES.match(results[-1].command):
            time.sleep(LINKWATCH_S)
        out = daemon.host(shlex.split(step.command))
        stdout = normalise_order(step.command, normalise(out.stdout, True, stand_in, host))
        results.append(Outcome(step.command, step.line, stdout,
                               normalise_order(step.command, normalise(out.stderr, True, stand_in, host)), out.exit_code))
    return results


def replay_sim(seq: Sequence) -> list[Outcome]:
    from simulator import Lab

    lab = Lab(engine="20.10")
    results = []
    for step, (stand_in, host) in zip(seq.steps, where(seq), strict=True):
        r = lab.sh(step.command)
        stdout = normalise_order(step.command, normalise(r.stdout, False, stand_in, host))
        results.append(Outcome(step.command, step.line, stdout,
                               normalise_order(step.command, normalise(r.stderr, False, stand_in, host)), r.exit_code))
    return results


def differences(real: list[Outcome], sim: list[Outcome]) -> list[str]:
    """One unified diff per command whose outputs differ (real first, simulator second)."""
    found = []
    for a, b in zip(real, sim, strict=True):
        if (a.stdout, a.stderr, a.exit_code) == (b.stdout, b.stderr, b.exit_code):
            continue
        diff = difflib.unified_diff(a.block(), b.block(), "real dockerd 20.10", 'Lab(engine="20.10")', lineterm="", n=20)
        found.append("\n".join(diff))
    return found
