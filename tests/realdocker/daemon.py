"""A real dockerd 20.10 (Debian's ``docker.io``), run isolated for the differential suite.

How it runs (safety first; please keep these rules when extending the module):

* ``dockerd`` runs inside a network namespace that this module creates
  (``dsim<pid>-rd-daemon``, through :class:`tests.realnet.RealNet`).  Its ``eth0`` is
  one end of a veth pair whose peer sits alone, without an address, in a second
  namespace of ours (``dsim<pid>-rd-wire``).  ``eth0`` carries the lab's LAN address
  (192.168.1.10/24) and a default route to 192.168.1.1, which nobody answers: nothing
  can leave, and no test sends to any address outside these namespaces.  The resolver
  file (``/etc/netns/<daemon ns>/resolv.conf``, bind-mounted by ``ip netns exec``)
  names 192.168.1.1, an address of that dead-end segment.
* dockerd's iptables rules live in its namespace; the machine's interfaces, routes
  and firewall are never touched (``test_host_firewall_untouched`` checks
  ``iptables-save`` before and after).
* ``ip netns exec`` remounts ``/sys``, which hides the cgroup hierarchies; a small
  wrapper script mounts them again (the same mounts as the machine's, read from
  ``/proc/self/mounts``) in that private mount namespace, then execs dockerd.
* dockerd gets its own ``--data-root``, ``--exec-root``, ``--pidfile`` and
  ``-H unix://`` socket under a temporary directory; the client is Debian's
  ``/usr/bin/docker`` (20.10), named explicitly since another docker may be first on
  PATH, with its own ``DOCKER_CONFIG`` (no credential helpers of the machine's).
* The packaged service is never started.  dockerd and the containerd it starts are
  stopped by pid; exactly the namespaces made here are deleted, also on failure
  (``close`` from the session fixture's ``finally`` and from an ``atexit`` hook).

Images are built locally, there is no registry: ``busybox`` from busybox-static
(``docker import``), ``ubuntu:14.04`` from a Debian minbase root filesystem made by
debootstrap with iproute2, iputils-ping, dnsutils, net-tools and procps, imported
with the catalog's CMD/ENV (``simulator.engine.images.CATALOG``).  The root
filesystem tarball is cached outside the clone (see :func:`cache_dir`), keyed by
what it contains, so a warm run starts in seconds and a fresh clone reuses it.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.realnet import RealNet, _env, _real_kernel_unavailable_reason, _which

STRICT_ENV = "DOCKERSIM_REQUIRE_REAL_DOCKER"
CACHE_ENV = "DOCKERSIM_REALDOCKER_CACHE"
DOCKERD = "/usr/sbin/dockerd"
CLIENT = "/usr/bin/docker"  # Debian's 20.10 client, whatever `docker` is first on PATH
BUSYBOX = "/bin/busybox"  # busybox-static's binary
PACKAGES = ("docker.io", "busybox-static", "debootstrap")

HOST_ADDR = "192.168.1.10/24"  # the lab's host (simulator.scenario.topologies)
HOST_GW = "192.168.1.1"
HOST_MAC = "52:54:00:12:34:56"
RESOLVER = HOST_GW  # an address of the dead-end segment: no query leaves our namespaces

SUITE = "bookworm"
ROOTFS_PACKAGES = ("iproute2", "iputils-ping", "dnsutils", "net-tools", "procps")
# Trimmed from the stand-in's root filesystem: documentation and caches only.
ROOTFS_TRIM = ("usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale",
               "var/cache/apt", "var/lib/apt/lists")


class RealDockerError(RuntimeError):
    """The real daemon could not be set up or a harness command failed."""


# ---------------------------------------------------------------------------
# availability
# ---------------------------------------------------------------------------


def _pkg_installed(pkg: str) -> bool:
    dpkg = shutil.which("dpkg-query")
    if dpkg is None:
        return False
    res = subprocess.run([dpkg, "-W", "-f=${Status}", pkg], capture_output=True, text=True)
    return res.stdout.strip() == "install ok installed"


def unavailable_reason() -> str | None:
    """Why the real daemon cannot run here, or None."""
    if not sys.platform.startswith("linux"):
        return f"real-docker tests need Linux (running on {sys.platform})"
    if os.geteuid() != 0:
        return "real-docker tests need root (network namespaces, dockerd)"
    missing = [p for p in PACKAGES if not _pkg_installed(p)]
    if missing:
        return ("real-docker tests need Debian's packages " + ", ".join(missing)
                + " (run tests/setup_system.sh as root)")
    for path in (DOCKERD, CLIENT, BUSYBOX):
        if not os.access(path, os.X_OK):
            return f"real-docker tests need {path}"
    return None


def require_real_docker() -> None:
    """Skip unless the real daemon can run; with DOCKERSIM_REQUIRE_REAL_DOCKER=1, fail instead."""
    reason = unavailable_reason() or _real_kernel_unavailable_reason()
    if reason is None:
        return
    print(f"realdocker: {reason}", file=sys.stderr)
    if os.environ.get(STRICT_ENV, "").strip() not in ("", "0"):
        pytest.fail(f"{reason} ({STRICT_ENV} is set)", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------------------
# the image cache
# ---------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where root filesystem tarballs are kept between runs (outside the clone).

    ``$DOCKERSIM_REALDOCKER_CACHE`` if set, else ``${XDG_CACHE_HOME:-~/.cache}/dockersim/realdocker``.
    """
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dockersim" / "realdocker"


def apt_mirror() -> str:
    """The Debian mirror apt is configured with (deb822 or one-line sources)."""
    candidates = sorted(Path("/etc/apt/sources.list.d").glob("*.sources"))
    for path in candidates:
        for line in path.read_text().splitlines():
            m = re.match(r"URIs:\s*(\S+)", line)
            if m and "security" not in m.group(1):
                return m.group(1)
    for path in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*.list"))]:
        if path.exists():
            for line in path.read_text().splitlines():
                m = re.match(r"deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+\S+", line)
                if m and "security" not in m.group(1):
                    return m.group(1)
    return "http://deb.debian.org/debian"


def rootfs_key() -> str:
    """What the Debian root filesystem contains, as a cache key."""
    spec = json.dumps({"suite": SUITE, "variant": "minbase", "include": ROOTFS_PACKAGES,
                       "trim": ROOTFS_TRIM, "arch": os.uname().machine, "v": 1}, sort_keys=True)
    return hashlib.sha256(spec.encode()).hexdigest()[:16]


def debian_rootfs_tarball(log=print) -> Path:
    """The cached minbase tarball, made with debootstrap when missing (about 3 minutes)."""
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / f"debian-{SUITE}-minbase-{rootfs_key()}.tar"
    if tarball.exists():
        return tarball
    work = Path(tempfile.mkdtemp(prefix="dsim-rootfs-", dir=cache))
    try:
        root = work / "root"
        log(f"realdocker: building the {SUITE} minbase root filesystem (debootstrap, a few minutes)")
        cmd = ["debootstrap", "--variant=minbase", "--include=" + ",".join(ROOTFS_PACKAGES),
               SUITE, str(root), apt_mirror()]
        res = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=1200)
        if res.returncode != 0:
            raise RealDockerError(f"debootstrap failed ({res.returncode}):\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
        _unmount_under(root)  # debootstrap mounts /proc and /sys in the target while it works
        for rel in ROOTFS_TRIM:
            shutil.rmtree(root / rel, ignore_errors=True)
        partial = work / "rootfs.tar"
        subprocess.run(["tar", "--numeric-owner", "--one-file-system", "-C", str(root), "-cf", str(partial), "."],
                       check=True, env=_env(), timeout=600)
        os.replace(partial, tarball)
        return tarball
    finally:
        _remove_tree(work)


def busybox_rootfs_tarball() -> Path:
    """A busybox image's root filesystem: the static binary and a link per applet in /bin."""
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(Path(BUSYBOX).read_bytes()).hexdigest()[:16]
    tarball = cache / f"busybox-{digest}.tar"
    if tarball.exists():
        return tarball
    work = Path(tempfile.mkdtemp(prefix="dsim-busybox-", dir=cache))
    try:
        root = work / "root"
        for d in ("bin", "etc", "tmp", "root", "proc", "sys", "dev", "var", "home"):
            (root / d).mkdir(parents=True)
        shutil.copy2(BUSYBOX, root / "bin" / "busybox")
        applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True, check=True).stdout.split()
        for applet in applets:
            if applet != "busybox":
                (root / "bin" / applet).symlink_to("busybox")
        (root / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n")
        (root / "etc" / "group").write_text("root:x:0:\nnogroup:x:65534:\n")
        partial = work / "rootfs.tar"
        subprocess.run(["tar", "--numeric-owner", "-C", str(root), "-cf", str(partial), "."],
                       check=True, env=_env(), timeout=120)
        os.replace(partial, tarball)
        return tarball
    finally:
        shutil.rmtree(work, ignore_errors=True)


# What the real ubuntu:14.04 image did not have: bind9's tools (dnsutils was not in it).
UBUNTU_1404_ABSENT = ("usr/bin/dig", "usr/bin/nslookup", "usr/bin/host", "usr/bin/delv",
                      "usr/bin/nsupdate", "usr/bin/mdig", "usr/bin/dnstap-read")


def derived_tarball(base: Path, name: str, drop: tuple[str, ...] = (),
                    links: tuple[tuple[str, str], ...] = ()) -> Path:
    """A variant of a cached tarball: some files left out, some symbolic links added (cached too)."""
    import tarfile

    spec = json.dumps({"base": base.name, "drop": drop, "links": links}, sort_keys=True)
    out = base.with_name(f"{name}-{hashlib.sha256(spec.encode()).hexdigest()[:16]}.tar")
    if out.exists():
        return out
    partial = out.with_suffix(".partial")
    dropped = {f"./{d}" for d in drop}
    with tarfile.open(base) as src, tarfile.open(partial, "w", format=tarfile.GNU_FORMAT) as dst:
        for member in src:
            if member.name in dropped:
                continue
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
        for path, target in links:
            info = tarfile.TarInfo(f"./{path}")
            info.type = tarfile.SYMTYPE
            info.linkname = target
            info.mode = 0o777
            dst.addfile(info)
    os.replace(partial, out)
    return out


@dataclass(frozen=True)
class StandIn:
    """A locally built image standing in for one of the catalog's."""

    reference: str
    tarball: str  # "ubuntu" | "netshoot" | "busybox"


STAND_INS = (StandIn("ubuntu:14.04", "ubuntu"), StandIn("busybox:latest", "busybox"),
             StandIn("nicolaka/netshoot:latest", "netshoot"))


def stand_in_tarball(kind: str) -> Path:
    if kind == "busybox":
        return busybox_rootfs_tarball()
    debian = debian_rootfs_tarball()
    if kind == "ubuntu":
        return derived_tarball(debian, "ubuntu-1404-standin", drop=UBUNTU_1404_ABSENT)
    # netshoot's default command is zsh; the stand-in's zsh is bash.
    return derived_tarball(debian, "netshoot-standin", links=(("bin/zsh", "bash"),))


def _changes(reference: str) -> list[str]:
    """The catalog's CMD, ENTRYPOINT, ENV and EXPOSE as ``docker import --change`` lines."""
    from simulator.engine.images import find

    image = find(reference)
    assert image is not None, reference
    changes = [f"CMD {json.dumps(list(image.cmd))}"]
    if image.entrypoint:
        changes.append(f"ENTRYPOINT {json.dumps(list(image.entrypoint))}")
    for env in image.env:
        changes.append(f"ENV {env}")
    for port in image.exposed:
        changes.append(f"EXPOSE {port}")
    return changes


# ---------------------------------------------------------------------------
# the daemon
# ---------------------------------------------------------------------------

_LIVE: set[RealDocker] = set()


def _atexit_cleanup() -> None:
    for rd in list(_LIVE):
        try:
            rd.close()
        except Exception as exc:  # pragma: no cover - last resort
            print(f"realdocker: atexit cleanup failed: {exc}", file=sys.stderr)


atexit.register(_atexit_cleanup)


@dataclass
class Output:
    stdout: str
    stderr: str
    exit_code: int


def _cgroup_wrapper() -> str:
    """A shell script that mounts the machine's cgroup hierarchies again, then execs its arguments."""
    lines = ["#!/bin/sh", "# Written by tests/realdocker/daemon.py: `ip netns exec` remounted /sys.", "set -e"]
    with open("/proc/self/mounts") as fh:
        mounts = [line.split() for line in fh]
    for dev, where, fstype, opts, *_ in mounts:
        if not where.startswith("/sys/fs/cgroup"):
            continue
        if fstype not in ("tmpfs", "cgroup", "cgroup2"):
            continue
        lines.append(f"mkdir -p {where}")
        lines.append(f"mount -t {fstype} -o {opts} {dev} {where}")
    lines.append('exec "$@"')
    return "\n".join(lines) + "\n"


class RealDocker:
    """One dockerd 20.10 in namespaces of its own, and its client."""

    def __init__(self) -> None:
        self.net = RealNet("rd")
        self.tmp = Path(tempfile.mkdtemp(prefix="dsim-realdocker-"))
        self.sock = self.tmp / "docker.sock"
        self.pidfile = self.tmp / "dockerd.pid"
        self.log_path = self.tmp / "dockerd.log"
        self.proc: subprocess.Popen | None = None
        self.ns = ""
        self.netns_etc: Path | None = None
        self._closed = False
        self.host_before: dict[str, str] = {}
        self._kinds: dict[str, bool] = {}
        self._made_etc_netns = False
        _LIVE.add(self)

    # -- set-up --------------------------------------------------------------
    def setup(self) -> None:
        self.ns = self.net.add_namespace("daemon")
        self.net.add_namespace("wire")
        # The learner's host has IPv6 link-local addresses: keep them in the daemon's namespace.
        self.net.run("daemon", "sysctl -qw net.ipv6.conf.all.disable_ipv6=0")
        self.net.run("daemon", "sysctl -qw net.ipv6.conf.default.disable_ipv6=0")
        # The peer's namespace takes a netns id in the daemon's namespace; give it a high one
        # first, so containers' namespaces are numbered from 0, as on a host whose eth0 is a NIC.
        ip = _which("ip")
        subprocess.run([ip, "netns", "exec", self.net.real("daemon"), ip, "netns", "set", self.net.real("wire"), "200"],
                       check=True, capture_output=True, timeout=15, env=_env())
        self.net.run("daemon", "ip link add eth0 type veth peer name eth0 netns {ns:wire}")
        # The lab host's NIC: its MAC (hence its link-local address), broadcast and queueing discipline.
        self.net.run("daemon", f"ip link set eth0 address {HOST_MAC}")
        self.net.run("daemon", f"ip addr add {HOST_ADDR} brd + dev eth0")
        self.net.run("daemon", "tc qdisc replace dev eth0 root fq_codel", check=False)
        self.net.run("daemon", "ip link set eth0 up")
        self.net.run("wire", "ip link set eth0 up")
        self.net.run("daemon", f"ip route add default via {HOST_GW} dev eth0 proto static")
        self.netns_etc = Path("/etc/netns") / self.ns
        self._made_etc_netns = not self.netns_etc.parent.exists()
        self.netns_etc.mkdir(parents=True, exist_ok=False)
        (self.netns_etc / "resolv.conf").write_text(f"nameserver {RESOLVER}\n")
        wrapper = self.tmp / "cgroups.sh"
        wrapper.write_text(_cgroup_wrapper())
        wrapper.chmod(0o755)
        (self.tmp / "config").mkdir()
        # The daemon's images and containers live in memory: this machine's disk is slow at
        # creating and deleting the many small files of image layers (unmounted in close()).
        (self.tmp / "data").mkdir()
        res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4g,mode=0700", "dsim-realdocker",
                              str(self.tmp / "data")], capture_output=True, text=True, env=_env())
        if res.returncode != 0:
            print(f"realdocker: data root on disk (tmpfs: {res.stderr.strip()})", file=sys.stderr)
        self.start()
        self.load_images()

    def start(self) -> None:
        """Start dockerd (data root kept across restarts) and wait for its socket."""
        wrapper = self.tmp / "cgroups.sh"
        cmd = [
            _which("ip") or "ip", "netns", "exec", self.ns, str(wrapper), DOCKERD,
            "--data-root", str(self.tmp / "data"), "--exec-root", str(self.tmp / "exec"),
            "--pidfile", str(self.pidfile), "-H", f"unix://{self.sock}",
            "--log-level", "warn",
        ]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         env=_env(), start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RealDockerError(f"dockerd exited ({self.proc.returncode}):\n{self.log_tail()}")
            if self.sock.exists() and self.docker("version", "--format", "{{.Server.Version}}").exit_code == 0:
                return
            time.sleep(0.1)
        raise RealDockerError(f"dockerd did not answer within 60 s:\n{self.log_tail()}")

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def load_images(self) -> None:
        have = self.docker("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()
        for stand_in in STAND_INS:
            if stand_in.reference in have:
                continue
            args = ["import"]
            for change in _changes(stand_in.reference):
                args += ["--change", change]
            args += [str(stand_in_tarball(stand_in.tarball)), stand_in.reference]
            out = self.docker(*args, timeout=600)
            if out.exit_code != 0:
                raise RealDockerError(f"docker import {stand_in.reference} failed: {out.stderr}")

    def kernel_has(self, kind: str) -> bool:
        """Whether this kernel can make a link of ``kind`` (ipvlan, vlan) on the daemon's eth0."""
        if kind not in self._kinds:
            extra = "id 50" if kind == "vlan" else ""
            made = self.net.run("daemon", f"ip link add link eth0 name dsimprobe type {kind} {extra}", check=False)
            if made.returncode == 0:
                self.net.run("daemon", "ip link del dsimprobe", check=False)
            self._kinds[kind] = made.returncode == 0
        return self._kinds[kind]

    # -- commands --------------------------------------------------------------
    def _client_env(self) -> dict[str, str]:
        env = _env()
        env["DOCKER_HOST"] = f"unix://{self.sock}"
        env["DOCKER_CONFIG"] = str(self.tmp / "config")
        env.pop("DOCKER_CONTEXT", None)
        env.pop("DOCKER_TLS_VERIFY", None)
        env.pop("DOCKER_CERT_PATH", None)
        return env

    def docker(self, *args: str, timeout: float = 60) -> Output:
        """Run Debian's docker client against our daemon (argv, no shell)."""
        return self._run([CLIENT, *args], timeout, self._client_env())

    def host(self, argv: list[str], timeout: float = 60) -> Output:
        """Run a program in the daemon's network namespace (the learner's host)."""
        if not argv:
            raise ValueError("empty command")
        if os.path.basename(argv[0]) == "docker":
            return self.docker(*argv[1:], timeout=timeout)
        return self._run([_which("ip") or "ip", "netns", "exec", self.ns, *argv], timeout, self._client_env())

    @staticmethod
    def _run(cmd: list[str], timeout: float, env: dict[str, str]) -> Output:
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                                 timeout=timeout, env=env, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            return Output(out, f"(timed out after {timeout} s)\n", 124)
        return Output(res.stdout, res.stderr, res.returncode)

    # -- state between sequences ----------------------------------------------
    def reset(self) -> None:
        """Remove what a sequence made, then restart the daemon.

        The restart is needed for the 20.10 subnet allocator: its round-robin start
        index is in memory only (docker-facts 1.3), so a fresh daemon is what a fresh
        ``Lab(engine="20.10")`` models.  Images and the data root are kept.  docker0
        outlives a daemon, and with it what the kernel gave it (an ``fe80::`` address
        from its first carrier on): it is deleted while the daemon is down, so each
        sequence starts with the docker0 a fresh daemon makes.
        """
        ids = self.docker("ps", "-aq").stdout.split()
        if ids:
            self.docker("rm", "-f", "-v", *ids, timeout=120)
        self.docker("network", "prune", "-f")
        self.stop()
        self.host(["ip", "link", "del", "docker0"])
        self.start()

    def stop(self) -> None:
        """Stop dockerd and the containerd it started, by pid."""
        proc = self.proc
        if proc is None:
            return
        self.proc = None
        pids = []
        try:
            pids.append(int(self.pidfile.read_text().strip()))
        except (OSError, ValueError):
            pass
        containerd = self._children_named(pids, "containerd")
        for pid in pids:
            _kill(pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            for pid in pids:
                _kill(pid, signal.SIGKILL)
            proc.kill()
            proc.wait(timeout=10)
        for pid in containerd:
            _kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in containerd):
            time.sleep(0.05)
        for pid in containerd:
            _kill(pid, signal.SIGKILL)

    @staticmethod
    def _children_named(parents: list[int], name: str) -> list[int]:
        found = []
        for parent in parents:
            kids = []
            # A Go program starts processes from any of its threads: read every thread's children.
            for task in Path(f"/proc/{parent}/task").glob("*"):
                try:
                    kids += (task / "children").read_text().split()
                except OSError:
                    continue
            for kid in kids:
                try:
                    comm = Path(f"/proc/{kid}/comm").read_text().strip()
                except OSError:
                    continue
                if comm == name:
                    found.append(int(kid))
        return found

    def close(self) -> None:
        """Stop the daemon, remove our containers' mounts and namespaces. Idempotent."""
        if self._closed:
            return
        self._closed = True
        errors = []
        try:
            if self.proc is not None and self.proc.poll() is None:
                ids = self.docker("ps", "-aq").stdout.split()
                if ids:
                    self.docker("rm", "-f", *ids, timeout=120)
        except Exception as exc:
            errors.append(f"removing containers: {exc}")
        try:
            self.stop()
        except Exception as exc:
            errors.append(f"stopping dockerd: {exc}")
        try:
            self.net.close()
        except Exception as exc:
            errors.append(str(exc))
        if self.netns_etc is not None:
            shutil.rmtree(self.netns_etc, ignore_errors=True)
            if self._made_etc_netns:
                try:
                    self.netns_etc.parent.rmdir()  # only if still empty
                except OSError:
                    pass
        _remove_tree(self.tmp)
        _LIVE.discard(self)
        if errors:
            raise RealDockerError("cleanup problems:\n" + "\n".join(errors))


def host_snapshot() -> dict[str, str]:
    """The machine's own firewall, interfaces and routes (read-only), packet counters left out."""
    snap = {}
    for name, argv in (("iptables-save", ["iptables-save"]), ("ip link", ["ip", "-o", "link"]),
                       ("ip addr", ["ip", "-o", "addr"]), ("ip route", ["ip", "route", "show", "table", "all"])):
        res = subprocess.run(argv, capture_output=True, text=True, env=_env())
        text = res.stdout
        if name == "iptables-save":
            text = "\n".join(ln for ln in text.splitlines() if not ln.startswith("#"))
            text = re.sub(r"\[\d+:\d+\]", "[-:-]", text)
        snap[name] = f"exit {res.returncode}\n{text}\n{res.stderr}"
    return snap


def _kill(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _remove_tree(root: Path) -> None:
    """Delete a temporary tree of ours, never descending into something still mounted there."""
    _unmount_under(root)
    with open("/proc/self/mounts") as fh:
        prefix = str(root) + "/"
        if any(line.split()[1].startswith(prefix) for line in fh):
            print(f"realdocker: {root} still has mounts; left in place", file=sys.stderr)
            return
    shutil.rmtree(root, ignore_errors=True)


def _unmount_under(root: Path) -> None:
    """Unmount anything dockerd left mounted under our temporary directory (deepest first)."""
    with open("/proc/self/mounts") as fh:
        points = [line.split()[1] for line in fh]
    prefix = str(root) + "/"
    for point in sorted((p for p in points if p.startswith(prefix)), key=len, reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True)
