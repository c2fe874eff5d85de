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
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from simulator.scenario import pacing
from simulator.scenario import script as scripts
from simulator.scenario.lab import DEFAULT_TRACE_WINDOW, Lab
from simulator.trace.records import CommandRun, FrameSent
from simulator.trace.tracer import Trace


class PathError(Exception):
    """An output path the program cannot write: one line naming it and the problem."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _speed(text: str) -> float:
    try:
        return pacing.parse_speed(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid speed: '{text}' (1, 10, 100 or max)") from None


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="dockersim", description="Docker container networking, simulated packet by packet.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    common = _Parser(add_help=False)
    common.add_argument("--engine", default=None, help="Docker engine version to imitate (20.10, 29.2; default: current)")
    common.add_argument("--lang", default=None, choices=["en", "ko"], help="language of explanations")
    common.add_argument("--seed", type=int, default=None, help="random seed (same seed, same run)")
    common.add_argument(
        "--trace-window", type=_trace_window, default=DEFAULT_TRACE_WINDOW, metavar="N",
        help=f"trace records kept in memory: at least the latest N, at most 2N, or 'all' (default: {DEFAULT_TRACE_WINDOW})",
    )
    shell = sub.add_parser("shell", parents=[common], help="an interactive terminal on the simulated host")
    shell.add_argument("--hosts", type=int, default=1, choices=[1, 2, 3], help="Docker hosts on the LAN (2 or 3 for overlay and macvlan lessons)")
    shell.add_argument("--speed", default=None, type=_speed, metavar="1|10|100|max",
                       help="simulated seconds per second of the wall clock (default: 1 at a terminal, max from a pipe)")
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


def _trace_window(text: str) -> int | None:
    if text == "all":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid trace window: {text!r} (a whole number of records, or 'all')") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid trace window: {text!r} (at least 1 record, or 'all')")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """The ``dockersim`` command: ``shell``, ``run``, ``scenarios`` or ``demo``; returns the exit status."""
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
    except (scripts.ScriptError, PathError) as error:
        print(f"dockersim: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


def cmd_scenarios(out: TextIO) -> int:
    """``dockersim scenarios``: each built-in scenario's name and title."""
    names = scripts.builtin_names()
    width = max((len(n) for n in names), default=0)
    for name in names:
        out.write(f"{name.ljust(width)}  {scripts.load(name).title}\n")
    return 0


def lab_for(script: scripts.Script, args: argparse.Namespace) -> Lab:
    """A lab as a scenario asks for it (``#!`` lines), the command line's options winning."""
    meta = script.meta
    engine = args.engine or meta.get("engine")
    lang = args.lang or meta.get("lang", "en")
    try:
        seed = args.seed if args.seed is not None else int(meta.get("seed", "0") or 0)
    except ValueError:
        raise scripts.ScriptError(f"{script.path}: '#! seed: {meta.get('seed')}' is not a whole number") from None
    try:
        hosts = int(meta.get("hosts", "1") or 1)
    except ValueError:
        raise scripts.ScriptError(f"{script.path}: '#! hosts: {meta.get('hosts')}' is not 1, 2 or 3") from None
    try:
        # (the tests' stand-ins for the parsed command line carry no --trace-window)
        return Lab(engine=engine, hosts=hosts, lang=lang, seed=seed, trace_window=getattr(args, "trace_window", DEFAULT_TRACE_WINDOW))
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
        if check:
            problems = check_step(script, step, result.exit_code, actual)
            failures += bool(problems)
            report += problems
    for note in script.trailing_narration_in(lab.lang):
        transcript.append(f"# {note}")
    return failures, transcript, report


def check_step(script: scripts.Script, step: scripts.Step, exit_code: int, actual: list[str]) -> list[str]:
    """What ``--check`` reports for one step: its exit status, then its output (nothing if both match)."""
    report: list[str] = []
    if exit_code != step.status:
        expects = "success (status 0)" if step.status == 0 else f"status {step.status}"
        report.append(f"{script.path}:{step.line}: '{step.command}' exited with status {exit_code}; the scenario expects {expects}")
    if not scripts.matches(step.expected, actual):
        report.append(f"{script.path}:{step.line}: output of '{step.command}' differs")
        report.append(scripts.diff(step.expected, actual, f"line {step.line}").rstrip("\n"))
    return report


@contextlib.contextmanager
def _refused(option: str, name: str) -> Iterator[None]:
    """Turn an OSError inside into ``PathError("OPTION NAME: reason")``, as the system words the reason."""
    try:
        yield
    except OSError as error:
        raise PathError(f"{option} {name}: {error.strerror}") from None


def _stat(option: str, name: str, path: Path) -> os.stat_result | None:
    """What ``path`` is, or None where nothing is there yet."""
    with _refused(option, name):
        try:
            return path.stat()
        except FileNotFoundError:
            return None


def check_output_file(option: str, name: str) -> None:
    """Raise PathError unless ``name`` can be written as a file (checked by trying, and left as it was)."""
    path = Path(name)
    info = _stat(option, name, path)
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise PathError(f"{option} {name}: Is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise PathError(f"{option} {name}: not a regular file")
        with _refused(option, name), open(path, "ab"):
            pass
        return
    _check_parent(option, name, path)
    with _refused(option, name):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.close(fd)
    path.unlink()


def check_output_folder(option: str, name: str) -> None:
    """Raise PathError unless files can be written in folder ``name`` (made if missing; its parent must exist)."""
    path = Path(name)
    info = _stat(option, name, path)
    if info is None:
        _check_parent(option, name, path)
        with _refused(option, name):
            path.mkdir()
    elif not stat.S_ISDIR(info.st_mode):
        raise PathError(f"{option} {name}: Not a directory")
    with _refused(option, name), tempfile.TemporaryFile(dir=path):
        pass


def _check_parent(option: str, name: str, path: Path) -> None:
    parent = path.absolute().parent
    info = _stat(option, name, parent)
    if info is None:
        raise PathError(f"{option} {name}: No such file or directory (there is no folder {parent})")
    if not stat.S_ISDIR(info.st_mode):
        raise PathError(f"{option} {name}: Not a directory ({parent} is a file)")


def cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    """``dockersim run``: play a scenario, with ``--check``, ``--pcap``, ``--figures`` as asked."""
    script = scripts.load(args.scenario)
    if args.pcap:
        check_output_file("--pcap", args.pcap)
    if args.figures:
        check_output_folder("--figures", args.figures)
    lab = lab_for(script, args)
    failures, transcript, report = play(script, lab, None if args.quiet else out, args.check, progress=sys.stderr.isatty())
    if args.pcap:
        try:
            lab.pcap(args.pcap)
        except OSError as error:  # the disk filled up, or the path changed while the scenario ran
            print(f"dockersim: --pcap {args.pcap}: {error.strerror}", file=sys.stderr)
            return 1
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
            if result.exit_code != 0:
                out.append(f"{scripts.STATUS_PREFIX} {result.exit_code}")
            skipping = True
            continue
        narration_or_command = line.startswith(("#", "$ ")) or scripts.MACHINE_PROMPT.match(line)
        if skipping and (line.startswith(("\\", scripts.STATUS_PREFIX)) or not narration_or_command):
            continue
        skipping = False
        out.append(line)
    Path(script.path).write_text("\n".join(out) + "\n", encoding="utf-8")


def write_figures(lab: Lab, folder: Path, title: str, command: Trace | None = None) -> list[Path]:
    """Topology, path, ladder and headers as PNG, SVG and PDF in ``folder``.

    The path, ladder and headers show ``command`` (one command's trace) or, by
    default, the lab's most telling command.
    """
    try:
        from simulator import viz
    except ImportError as error:  # pragma: no cover - the views need matplotlib
        print(f"dockersim: figures need matplotlib: {error}", file=sys.stderr)
        return []
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    views: list[tuple[str, Callable[[], Any]]] = [("topology", lambda: viz.topology(lab.trace, title=title, lang=lab.lang))]
    featured = command if command is not None else featured_command(lab)
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
    return Trace(records[a : b + 1], lab.sim.tracer.latest_topology(lab.sim.tracer.dropped + a), lang=lab.lang)  # with its CommandRun, for the title


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    """``dockersim demo``: every built-in scenario checked, with transcripts, captures and figures written under ``--out``."""
    check_output_folder("--out", args.out)
    folder = Path(args.out)
    failed = 0
    for name in scripts.builtin_names():
        script = scripts.load(name)
        lab = lab_for(script, args)
        failures, transcript, report = play(script, lab, None, True)
        try:
            (folder / f"{name}.txt").write_text("\n".join(transcript) + "\n", encoding="utf-8")
            lab.pcap(str(folder / f"{name}.pcapng"))
        except OSError as error:  # the disk filled up, or the folder changed while the scenarios ran
            print(f"dockersim: --out {args.out}: {error.strerror}", file=sys.stderr)
            return 1
        figures = write_figures(lab, folder / "figures" / name, script.title_in(lab.lang))
        state = "ok" if not failures else f"{failures} step(s) differ"
        out.write(f"{name:<14} {len(script.steps):>3} commands  {state:<16} -> {folder / (name + '.txt')}, {name}.pcapng, {len(figures)} figures\n")
        for line in report:
            print(line, file=sys.stderr)
        failed += bool(failures)
    return 1 if failed else 0


def cmd_shell(args: argparse.Namespace) -> int:
    """``dockersim shell``: the interactive terminal (``simulator.shell_app``)."""
    from simulator import shell_app

    return shell_app.run(args, write_figures)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
