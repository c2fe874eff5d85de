"""Replay every sequence on the real daemon and the simulator and print the figures.

    sudo .venv/bin/python -m tests.realdocker.report [NAME-PART ...]

For each sequence: how many commands differ, then each difference as a diff; at the
end, the totals and the differing commands grouped by kind.  Needs what the tests
need (root, docker.io, busybox-static, debootstrap); never run by pytest.
"""

from __future__ import annotations

import collections
import sys
import time

from tests.realdocker.daemon import RealDocker, unavailable_reason
from tests.realdocker.replay import Outcome, all_sequences, differences, replay_real, replay_sim


def kind(real: Outcome, sim: Outcome) -> str:
    if any(s in sim.stderr for s in ("does not model", "is not a docker command", "unknown flag", "is unknown")):
        return "not modelled by the simulator"
    if real.exit_code != sim.exit_code:
        return "exit status (accepted by one side, refused by the other)"
    if real.stderr != sim.stderr:
        return "error message wording"
    return "stdout"


def main(argv: list[str]) -> int:
    reason = unavailable_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    started = time.monotonic()
    rd = RealDocker()
    kinds: collections.Counter[str] = collections.Counter()
    commands = differing = sequences = 0
    try:
        rd.setup()
        print(f"daemon and images ready in {time.monotonic() - started:.1f} s")
        for seq in all_sequences():
            if argv and not any(part in seq.name for part in argv):
                continue
            missing = [k for k in seq.needs if not rd.kernel_has(k)]
            if missing:
                print(f"=== {seq.name}: skipped, this kernel cannot make {', '.join(missing)} links")
                continue
            t0 = time.monotonic()
            rd.reset()
            real, sim = replay_real(seq, rd), replay_sim(seq)
            found = differences(real, sim)
            sequences += 1
            commands += len(seq.steps)
            differing += len(found)
            for a, b in zip(real, sim, strict=True):
                if (a.stdout, a.stderr, a.exit_code) != (b.stdout, b.stderr, b.exit_code):
                    kinds[kind(a, b)] += 1
            print(f"=== {seq.name}: {len(found)} of {len(seq.steps)} commands differ ({time.monotonic() - t0:.1f} s)")
            for diff in found:
                print(diff, end="\n\n")
    finally:
        rd.close()
    print(f"{sequences} sequences, {commands} commands compared, {differing} differ "
          f"({time.monotonic() - started:.0f} s in all)")
    for name, count in kinds.most_common():
        print(f"  {count:4d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
