"""``dockersim shell``: a terminal on the simulated Docker host.

The learner types command lines; each goes to :meth:`Lab.sh` and what it shows is
printed as the program writes it. At a terminal:

* the line is edited with prompt_toolkit: history (``~/.dockersim_history``, or the
  file ``DOCKERSIM_HISTORY`` names), Tab completion of commands, container and
  network names and images, Emacs keys as in bash (Ctrl-P: the previous line);
* ``docker run -it``, ``docker exec -it`` and ``docker attach`` leave the learner at
  the container's prompt; ``exit`` or Ctrl-D leave that shell only (after ``run -it``
  the container stops, after ``exec -it`` it keeps running); Ctrl-P Ctrl-Q detaches
  (``read escape sequence``), as Docker's default detach keys do; Ctrl-D on an empty
  line at the host's prompt leaves the program, as it leaves bash;
* simulated time keeps with the wall clock (``--speed``, ``:speed``: x1, x10, x100 or
  as fast as possible), and Ctrl-C stops the foreground program when it is pressed
  (``Lab.interrupt``): the terminal's SIGINT is caught while a command runs, so the
  simulation is never cut in the middle of an event.

Commands of the simulator itself live outside Docker's namespace, behind a leading
``:`` (``:events``, ``:explain N``, ``:figures``, ``:capture``, ``:lang``, ``:speed``,
``:help``): they look at what the last command did.

Without a terminal (a pipe or a file) the lines are read one by one and echoed
after the prompt, as fast as possible, so ``dockersim shell < commands.txt`` prints
a transcript.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import math
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from simulator.packets.arp import ArpPacket
from simulator.packets.ipv4 import IPv4Packet
from simulator.scenario import pacing
from simulator.scenario.lab import Lab, Result
from simulator.shell_completer import ShellCompleter
from simulator.trace import layers
from simulator.trace.records import FRAME_RECORDS, NatTranslated, RouteChosen, VxlanDecapsulated, VxlanEncapsulated
from simulator.trace.tracer import Trace, capture_point

#: ``write_figures(lab, folder, title, command)`` from ``simulator.cli``.
FigureWriter = Callable[..., list[Path]]

HELP_TEXT = {
    "en": """\
dockersim shell: a simulated Docker host. Nothing here runs on your machine.

  docker run -itd --name c1 ubuntu:14.04     start a container
  docker exec c1 ifconfig                     run a tool in it (ping, ip, ifconfig, hostname, cat)
  docker exec -it c1 bash                     open its shell (exit or Ctrl-D to leave)
  docker attach c1                            its main shell (Ctrl-P Ctrl-Q detaches)
  ip addr | brctl show | bridge fdb show      look at the host
  iptables -t nat -S                          Docker's firewall rules
  sleep 5                                     let simulated time pass
  on laptop ping -c 1 192.168.1.10            run a command on another machine
  Ctrl-C                                      stop the running program
  help | exit

The simulator's own commands (what the last command did):
  :events [all]        its frames, hop by hop, numbered as in the figures
  :explain N           event N in full, layer by layer
  :figures [DIR]       its path, ladder, headers and the topology as pictures
  :capture FILE        its frames as a pcapng file (Wireshark, tcpdump -r)
  :speed 1|10|100|max  simulated seconds per second of the wall clock
  :lang en|ko          the language of these messages
  :help                this list
""",
    "ko": """\
dockersim shell: 시뮬레이션된 도커 호스트입니다. 여기서 입력한 명령은 실제 컴퓨터에서 실행되지 않습니다.

  docker run -itd --name c1 ubuntu:14.04     컨테이너 시작
  docker exec c1 ifconfig                     컨테이너 안에서 도구 실행 (ping, ip, ifconfig, hostname, cat)
  docker exec -it c1 bash                     컨테이너의 셸 열기 (exit 또는 Ctrl-D로 나옴)
  docker attach c1                            컨테이너의 메인 셸에 붙기 (Ctrl-P Ctrl-Q로 떨어짐)
  ip addr | brctl show | bridge fdb show      호스트 살펴보기
  iptables -t nat -S                          도커의 방화벽 규칙
  sleep 5                                     시뮬레이션 시간 흘려보내기
  on laptop ping -c 1 192.168.1.10            다른 머신에서 명령 실행
  Ctrl-C                                      실행 중인 프로그램 멈추기
  help | exit

시뮬레이터 자체 명령 (마지막 명령이 한 일):
  :events [all]        프레임을 홉마다, 그림과 같은 번호로
  :explain N           이벤트 N을 계층별로 자세히
  :figures [DIR]       경로, 래더, 헤더, 토폴로지 그림 저장
  :capture FILE        프레임을 pcapng 파일로 저장 (Wireshark, tcpdump -r)
  :speed 1|10|100|max  벽시계 1초에 흐르는 시뮬레이션 시간(초)
  :lang en|ko          이 메시지들의 언어
  :help                이 목록
""",
}

MESSAGES: dict[str, tuple[str, str]] = {
    "banner": ("dockersim shell: a simulated Docker host (speed {speed}). Type 'help', or 'exit' to leave.",
               "dockersim shell: 시뮬레이션된 도커 호스트입니다 (속도 {speed}). 'help'로 도움말, 'exit'로 종료."),
    "unknown": ("dockersim: unknown command '{word}' (try :help)", "dockersim: 알 수 없는 명령 '{word}' (:help 참고)"),
    "usage": ("dockersim: usage: {usage}", "dockersim: 사용법: {usage}"),
    "no-command": ("dockersim: no command has run yet", "dockersim: 아직 실행한 명령이 없습니다"),
    "no-frames": ("dockersim: '{command}' sent no frame", "dockersim: '{command}' 명령은 프레임을 보내지 않았습니다"),
    "events-head": ("Events of '{command}' (exit status {code}): {n} events, {frames} frame{s} ([N]: the frame's number in the figures)",
                    "'{command}' 명령의 이벤트 (종료 코드 {code}): 이벤트 {n}개, 프레임 {frames}개 ([N]: 그림의 프레임 번호)"),
    "events-more": ("... {n} more events (:events all lists every one)", "... 이벤트 {n}개 더 있음 (:events all 로 모두 보기)"),
    "no-event": ("dockersim: no event {n} (events 1 to {last}; :events lists them)",
                 "dockersim: 이벤트 {n}번은 없습니다 (1번부터 {last}번까지, :events 로 목록 보기)"),
    "event-head": ("Event {n} at {t} ms on {device}{frame}", "이벤트 {n}: {t} ms, {device}{frame}"),
    "frame-ref": (", frame {g} in the figures", ", 그림의 {g}번 프레임"),
    "why": ("Why: {text}", "이유: {text}"),
    "marked": ("* marks what changed since the frame's previous hop", "* 표시: 같은 프레임의 직전 홉과 달라진 값"),
    "wrote": ("dockersim: wrote {n} files to {where}", "dockersim: {where}에 파일 {n}개를 저장했습니다"),
    "wrote-capture": ("dockersim: wrote {n} frames to {where}", "dockersim: {where}에 프레임 {n}개를 저장했습니다"),
    "cannot-write": ("dockersim: cannot write {where}: {why}", "dockersim: {where}에 쓸 수 없습니다: {why}"),
    "lang": ("dockersim: messages in English", "dockersim: 메시지를 한국어로 표시합니다"),
    "speed": ("dockersim: speed {speed}", "dockersim: 속도 {speed}"),
    "speed-now": ("dockersim: speed {speed} (:speed 1|10|100|max)", "dockersim: 현재 속도 {speed} (:speed 1|10|100|max)"),
    "failed": ("dockersim: {command} failed: {why}", "dockersim: {command} 실패: {why}"),
}

EVENTS_SHOWN = 60  # ``:events`` lists this many unless asked for all
DEFAULT_FIGURES = "figures"

CLEAR_SCREEN = "\x1b[H\x1b[2J\x1b[3J"  # `clear | od -c` on an xterm: cursor home, erase the screen, erase the scrollback


class Session:
    """One learner's shell: the lab, the speed, the language and the last command's result."""

    def __init__(self, lab: Lab, speed: float | None, write_figures: FigureWriter | None = None,
                 out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.lab = lab
        self.speed = speed  # None: a script (as fast as possible); else paced, and Ctrl-C stops the program
        self.write_figures = write_figures
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.last: Result | None = None
        self.idle_since: float | None = None  # wall-clock time the prompt came back (paced shells)

    @property
    def lang(self) -> str:
        """The language the lab speaks (``en`` or ``ko``)."""
        return self.lab.lang

    def say(self, key: str, **values: object) -> str:
        """A message of the simulator's own in the shell's language."""
        en, ko = MESSAGES[key]
        return (ko if self.lang == "ko" else en).format(**values)

    def tell(self, key: str, **values: object) -> None:
        """Print the shell's own message ``key`` in the session's language."""
        self.out.write(self.say(key, **values) + "\n")
        self.out.flush()

    def execute(self, line: str) -> bool:
        """Run one line as typed; False when the learner leaves the shell."""
        with self._foreground():
            return self._execute(line)

    def _execute(self, line: str) -> bool:
        words = line.strip().split()
        if not words:
            return True
        if words[0].startswith(":"):
            self.simulator_command(words)
            return True
        if words[0] == "help" and len(words) == 1:
            self.out.write(HELP_TEXT[self.lang])
            return True
        if words[0] == "exit" and self.lab.attached is None:
            return False
        on = None
        if words[0] == "on" and len(words) > 2:
            on = words[1]
            line = line.strip()[len("on " + on):].strip()
        self.catch_up()
        result = self.lab.sh(line, on=on, speed=self.speed, on_output=self._write)
        if line.split() == ["clear"] and result.exit_code == 0:
            self.clear_screen()
        if line.strip() != DETACH_LINE:  # keys, not a command: :events still shows the last command
            self.last = result
        self.idle_since = time.monotonic()
        return True

    def clear_screen(self) -> None:
        """What ``clear`` does to a terminal: ncurses' ``clear`` and ``E3`` for xterm (home, erase, scrollback)."""
        if self.out.isatty():
            self.out.write(CLEAR_SCREEN)
            self.out.flush()

    def catch_up(self) -> None:
        """The learner took a while to type: simulated time went on meanwhile, at the shell's speed."""
        if self.speed is not None and not math.isinf(self.speed) and self.idle_since is not None:
            self.lab.idle((time.monotonic() - self.idle_since) * self.speed)
        self.idle_since = time.monotonic()

    def _write(self, stream: str, text: str) -> None:
        target = self.err if stream == "stderr" else self.out
        target.write(text)
        target.flush()

    @contextlib.contextmanager
    def _foreground(self) -> Iterator[None]:
        """While a line runs, Ctrl-C is the lab's (SIGINT stops the simulated program, not this one).

        At a terminal its ``^C`` echo is left to the lab, which writes it where the
        program's output has got to (ECHOCTL off), as the real terminal shows it; keys
        typed ahead, Ctrl-Q included (IXON off), wait for the next prompt unechoed as
        control characters. A ``:`` command is not interrupted (it is short).
        """
        if self.speed is None:
            yield
            return
        try:
            previous = signal.signal(signal.SIGINT, lambda number, frame: self.lab.interrupt())
        except ValueError:  # not the main thread: no way to catch Ctrl-C
            previous = None
        saved = _echoctl_off(sys.stdin)
        try:
            yield
        finally:
            _restore_tty(sys.stdin, saved)
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    # -- the simulator's own commands ---------------------------------------------------------------

    def simulator_command(self, words: list[str]) -> None:
        """``:events``, ``:explain N`` and the rest; bad use gets one line, never a traceback."""
        name, args = words[0], words[1:]
        handlers: dict[str, Callable[[list[str]], None]] = {
            ":events": self.events, ":explain": self.explain, ":figures": self.figures, ":capture": self.capture,
            ":lang": self.set_lang, ":speed": self.set_speed, ":help": self.help,
        }
        handler = handlers.get(name)
        if handler is None:
            self.tell("unknown", word=name)
            return
        try:
            handler(args)
        except Exception as error:  # a view that cannot be drawn must not end the lesson
            self.tell("failed", command=name, why=f"{type(error).__name__}: {error}")
        self.out.flush()

    def help(self, args: list[str]) -> None:
        """``:help``: the simulator's commands."""
        self.out.write(HELP_TEXT[self.lang])

    def _steps(self) -> tuple[Result, list[Any]] | None:
        if self.last is None:
            self.tell("no-command")
            return None
        from simulator.viz.path import plan as path_plan  # the views (matplotlib) load on first use
        from simulator.viz.player import events as player_steps

        the_plan = path_plan(self.last.trace, self.lang)
        # The path figure's number of each frame (the player numbers only what crosses a link: not lo's).
        numbers = {id(j.frame): g.number for g in the_plan.groups for j in g.journeys}
        # The frames' hops, as a capture and the figures show them, and the moments a host routed a
        # packet on or rewrote it (NAT), which explain why the next hop's frame differs.
        steps = [
            dataclasses.replace(s, group=s.group or numbers.get(id(_frame_of(s.record))))
            for s in player_steps(self.last.trace, self.lang, the_plan)
            if _frame_of(s.record) is not None or _is_forwarding(s.record)
        ]
        if not any(_frame_of(s.record) is not None for s in steps):
            self.tell("no-frames", command=self.last.command)
            return None
        return self.last, steps

    def events(self, args: list[str]) -> None:
        """``:events [all]``: the last command's steps, numbered and explained (the first few; ``all``: every one)."""
        if args not in ([], ["all"]):
            self.tell("usage", usage=":events [all]")
            return
        found = self._steps()
        if found is None:
            return
        result, steps = found
        t0 = result.trace[0].time if len(result.trace) else 0.0
        frames = {s.group for s in steps if s.group}
        self.tell("events-head", command=result.command, code=result.exit_code, n=len(steps), frames=len(frames),
                  s="" if len(frames) == 1 else "s")
        shown = steps if args == ["all"] else steps[:EVENTS_SHOWN]
        width = len(str(len(steps)))
        column = max(len(step.device or step.record.node) for step in shown)
        for number, step in enumerate(shown, start=1):
            frame = f"[{step.group}]" if step.group else "   "
            device = step.device or step.record.node
            summary = step.summary or _decision(step.record)
            self.out.write(f"{number:>{width}} {_ms(step.record.time - t0):>10} ms {frame:>5} {device:<{column}}  {summary}\n")
            self.out.write(f"{'':>{width + 4}}{step.explanation}\n")
        if len(shown) < len(steps):
            self.tell("events-more", n=len(steps) - len(shown))

    def explain(self, args: list[str]) -> None:
        """``:explain N``: why step N of the last command happened, in one sentence."""
        if len(args) != 1 or not args[0].isdecimal():
            self.tell("usage", usage=":explain N")
            return
        found = self._steps()
        if found is None:
            return
        result, steps = found
        n = int(args[0])
        if not 1 <= n <= len(steps):
            self.tell("no-event", n=n, last=len(steps))
            return
        step = steps[n - 1]
        t0 = result.trace[0].time if len(result.trace) else 0.0
        self.tell("event-head", n=n, t=_ms(step.record.time - t0), device=step.device or step.record.node,
                  frame=self.say("frame-ref", g=step.group) if step.group else "")
        self.tell("why", text=step.explanation)
        frame = _frame_of(step.record)
        if frame is None:  # a host's decision: the reason is all there is
            return
        before = next((f for s in reversed(steps[: n - 1]) if _same_message(f := _frame_of(s.record), frame)), None)
        marked = layers.changed(layers.layers(before), layers.layers(frame)) if before is not None else set()
        self.out.write(layers.render(frame, self.lang, marked) + "\n")
        if marked:
            self.tell("marked")

    def figures(self, args: list[str]) -> None:
        """``:figures [DIR]``: write the last command's pictures."""
        if len(args) > 1:
            self.tell("usage", usage=":figures [DIR]")
            return
        if self.last is None:
            self.tell("no-command")
            return
        if self.write_figures is None:
            raise RuntimeError("no figure writer")
        folder = Path(args[0] if args else DEFAULT_FIGURES)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".dockersim-write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            self.tell("cannot-write", where=folder, why=error.strerror or error)
            return
        written = self.write_figures(self.lab, folder, self.last.command, _with_frames(self.last.trace))
        self.tell("wrote", n=len(written), where=folder)

    def capture(self, args: list[str]) -> None:
        """``:capture FILE``: write the last command's frames as a pcapng capture."""
        if len(args) != 1:
            self.tell("usage", usage=":capture FILE")
            return
        if self.last is None:
            self.tell("no-command")
            return
        path = Path(args[0])
        try:
            self.last.trace.to_pcap(str(path))
        except OSError as error:
            self.tell("cannot-write", where=path, why=error.strerror or error)
            return
        self.tell("wrote-capture", n=_frame_count(self.last.trace), where=path)

    def set_lang(self, args: list[str]) -> None:
        """``:lang en|ko``: the language of explanations and the shell's messages."""
        if args not in (["en"], ["ko"]):
            self.tell("usage", usage=":lang en|ko")
            return
        self.lab.lang = args[0]
        self.tell("lang")

    def set_speed(self, args: list[str]) -> None:
        """``:speed [1|10|100|max]``: show or set simulated seconds per wall-clock second."""
        if not args:
            self.tell("speed-now", speed=pacing.speed_name(self.speed or math.inf))
            return
        try:
            if len(args) != 1:
                raise ValueError(args)
            self.speed = pacing.parse_speed(args[0])
        except ValueError:
            self.tell("usage", usage=":speed 1|10|100|max")
            return
        self.tell("speed", speed=pacing.speed_name(self.speed))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f}"


def _frame_of(record: Any) -> Any:
    """The frame a record is about (a VXLAN record: the outer packet the wire carries)."""
    if isinstance(record, VxlanEncapsulated | VxlanDecapsulated):
        return record.outer
    return record.frame if isinstance(record, FRAME_RECORDS) else None


def _is_forwarding(record: Any) -> bool:
    """A host routing a packet on to another interface, or netfilter rewriting it."""
    return isinstance(record, NatTranslated) or (isinstance(record, RouteChosen) and record.forwarded)


def _decision(record: Any) -> str:
    """A one-line summary of a routing or NAT record, in the words ``ip route`` and ``iptables -S`` use."""
    if isinstance(record, NatTranslated):
        return f"NAT ({record.chain}): {record.before} -> {record.after}"
    assert isinstance(record, RouteChosen)
    return f"route to {record.dst}: {record.route}"


def _same_message(a: Any, b: Any) -> bool:
    """Two frames carry the same packet at two hops (an ARP reply shares its request's flow: not the same)."""
    if a is None or a.flow != b.flow or type(a.payload) is not type(b.payload):
        return False
    if isinstance(a.payload, ArpPacket):
        return bool(a.payload.op == b.payload.op)
    if isinstance(a.payload, IPv4Packet):  # routing and NAT rewrite addresses and TTL, never the identification
        return bool(a.payload.ident == b.payload.ident and a.payload.protocol == b.payload.protocol)
    return True


def _frame_count(trace: Trace) -> int:
    """How many frames a capture of ``trace`` holds (one per device that saw each)."""
    return sum(1 for r in trace if capture_point(r) is not None)


def _with_frames(trace: Trace) -> Trace | None:
    return trace if _frame_count(trace) else None


def _echoctl_off(stream: TextIO) -> Any:
    """Stop the terminal from echoing ``^C`` itself (the lab writes it in its place) and from taking Ctrl-Q as XON."""
    try:
        import termios

        fd = stream.fileno()
        if not os.isatty(fd):
            return None
        saved = termios.tcgetattr(fd)
        quiet = list(saved)
        quiet[0] &= ~termios.IXON
        quiet[3] &= ~termios.ECHOCTL
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
        return saved
    except (ImportError, OSError, ValueError, AttributeError):  # not a terminal, or not a POSIX one
        return None


def _restore_tty(stream: TextIO, saved: Any) -> None:
    if saved is None:
        return
    with contextlib.suppress(Exception):
        import termios

        termios.tcsetattr(stream.fileno(), termios.TCSANOW, saved)


# -- the terminal ---------------------------------------------------------------------------------


def run(args: argparse.Namespace, write_figures: FigureWriter | None = None) -> int:
    """``dockersim shell``: a terminal when stdin and stdout are one, else a transcript of stdin's lines."""
    try:
        lab = Lab(engine=args.engine, hosts=args.hosts, lang=args.lang or "en", seed=args.seed or 0, trace_window=args.trace_window)
    except ValueError as error:
        print(f"dockersim: {error}", file=sys.stderr)
        return 2
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    speed = args.speed
    if interactive:
        session = Session(lab, 1.0 if speed is None else speed, write_figures)
        return _interactive(session)
    return _transcript(Session(lab, speed, write_figures), sys.stdin)


def _transcript(session: Session, lines: Iterable[str]) -> int:
    lab = session.lab
    for raw in lines:
        line = raw.rstrip("\n")
        words = line.split()
        if len(words) > 2 and words[0] == "on" and words[1] in lab.machines:
            print(f"root@{words[1]}:~# {line.strip()[len('on ' + words[1]):].strip()}", flush=True)  # that machine's prompt
        else:
            print(f"{lab.prompt()}{line}", flush=True)
        if not session.execute(line):
            return 0
    return 0


EOF_LINE = "\x04"  # what the prompt returns for Ctrl-D on an empty line
DETACH_LINE = "^P^Q"  # Docker's default detach keys, as the lab understands them


def _interactive(session: Session) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    from prompt_toolkit.key_binding import KeyBindings

    lab = session.lab
    attached = Condition(lambda: lab.attached is not None)
    keys = KeyBindings()

    @keys.add("c-d", filter=Condition(lambda: not _buffer_text()))
    def _eof(event: Any) -> None:  # as bash: Ctrl-D on an empty line ends the shell (here: that shell only)
        event.app.exit(result=EOF_LINE)

    @keys.add("c-c")
    def _abandon(event: Any) -> None:  # as bash: the line stays on the screen with ^C after it; a fresh prompt
        event.current_buffer.cursor_position = len(event.current_buffer.text)
        event.current_buffer.insert_text("^C")
        event.app.exit(exception=KeyboardInterrupt)

    @keys.add("c-p", "c-q", filter=attached)
    def _detach(event: Any) -> None:  # docker's detach keys; Ctrl-P alone stays "previous line"
        event.app.exit(result=DETACH_LINE)

    history_path = Path(os.environ.get("DOCKERSIM_HISTORY", Path.home() / ".dockersim_history"))
    history: Any
    try:
        history_path.touch(exist_ok=True)
        history = FileHistory(str(history_path))
    except OSError:
        history = InMemoryHistory()
    prompt: PromptSession[str] = PromptSession(history=history, completer=ShellCompleter(lab), key_bindings=keys,
                                               complete_while_typing=False, enable_suspend=False)

    def _buffer_text() -> str:
        return prompt.default_buffer.text

    session.out.write(session.say("banner", speed=pacing.speed_name(session.speed or math.inf)) + "\n")
    session.idle_since = time.monotonic()
    while True:
        try:
            line = prompt.prompt(lab.prompt())
        except KeyboardInterrupt:  # Ctrl-C at the prompt: a fresh line, as in bash
            continue
        except EOFError:
            line = EOF_LINE
        if line == EOF_LINE:
            if lab.attached is None:
                session.out.write("exit\n")
                return 0
            line = "exit"  # the container's shell reads end of file: it exits
        try:
            if not session.execute(line):
                return 0
        except Exception as error:  # a lesson must not end in a traceback
            session.err.write(f"dockersim: internal error: {type(error).__name__}: {error}\n")
