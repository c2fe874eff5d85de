"""``dockersim shell``: a terminal on the simulated Docker host.

The learner types command lines; each goes to :meth:`Lab.sh` and what it shows is
printed. With a terminal the line is edited with history and completion; without
one (a pipe or a file) the lines are read one by one and echoed after the prompt,
so ``dockersim shell < commands.txt`` prints a transcript.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from simulator.scenario.lab import Lab

HELP_TEXT = """\
dockersim shell: a simulated Docker host. Nothing here runs on your machine.

  docker run -itd --name c1 ubuntu:14.04     start a container
  docker exec c1 ifconfig                     run a tool in it (ping, ip, ifconfig, hostname, cat)
  docker exec -it c1 bash                     open its shell (exit to leave)
  ip addr | brctl show | bridge fdb show      look at the host
  iptables -t nat -S                          Docker's firewall rules
  sleep 5                                     let simulated time pass
  on laptop ping -c 1 192.168.1.10            run a command on another machine
  help | exit
"""



def run(args: argparse.Namespace) -> int:
    try:
        lab = Lab(engine=args.engine, hosts=args.hosts, lang=args.lang or "en", seed=args.seed or 0)
    except ValueError as error:
        print(f"dockersim: {error}", file=sys.stderr)
        return 2
    interactive = sys.stdin.isatty()
    if interactive:
        _setup_readline(lab)
        print("dockersim shell: a simulated Docker host. Type 'help', or 'exit' to leave.")
    while True:
        prompt = lab.prompt()
        try:
            line = input(prompt) if interactive else sys.stdin.readline()
        except KeyboardInterrupt:
            print("^C")
            continue
        except EOFError:
            print()
            return 0
        if not interactive:
            if line == "":
                return 0
            line = line.rstrip("\n")
            words = line.split()
            if len(words) > 2 and words[0] == "on" and words[1] in lab.machines:
                print(f"root@{words[1]}:~# {line.strip()[len('on ' + words[1]):].strip()}")  # that machine's prompt
            else:
                print(f"{prompt}{line}")
        words = line.strip().split()
        if not words:
            continue
        if words[0] == "help":
            print(HELP_TEXT, end="")
            continue
        if words[0] == "exit" and not lab._attached:
            return 0
        on = None
        if words[0] == "on" and len(words) > 2:
            on = words[1]
            line = line.strip()[len("on " + on):].strip()
        try:
            result = lab.sh(line, on=on)
        except KeyboardInterrupt:
            print("^C")
            continue
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        sys.stdout.flush()


def _setup_readline(lab: Lab) -> None:
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        return
    history = Path(os.environ.get("DOCKERSIM_HISTORY", Path.home() / ".dockersim_history"))
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    import atexit

    atexit.register(lambda: _save_history(readline, history))
    words = ["docker", "run", "exec", "ps", "stop", "start", "restart", "rm", "network", "ls", "inspect", "create",
             "connect", "disconnect", "ip", "addr", "route", "neigh", "link", "ifconfig", "ping", "brctl", "show",
             "bridge", "fdb", "iptables", "sleep", "hostname", "cat", "/etc/hosts", "/etc/resolv.conf", "exit", "help",
             "ubuntu:14.04", "alpine", "busybox", "nginx", "--name", "--net", "--network", "-itd", "-it", "on", "laptop", "internet"]

    def complete(text: str, state: int) -> str | None:
        names = [c.name for e in lab.engines.values() for c in e.containers.values()]
        names += [n.name for e in lab.engines.values() for n in e.networks.values()]
        options = sorted({w for w in words + names if w.startswith(text)})
        return options[state] + " " if state < len(options) else None

    readline.set_completer(complete)
    readline.set_completer_delims(" \t")
    readline.parse_and_bind("tab: complete")


def _save_history(readline: object, path: Path) -> None:
    try:
        readline.write_history_file(str(path))  # type: ignore[attr-defined]
    except OSError:
        pass
