"""``dockersim``: the command-line program.

``dockersim shell`` is a terminal on the simulated Docker host; ``dockersim run``
plays (and with ``--check`` checks) a scenario transcript; ``dockersim scenarios``
lists the built-in ones; ``dockersim demo`` runs them all and writes transcripts,
captures and figures under ``out/``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from simulator.scenario import script as scripts
from simulator.scenario.lab import Lab
from simulator.trace.records import CommandRun, FrameSent
from simulator.trace.tracer import Trace

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


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="dockersim", description="Docker container networking, simulated packet by packet.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    common = _Parser(add_help=False)
    common.add_argument("--engine", default=None, help="Docker engine version to imitate (20.10, 29.2; default: current)")
    common.add_argument("--lang", default=None, choices=["en", "ko"], help="language of explanations")
    common.add_argument("--seed", type=int, default=None, help="random seed (same seed, same run)")
    shell = sub.add_parser("shell", parents=[common], help="an interactive terminal on the simulated host")
    shell.add_argument("--hosts", type=int, default=1, choices=[1, 2, 3], help="Docker hosts on the LAN (2 or 3 for overlay and macvlan lessons)")
    run = sub.add_parser("run", parents=[common], help="play a scenario (a file, or a built-in by name)")
    run.add_argument("scenario", help="a scenario file or the name of a built-in scenario")
    run.add_argument("--check", action="store_true", help="compare outputs with the expected lines; exit 1 on a difference")
    run.add_argument("--pcap", metavar="FILE", help="write a pcapng capture of the whole run")
    run.add_argument("--figures", metavar="DIR", help="write the scenario's figures (PNG, SVG, PDF) to DIR")
    run.add_argument("--quiet", action="store_true", help="print only the check report")
    run.add_argument("--record", action="store_true", help=argparse.SUPPRESS)
    sub.add_parser("scenarios", help="list the built-in scenarios")
    demo = sub.add_parser("demo", parents=[common], help="run every built-in scenario and write outputs")
    demo.add_argument("--out", default="out", help="output folder (default: out)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help(sys.stderr)
        return 2
    try:
        if args.command == "scenarios":
            return cmd_scenarios(sys.stdout)
        if args.command == "run":
            return cmd_run(args, sys.stdout)
        if args.command == "demo":
            return cmd_demo(args, sys.stdout)
        return cmd_shell(args)
    except scripts.ScriptError as error:
        print(f"dockersim: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


def cmd_scenarios(out: TextIO) -> int:
    names = scripts.builtin_names()
    width = max((len(n) for n in names), default=0)
    for name in names:
        out.write(f"{name.ljust(width)}  {scripts.load(name).title}\n")
    return 0


def lab_for(script: scripts.Script, args: argparse.Namespace) -> Lab:
    meta = script.meta
    engine = getattr(args, "engine", None) or meta.get("engine")
    lang = getattr(args, "lang", None) or meta.get("lang", "en")
    try:
        seed = args.seed if getattr(args, "seed", None) is not None else int(meta.get("seed", "0") or 0)
    except ValueError:
        raise scripts.ScriptError(f"{script.path}: '#! seed: {meta.get('seed')}' is not a whole number") from None
    try:
        hosts = int(meta.get("hosts", "1") or 1)
    except ValueError:
        raise scripts.ScriptError(f"{script.path}: '#! hosts: {meta.get('hosts')}' is not 1, 2 or 3") from None
    try:
        return Lab(engine=engine, hosts=hosts, lang=lang, seed=seed)
    except ValueError as error:
        raise scripts.ScriptError(f"{script.path}: {error}") from None


def play(script: scripts.Script, lab: Lab, out: TextIO | None, check: bool, progress: bool = False) -> tuple[int, list[str], list[str]]:
    """Run every step; returns (mismatches, transcript lines, report lines)."""
    failures = 0
    transcript: list[str] = []
    report: list[str] = []
    total = len(script.steps)
    for index, step in enumerate(script.steps, start=1):
        notes = step.narration_in(lab.lang)
        for note in notes:
            transcript.append(f"# {note}")
        prompt = lab.prompt(step.on) if step.on is None else f"{step.on}$ "
        transcript.append(f"{prompt}{step.command}".rstrip())
        result = lab.sh(step.command, on=step.on)
        actual = list(scripts.iter_output_lines(result.output))
        while actual and not actual[-1].strip():
            actual.pop()
        transcript.extend(actual)
        if out is not None:
            out.write("\n".join(transcript[-(len(actual) + 1 + len(notes)):]) + "\n")
        elif progress and total > 20 and index % 10 == 0:
            print(f"  ... {index}/{total} commands", file=sys.stderr, flush=True)
        if check and not scripts.matches(step.expected, actual):
            failures += 1
            report.append(f"{script.path}:{step.line}: output of '{step.command}' differs")
            report.append(scripts.diff(step.expected, actual, f"line {step.line}").rstrip("\n"))
    for note in script.trailing_narration_in(lab.lang):
        transcript.append(f"# {note}")
    return failures, transcript, report


def cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    script = scripts.load(args.scenario)
    lab = lab_for(script, args)
    failures, transcript, report = play(script, lab, None if args.quiet else out, args.check, progress=sys.stderr.isatty())
    if args.pcap:
        lab.pcap(args.pcap)
    if args.figures:
        write_figures(lab, Path(args.figures), script.title_in(lab.lang))
    if args.record:
        record(script, lab_for(script, args))
    if args.check:
        for line in report:
            print(line, file=sys.stderr)
        status = "FAILED" if failures else "passed"
        print(f"{script.path}: {len(script.steps) - failures} passed, {failures} failed ({status})", file=sys.stderr)
        return 1 if failures else 0
    return 0


def record(script: scripts.Script, lab: Lab) -> None:
    """Rewrite a scenario file's expected output from a fresh run (for maintainers)."""
    text = Path(script.path).read_text(encoding="utf-8")
    lines = text.splitlines()
    out: list[str] = []
    step_at = {s.line: s for s in script.steps}
    skipping = False
    for number, line in enumerate(lines, start=1):
        if number in step_at:
            skipping = False
            out.append(line)
            step = step_at[number]
            result = lab.sh(step.command, on=step.on)
            actual = list(scripts.iter_output_lines(result.output))
            while actual and not actual[-1].strip():
                actual.pop()
            out.extend(scripts.escape(a.rstrip()) for a in actual)
            skipping = True
            continue
        if skipping and (line.startswith("\\") or not (line.startswith("#") or line.startswith("$ ") or scripts.MACHINE_PROMPT.match(line))):
            continue
        skipping = False
        out.append(line)
    Path(script.path).write_text("\n".join(out) + "\n", encoding="utf-8")


def write_figures(lab: Lab, folder: Path, title: str) -> list[Path]:
    try:
        from simulator import viz
    except ImportError as error:  # pragma: no cover - the views need matplotlib
        print(f"dockersim: figures need matplotlib: {error}", file=sys.stderr)
        return []
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    views: list[tuple[str, Callable[[], Any]]] = [("topology", lambda: viz.topology(lab.trace, title=title, lang=lab.lang))]
    featured = featured_command(lab)
    if featured is not None:
        views += [
            ("path", lambda: viz.path(featured, lang=lab.lang)),
            ("ladder", lambda: viz.ladder(featured, lang=lab.lang)),
            ("headers", lambda: viz.headers(featured, lang=lab.lang)),
        ]
    for name, draw in views:
        try:
            fig = draw()
            for ext in ("png", "svg", "pdf"):
                path = folder / f"{name}.{ext}"
                fig.savefig(path)
                written.append(path)
            plt.close(fig)
        except Exception as error:  # a figure must not cost the lesson its transcript
            print(f"dockersim: could not draw {folder / name}: {type(error).__name__}: {error}", file=sys.stderr)
    return written


def featured_command(lab: Lab) -> Trace | None:
    """The trace of the scenario's most telling command: the ping, curl or lookup whose frames crossed the most devices."""
    records = list(lab.trace)
    starts = [i for i, r in enumerate(records) if isinstance(r, CommandRun)]
    best: tuple[int, int] | None = None
    best_spread = 0
    previous = 0
    for end in starts:
        command = records[end]
        assert isinstance(command, CommandRun)
        devices = {(r.node, r.dev) for r in records[previous:end] if isinstance(r, FrameSent)}
        words = command.command.split()
        telling = any(w in ("ping", "curl", "wget", "nslookup", "dig") for w in words)
        if devices and telling and len(devices) >= best_spread:  # the widest path; the later on a tie
            best, best_spread = (previous, end), len(devices)
        previous = end + 1
    if best is None:
        return None
    a, b = best
    return Trace(records[a : b + 1], lab.sim.tracer.latest_topology(a), lang=lab.lang)  # with its CommandRun, for the title


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name in scripts.builtin_names():
        script = scripts.load(name)
        lab = lab_for(script, args)
        failures, transcript, report = play(script, lab, None, True)
        (folder / f"{name}.txt").write_text("\n".join(transcript) + "\n", encoding="utf-8")
        lab.pcap(str(folder / f"{name}.pcapng"))
        figures = write_figures(lab, folder / "figures" / name, script.title_in(lab.lang))
        state = "ok" if not failures else f"{failures} step(s) differ"
        out.write(f"{name:<14} {len(script.steps):>3} commands  {state:<16} -> {folder / (name + '.txt')}, {name}.pcapng, {len(figures)} figures\n")
        for line in report:
            print(line, file=sys.stderr)
        failed += bool(failures)
    return 1 if failed else 0


def cmd_shell(args: argparse.Namespace) -> int:
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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
