"""``nsenter --net=FILE COMMAND``: run a program in another network namespace (util-linux).

Docker keeps each sandbox alive with a file under ``/var/run/docker/netns``: a
container's (the ``SandboxKey`` of ``docker inspect``) and each overlay network's
(``1-`` and 10 characters of the network id). ``nsenter --net=THAT-FILE ip addr``
shows what lives inside, e.g. an overlay network's ``br0`` and ``vxlan0``.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import replace
from typing import Any

from simulator.programs.process import ProcessContext


def nsenter(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``nsenter --net=FILE [--] PROGRAM [ARGS...]`` (also ``-nFILE``, ``--net FILE``)."""
    from simulator.programs.tools import PROGRAMS  # tools registers this program

    args = argv[1:]
    target = None
    while args and args[0].startswith("-"):
        word = args.pop(0)
        if word == "--":
            break
        if word.startswith("--net="):
            target = word.split("=", 1)[1]
        elif word.startswith("-n") and len(word) > 2:
            target = word[2:]
        elif word in ("--net", "-n") and args:
            target = args.pop(0)
        else:
            ctx.err(f"nsenter: unrecognized option '{word}'\nTry 'nsenter --help' for more information.\n")
            return 1
    if target is None:
        ctx.err("nsenter: neither filename nor target pid supplied for ns/net\n")
        return 1
    netns = ctx.netns_files.get(target)
    if netns is None:
        ctx.err(f"nsenter: cannot open {target}: No such file or directory\n")
        return 1
    if not args:
        args = ["bash"]
    program = PROGRAMS.get(args[0])
    if program is None or args[0] == "nsenter":
        ctx.err(f"nsenter: failed to execute {args[0]}: No such file or directory\n")
        return 127
    inner = replace(ctx, netns=netns)
    status = yield from program(inner, args)
    return int(status or 0)
