"""``docker version``, ``docker info`` and ``docker wait``: what the lab's Docker is.

``docker version`` and ``docker info`` print the engine profile's release on the lab's
host: the daemon's counts (containers, images) come from the simulator, the host's facts
(kernel, operating system, CPUs, memory, name) from the simulated host of that era, the
build's facts (commits, Go version) from the release's tags in docker/cli and moby.
``--format`` executes a Go template over the same values the CLI holds: the version as
``cli/command/system/version.go`` declares it (``{{.Server.APIVersion}}``), the info as
``types.Info`` (``{{.ContainersRunning}}``). Simplified: no CLI plugins (the simulator
models none); a swarm prints only its state line.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator.dockercli import gotemplate
from simulator.dockercli.base import NONE, CliOutcome, Command, at_least
from simulator.dockercli.parser import Flag, Parsed
from simulator.errors import DockerError
from simulator.programs.procps import MEM_TOTAL_KIB

if TYPE_CHECKING:
    from simulator.dockercli.docker import DockerCli
    from simulator.engine.container import Container

FORMAT_FLAGS = (Flag("format", "f", value=True),)
WAIT_LIMIT_S = 3600.0  # docker wait gives up on a container that never stops after this much simulated time
HOST_CPUS = 2  # the lab host's processors (its memory: procps.MEM_TOTAL_KIB)


@dataclass(frozen=True)
class Release:
    """What one Docker release reports about its own build and defaults."""

    client_commit: str  # docker/cli at the tag (git log -1 --abbrev=7)
    engine_commit: str  # moby at the tag
    go_version: str
    client_built: str
    engine_built: str  # as the client prints BuildTime (time.ANSIC)
    engine_built_rfc3339: str  # as the daemon sends it
    min_api: str  # the daemon's minimum API version
    containerd_commit: str
    runc_version: str
    runc_commit: str
    init_commit: str
    cgroup_driver: str
    cgroup_version: str
    security_options: tuple[str, ...]  # as `docker info` lists them (name, then "   Profile: ...")
    runtimes: tuple[str, ...]
    insecure_registries: tuple[str, ...]
    client_version_line: bool  # >= 23: Client: Version
    registry_line: bool  # <= 24: Registry: https://index.docker.io/v1/
    firewall_backend: str | None  # >= 28.2: Firewall Backend
    storage_driver: str
    driver_status: tuple[tuple[str, str], ...]
    cdi_dirs: tuple[str, ...]  # >= 28: CDI spec directories


RELEASES = {
    # docker-ce 20.10.24 (tags v20.10.24: cli 297e128, moby 5d6db84; go1.19.7; containerd.io 1.6.21
    # with runc 1.1.7) on Ubuntu 20.04: cgroup v1, AppArmor.
    "20.10.24": Release(
        client_commit="297e128", engine_commit="5d6db84", go_version="go1.19.7",
        client_built="Tue Apr  4 18:21:05 2023", engine_built="Tue Apr  4 18:18:48 2023",
        engine_built_rfc3339="2023-04-04T18:18:48.000000000+00:00", min_api="1.12",
        containerd_commit="3dce8eb055cbb6872793272b4f20ed16117344f8", runc_version="1.1.7",
        runc_commit="v1.1.7-0-g860f061", init_commit="de40ad0", cgroup_driver="cgroupfs", cgroup_version="1",
        security_options=("apparmor", "seccomp", "   Profile: default"),
        runtimes=("io.containerd.runc.v2", "io.containerd.runtime.v1.linux", "runc"),
        insecure_registries=("127.0.0.0/8",), client_version_line=False, registry_line=True, firewall_backend=None,
        storage_driver="overlay2", driver_status=(("Backing Filesystem", "extfs"), ("Supports d_type", "true"),
                                                  ("Native Overlay Diff", "true"), ("userxattr", "false")),
        cdi_dirs=(),
    ),
    # docker-ce 29.2.0 (tags v29.2.0: cli 0b9d198, moby docker-v29.2.0 9c62384; Go 1.25.6 in both
    # Dockerfiles; minimum API 1.44, daemon/config/config.go; containerd.io v2.1.4 with runc 1.3.1)
    # on Ubuntu 24.04: cgroup v2 with systemd, the containerd image store of a fresh install.
    # Build times: the tag's commit time (the release's own build time is not in the sources).
    "29.2.0": Release(
        client_commit="0b9d198", engine_commit="9c62384", go_version="go1.25.6",
        client_built="Mon Jan 26 19:20:51 2026", engine_built="Mon Jan 26 19:16:28 2026",
        engine_built_rfc3339="2026-01-26T19:16:28.000000000+00:00", min_api="1.44",
        containerd_commit="75cb2b7193e4e490e9fbdc236c0e811ccaba3376", runc_version="1.3.1",
        runc_commit="e6457afc48eff1ce22dece664932395026a7105e", init_commit="de40ad0", cgroup_driver="systemd", cgroup_version="2",
        security_options=("apparmor", "seccomp", "   Profile: builtin", "cgroupns"),
        runtimes=("io.containerd.runc.v2", "runc"),
        insecure_registries=("::1/128", "127.0.0.0/8"), client_version_line=True, registry_line=False,
        firewall_backend="iptables",
        storage_driver="overlayfs", driver_status=(("driver-type", "io.containerd.snapshotter.v1"),),
        cdi_dirs=("/etc/cdi", "/var/run/cdi"),
    ),
}


def _release(cli: DockerCli) -> Release:
    return RELEASES[cli.engine.profile.version]


def _struct(values: dict[str, Any], fields: tuple[str, ...], json_names: dict[str, str] | None = None,
            type_name: str = "struct") -> gotemplate.GoStruct:
    """A Go struct whose fields are all present (``json_names``: the fields JSON calls otherwise)."""
    names = json_names or {}
    return gotemplate.GoStruct({names.get(f, f): values[f] for f in fields if f in values},
                               tuple((f, names.get(f, f), "") for f in fields), type_name)


def version_info(cli: DockerCli) -> gotemplate.GoStruct:
    """``versionInfo`` of cli/command/system/version.go: the client's version and the server's ``types.Version``."""
    prof, rel = cli.engine.profile, _release(cli)
    platform = _struct({"Name": "Docker Engine - Community"}, ("Name",))
    client = _struct({
        "Platform": platform, "Version": prof.version, "APIVersion": prof.api_version, "DefaultAPIVersion": prof.api_version,
        "GitCommit": rel.client_commit, "GoVersion": rel.go_version, "Os": "linux", "Arch": "amd64",
        "BuildTime": rel.client_built, "Context": "default", **({} if rel.client_version_line else {"Experimental": True}),
    }, ("Platform", "Version", "APIVersion", "DefaultAPIVersion", "GitCommit", "GoVersion", "Os", "Arch", "BuildTime",
        "Context", "Experimental"), {"APIVersion": "ApiVersion"})
    engine = {"Name": "Engine", "Version": prof.version, "Details": {
        "ApiVersion": prof.api_version, "Arch": "amd64", "BuildTime": rel.engine_built, "Experimental": "false",
        "GitCommit": rel.engine_commit, "GoVersion": rel.go_version, "KernelVersion": prof.kernel,
        "MinAPIVersion": rel.min_api, "Os": "linux"}}
    components = [
        engine,
        {"Name": "containerd", "Version": prof.containerd_version, "Details": {"GitCommit": rel.containerd_commit}},
        {"Name": "runc", "Version": rel.runc_version, "Details": {"GitCommit": rel.runc_commit}},
        {"Name": "docker-init", "Version": "0.19.0", "Details": {"GitCommit": rel.init_commit}},
    ]
    server = _struct({
        "Platform": platform, "Components": components, "Version": prof.version, "APIVersion": prof.api_version,
        "MinAPIVersion": rel.min_api, "GitCommit": rel.engine_commit, "GoVersion": rel.go_version, "Os": "linux",
        "Arch": "amd64", "KernelVersion": prof.kernel, "BuildTime": rel.engine_built_rfc3339,
    }, ("Platform", "Components", "Version", "APIVersion", "MinAPIVersion", "GitCommit", "GoVersion", "Os", "Arch",
        "KernelVersion", "Experimental", "BuildTime"), {"APIVersion": "ApiVersion"})
    return _struct({"Client": client, "Server": server}, ("Client", "Server"), type_name="system.versionInfo")


def _template(template: str, data: Any, name: str = "") -> CliOutcome:
    """``--format``: the template's text and a newline, or its error after an empty line
    (``name``: the template's name, which Go's errors carry: ``version`` for docker version)."""
    try:
        return CliOutcome(stdout=gotemplate.render(template, data) + "\n")
    except gotemplate.TemplateError as error:
        text = str(error).replace("template: :", f"template: {name}:", 1).replace('executing ""', f'executing "{name}"', 1)
        return CliOutcome(stdout="\n", stderr=f"{text}\n", exit_code=1)


def version(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker version [--format TEMPLATE]``: the client and the server of the lab's engine version."""
    template = p.value("format")
    data = version_info(cli)
    if template is not None:
        return _template(template, data, "version")
    return CliOutcome(stdout=_pretty_version(cli, data))


def _pretty_version(cli: DockerCli, data: dict[str, Any]) -> str:
    """cli/command/system/version.go's default template, through its tabwriter (cells 20 wide)."""
    client, server = data["Client"], data["Server"]
    lines = [f"Client: {client['Platform']['Name']}"]
    rows = [("Version:", client["Version"]), ("API version:", client["ApiVersion"]), ("Go version:", client["GoVersion"]),
            ("Git commit:", client["GitCommit"]), ("Built:", client["BuildTime"]),
            ("OS/Arch:", f"{client['Os']}/{client['Arch']}"), ("Context:", client["Context"])]
    if "Experimental" in client:
        rows.append(("Experimental:", "true"))
    lines += [(" " + label).ljust(20) + value for label, value in rows]
    lines += ["", f"Server: {server['Platform']['Name']}"]
    for component in server["Components"]:
        lines.append(f" {component['Name']}:")
        details = component["Details"]
        if component["Name"] == "Engine":
            rows = [("Version:", component["Version"]),
                    ("API version:", f"{details['ApiVersion']} (minimum version {details['MinAPIVersion']})"),
                    ("Go version:", details["GoVersion"]), ("Git commit:", details["GitCommit"]), ("Built:", details["BuildTime"]),
                    ("OS/Arch:", f"{details['Os']}/{details['Arch']}"), ("Experimental:", details["Experimental"])]
        else:
            rows = [("Version:", component["Version"]), *((f"{key}:", details[key]) for key in sorted(details))]
        lines += [("  " + label).ljust(20) + value for label, value in rows]
    return "\n".join(lines) + "\n"


def bytes_size(size: float) -> str:
    """go-units ``BytesSize``: binary units, four significant digits (``7.764GiB``)."""
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    i = 0
    while size >= 1024 and i < len(units) - 1:
        size /= 1024
        i += 1
    return f"{size:.4g}{units[i]}"


def _daemon_id(cli: DockerCli) -> str:
    """The daemon's ID, drawn once per host: 20.10's ``XXXX:XXXX:...`` key id, a UUID from 23."""
    digest = hashlib.sha256(f"dockerd:{cli.engine.machine.name}:{cli.engine.sim.seed}".encode()).digest()
    if cli.engine.profile.at_least("23"):
        text = digest.hex()
        return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-{text[16:20]}-{text[20:32]}"
    letters = base64.b32encode(digest).decode()[:48]  # libtrust: the key's sha256 in base32, 240 bits
    return ":".join(letters[i:i + 4] for i in range(0, 48, 4))


def system_info(cli: DockerCli) -> dict[str, Any]:
    """``types.Info``: what ``docker info`` reads, with the fields a lesson asks a template for."""
    engine, prof, rel = cli.engine, cli.engine.profile, _release(cli)
    containers = list(engine.containers.values())
    running = sum(1 for c in containers if c.running)
    swarm_active = engine.swarm is not None and engine.swarm.node(engine) is not None
    return {
        "ID": _daemon_id(cli), "Containers": len(containers), "ContainersRunning": running, "ContainersPaused": 0,
        "ContainersStopped": len(containers) - running, "Images": len(cli.engine.image_store.references()), "Driver": rel.storage_driver,
        "DriverStatus": [list(pair) for pair in rel.driver_status],
        "Plugins": {"Volume": ["local"], "Network": ["bridge", "host", "ipvlan", "macvlan", "null", "overlay"],
                    "Authorization": None,
                    "Log": ["awslogs", "fluentd", "gcplogs", "gelf", "journald", "json-file", "local", "logentries",
                            "splunk", "syslog"]},
        "IPv4Forwarding": True, "Debug": False, "LoggingDriver": "json-file", "CgroupDriver": rel.cgroup_driver,
        "CgroupVersion": rel.cgroup_version, "KernelVersion": prof.kernel, "OperatingSystem": prof.host_os,
        "OSType": "linux", "Architecture": "x86_64", "IndexServerAddress": "https://index.docker.io/v1/",
        "NCPU": HOST_CPUS, "MemTotal": MEM_TOTAL_KIB * 1024, "DockerRootDir": "/var/lib/docker",
        "Name": engine.machine.hostname, "Labels": [], "ExperimentalBuild": False, "ServerVersion": prof.version,
        "DefaultRuntime": "runc", "Swarm": {"LocalNodeState": "active" if swarm_active else "inactive"},
        "LiveRestoreEnabled": False, "InitBinary": "docker-init",
        "ContainerdCommit": {"ID": rel.containerd_commit, "Expected": rel.containerd_commit},
        "RuncCommit": {"ID": rel.runc_commit, "Expected": rel.runc_commit},
        "InitCommit": {"ID": rel.init_commit, "Expected": rel.init_commit},
    }


def _pretty_info(cli: DockerCli, info: dict[str, Any]) -> str:
    """cli/command/system/info.go prettyPrintInfo, line for line."""
    rel = _release(cli)
    lines = ["Client:"]
    if rel.client_version_line:
        lines.append(f" Version:    {cli.engine.profile.version}")
    lines += [" Context:    default", " Debug Mode: false", "", "Server:",
              f" Containers: {info['Containers']}", f"  Running: {info['ContainersRunning']}",
              f"  Paused: {info['ContainersPaused']}", f"  Stopped: {info['ContainersStopped']}",
              f" Images: {info['Images']}", f" Server Version: {info['ServerVersion']}", f" Storage Driver: {info['Driver']}"]
    lines += [f"  {key}: {value}" for key, value in info["DriverStatus"]]
    plugins = info["Plugins"]
    lines += [f" Logging Driver: {info['LoggingDriver']}", f" Cgroup Driver: {info['CgroupDriver']}",
              f" Cgroup Version: {info['CgroupVersion']}", " Plugins:", "  Volume: " + " ".join(plugins["Volume"]),
              "  Network: " + " ".join(plugins["Network"]), "  Log: " + " ".join(plugins["Log"])]
    if rel.cdi_dirs:
        lines += [" CDI spec directories:", *(f"  {d}" for d in rel.cdi_dirs)]
    lines += [f" Swarm: {info['Swarm']['LocalNodeState']}", " Runtimes: " + " ".join(rel.runtimes),
              f" Default Runtime: {info['DefaultRuntime']}", f" Init Binary: {info['InitBinary']}",
              f" containerd version: {rel.containerd_commit}", f" runc version: {rel.runc_commit}",
              f" init version: {rel.init_commit}", " Security Options:"]
    lines += ["  " + option if not option.startswith(" ") else option for option in rel.security_options]
    lines += [f" Kernel Version: {info['KernelVersion']}", f" Operating System: {info['OperatingSystem']}",
              " OSType: linux", " Architecture: x86_64", f" CPUs: {info['NCPU']}",
              f" Total Memory: {bytes_size(info['MemTotal'])}", f" Name: {info['Name']}", f" ID: {info['ID']}",
              f" Docker Root Dir: {info['DockerRootDir']}", " Debug Mode: false"]
    if rel.registry_line:
        lines.append(f" Registry: {info['IndexServerAddress']}")
    lines += [" Labels:", " Experimental: false", " Insecure Registries:"]
    lines += [f"  {cidr}" for cidr in rel.insecure_registries]
    lines.append(" Live Restore Enabled: false")
    if rel.firewall_backend:
        lines.append(f" Firewall Backend: {rel.firewall_backend}")
    return "\n".join(lines) + "\n\n"


def info(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker info [--format TEMPLATE]``."""
    template = p.value("format")
    data = system_info(cli)
    if template is not None:
        return _template(template, gotemplate.GoStruct(data, tuple((k, k, "") for k in data), "system.info"))
    return CliOutcome(stdout=_pretty_info(cli, data))


def _wait_for(cli: DockerCli, c: Container) -> bool:
    """Let simulated time pass until ``c`` stops (at most :data:`WAIT_LIMIT_S`); whether it did."""
    waited = 0.0
    while c.running and waited < WAIT_LIMIT_S:
        cli.engine.sim.advance(1.0)
        waited += 1.0
    return not c.running


def wait(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker wait CONTAINER...``: block until each stops, then print its exit code."""
    out, err = [], []
    for ref in p.args:
        try:
            c = cli.engine.container(ref)
        except DockerError as error:
            err.append(f"Error response from daemon: {error.message}")
            continue
        if not _wait_for(cli, c):
            err.append(f"dockersim: docker wait: {ref} is still running after {WAIT_LIMIT_S:.0f} s of simulated time "
                       "(its command never ends); the simulator stops waiting here")
            continue
        out.append(f"{c.exit_code}\n")
    return CliOutcome(stdout="".join(out), stderr="".join(e + "\n" for e in err), exit_code=1 if err else 0, changed=True)


COMMANDS = {
    "version": Command("version", version, FORMAT_FLAGS, NONE),
    "info": Command("info", info, FORMAT_FLAGS, NONE),
    "wait": Command("wait", wait, (), at_least(1)),
}
