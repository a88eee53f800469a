"""CPU used by a tree of processes, read from /proc (Linux): the idle-cost measurement of docs/benchmarks.md.

Method: every `interval` seconds, list the root and all its descendants (through /proc/<pid>/task/*/children),
and read utime + stime of each (fields 14 and 15 of /proc/<pid>/stat, in clock ticks). A process's share is its
last reading minus its first, so a process that appears or ends in the window counts only the time it ran while
observed. The total over the window, divided by the wall time, is the fraction of one core the tree used.

    python -m triplec.core.cpu PID [SECONDS]     # one JSON line: the tree of PID over SECONDS (default 60)
"""

import json
import os
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> list[int]:
    """The root and every process below it (children of every thread), root first."""
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    queue.extend(int(c) for c in f.read().split())
            except OSError:
                continue
    return found


def stat(pid: int) -> tuple[str, float] | None:
    """(command name, CPU seconds used so far) of a live process, else None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            raw = f.read()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()  # fields from the 3rd on: utime, stime are the 14th and 15th
    return name, (int(fields[11]) + int(fields[12])) / TICKS


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            parts = f.read().split(b"\0")
    except OSError:
        return ""
    # "python .../triplec dispatcher --x" -> "triplec dispatcher --x"
    words = [os.path.basename(p.decode(errors="replace")) for p in parts if p]
    if words and words[0].startswith("python"):
        words = words[1:]
    return " ".join(words)[:80]


def measure_tree(root: int, seconds: float = 60.0, interval: float = 1.0) -> dict:
    """CPU of the tree of `root` over `seconds` of wall time: total and per process, as fractions of one core."""
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    names: dict[int, str] = {}

    def sample() -> None:
        for pid in descendants(root):
            got = stat(pid)
            if got is None:
                continue
            first.setdefault(pid, got[1])
            last[pid] = got[1]
            if pid not in names:
                names[pid] = cmdline(pid) or got[0]

    start = time.monotonic()
    sample()
    while (left := start + seconds - time.monotonic()) > 0:
        time.sleep(min(interval, left))
        sample()
    wall = time.monotonic() - start
    used = {pid: last[pid] - first[pid] for pid in last}
    per_process = sorted(((names[pid], pid, used[pid] / wall) for pid in used), key=lambda r: -r[2])
    return {
        "seconds": round(wall, 1),
        "processes": len(used),
        "cpu_percent_of_one_core": round(100 * sum(used.values()) / wall, 2),
        "per_process": [
            {"pid": pid, "command": name, "cpu_percent": round(100 * share, 2)} for name, pid, share in per_process
        ],
    }


if __name__ == "__main__":
    pid = int(sys.argv[1])
    window = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    print(json.dumps({"name": "idle_cpu", "root_pid": pid, **measure_tree(pid, window)}))
