"""Benchmark harness: guardrails vs Checkov on CloudFormation, side by side.

Suite ``scan`` measures
  single  - one small template: ``guardrails scan`` vs ``checkov -f``;
  corpus  - 2,000 generated templates (~20,000 resources): guardrails vs Checkov,
            plus a parse-only baseline (``yaml.compose`` with ``CSafeLoader``);
  startup - ``python -X importtime -c "import guardrails.cli"``: total import time
            and a check that no heavy ML/AWS-mock package is imported.

Each child is timed wall-clock; its peak RSS is ``ru_maxrss`` collected by a
small parent (GNU time, else a tiny spawn shim; see ``wrap``), and a sampler
also sums RSS over the whole process tree. Results go to ``bench/RESULTS.md``,
rewriting only the ``<!-- suite:scan -->`` section.

Reproduce: ``.venv/bin/python bench/run.py --suite scan``
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from gen_templates import generate, render_template  # noqa: E402

SUITE = "scan"
PY_INFO = (
    "import sys, yaml; print(sys.version.split()[0], 'PyYAML', yaml.__version__, 'libyaml', yaml.__with_libyaml__)"
)
FORBIDDEN = ("tensorflow", "sagemaker", "keras", "torch", "moto")
CHECKOV_SPEC = "checkov>=3.2,<4"

# Runs inside the project interpreter: parse-only baseline, self-timed.
PARSE_ONLY = r"""
import sys, time, pathlib, yaml
t0 = time.perf_counter()
root = pathlib.Path(sys.argv[1])
files = [root] if root.is_file() else sorted(
    p for p in root.rglob("*") if p.suffix in (".yaml", ".yml", ".template", ".json"))
nodes = 0
for p in files:
    node = yaml.compose(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    nodes += node is not None
print(f"{time.perf_counter() - t0:.6f} {len(files)} {nodes}")
"""


@dataclass
class Run:
    """One measured child process."""

    wall: float
    maxrss_kb: int
    tree_rss_kb: int
    rc: int
    stdout: Path
    stderr: Path
    cpu: float = 0.0  # user + system seconds of the tool and its reaped sub-processes
    load: float = 0.0  # 1-minute load average when the run started


@dataclass
class Case:
    """A (case, tool) row: repeated runs and what the tool reported."""

    case: str
    tool: str
    cmd: list[str]
    runs: list[Run] = field(default_factory=list)
    ok_codes: tuple[int, ...] = (0, 1)
    note: str = ""
    output: str = ""
    inner: list[float] = field(default_factory=list)  # self-reported timings

    @property
    def good(self) -> list[Run]:
        return [r for r in self.runs if r.rc in self.ok_codes]

    @property
    def median(self) -> float | None:
        g = self.good
        return statistics.median(r.wall for r in g) if g else None

    @property
    def cpu(self) -> float | None:
        g = self.good
        return statistics.median(r.cpu for r in g) if g else None

    @property
    def load(self) -> str:
        g = self.good
        return f"{min(r.load for r in g):.1f}–{max(r.load for r in g):.1f}" if g else "—"

    @property
    def peak_mb(self) -> float | None:
        g = self.good
        return max(r.maxrss_kb for r in g) / 1024 if g else None

    @property
    def tree_mb(self) -> float | None:
        g = self.good
        return max(r.tree_rss_kb for r in g) / 1024 if g else None


# ---------------------------------------------------------------- measuring


# Peak RSS must be read by a *small* parent: Linux seeds a forked child's
# high-water RSS with its parent's, so wait4() from this (large, after loading
# Checkov's JSON) harness would floor every reading at the harness's own size.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
SPAWN_SHIM = (
    "import os, sys\n"
    "pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)\n"
    "_, st, ru = os.wait4(pid, 0)\n"
    "open(sys.argv[1], 'w').write(f'{ru.ru_maxrss} {ru.ru_utime} {ru.ru_stime}\\n')\n"
    "rc = os.waitstatus_to_exitcode(st)\n"
    "sys.exit(rc if rc >= 0 else 128 - rc)\n"
)


def wrap(cmd: list[str], stats: Path) -> list[str]:
    """``cmd`` run under a small parent that writes the child's peak RSS (kB) to ``stats``."""
    if GNU_TIME:
        return [GNU_TIME, "-f", "%M %U %S", "-o", str(stats), *cmd]
    return ["python3", "-I", "-S", "-c", SPAWN_SHIM, str(stats), *cmd]


def _tree_rss_kb(root_pid: int, include_root: bool = True) -> int:
    """Sum VmRSS (kB) over ``root_pid`` (optionally) and its live descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", "rb") as fh:
                pid, ppid, kb = int(entry), -1, 0
                for line in fh:
                    if line.startswith(b"PPid:"):
                        ppid = int(line.split()[1])
                    elif line.startswith(b"VmRSS:"):
                        kb = int(line.split()[1])
                        break
        except (OSError, ValueError):
            continue
        parents[pid], rss[pid] = ppid, kb
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        p = frontier.pop()
        for child, parent in parents.items():
            if parent == p and child not in tree:
                tree.add(child)
                frontier.append(child)
    if not include_root:
        tree.discard(root_pid)
    return sum(rss.get(p, 0) for p in tree)


def measure(
    cmd: list[str],
    out: Path,
    err: Path,
    env: dict[str, str] | None = None,
    timeout: float = 3600.0,
    sample: float = 0.1,
) -> Run:
    """Run ``cmd``; return wall time, peak RSS, sampled tree RSS and exit code."""
    stats = out.with_suffix(".rusage")
    stats.unlink(missing_ok=True)
    load = float(Path("/proc/loadavg").read_text().split()[0])
    with open(out, "wb") as fo, open(err, "wb") as fe:
        t0 = time.perf_counter()
        proc = subprocess.Popen(wrap(cmd, stats), stdout=fo, stderr=fe, env=env, cwd=ROOT, start_new_session=True)
        done = threading.Event()
        peak = [0]

        def sampler() -> None:
            while not done.wait(sample):
                peak[0] = max(peak[0], _tree_rss_kb(proc.pid, include_root=False))

        def killer() -> None:
            if not done.wait(timeout):
                os.killpg(proc.pid, signal.SIGKILL)

        threads = [threading.Thread(target=sampler, daemon=True), threading.Thread(target=killer, daemon=True)]
        for t in threads:
            t.start()
        try:
            _, status, _ = os.wait4(proc.pid, 0)
        except BaseException:  # interrupted: take the child's process group down with us
            done.set()
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            raise
        wall = time.perf_counter() - t0
        done.set()
        proc.returncode = os.waitstatus_to_exitcode(status)
    try:  # last line "maxrss_kb user_s sys_s"; GNU time may prefix "Command exited with non-zero status N"
        kb, user, system = stats.read_text().splitlines()[-1].split()
        maxrss, cpu = int(kb), float(user) + float(system)
    except (OSError, ValueError, IndexError):
        maxrss, cpu = 0, 0.0
    return Run(wall, maxrss, max(peak[0], maxrss), proc.returncode, out, err, cpu, load)


def repeat(case: Case, n: int, work: Path, env: dict[str, str] | None = None, warmup: int = 0) -> Case:
    """Run ``case`` ``warmup`` untimed + ``n`` timed times, echoing progress."""
    slug = re.sub(r"\W+", "-", f"{case.case}-{case.tool}")
    for i in range(-warmup, n):
        run = measure(case.cmd, work / f"{slug}-{i}.out", work / f"{slug}-{i}.err", env)
        label = "warm-up" if i < 0 else f"run {i + 1}/{n}"
        print(
            f"  {case.case:<8} {case.tool:<22} {label:<9} {run.wall:8.3f}s cpu {run.cpu:8.3f}s load {run.load:4.1f} "
            f"rss {run.maxrss_kb / 1024:7.1f} MB tree {run.tree_rss_kb / 1024:7.1f} MB rc={run.rc}",
            flush=True,
        )
        if i >= 0:
            case.runs.append(run)
    return case


# ---------------------------------------------------------------- tools


def ensure_peer_venv(venv: Path, spec: str) -> str:
    """Create the Checkov venv if missing; return ``checkov --version``."""
    checkov = venv / "bin" / "checkov"
    if not checkov.exists():
        print(f"creating {venv} and installing {spec} (takes a few minutes)", flush=True)
        subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, spec], check=True)
    return subprocess.run([str(checkov), "--version"], capture_output=True, text=True, check=True).stdout.strip()


def checkov_env() -> dict[str, str]:
    """Environment for Checkov: no telemetry/update look-ups, no colour."""
    env = dict(os.environ)
    env.update({"BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "ANSI_COLORS_DISABLED": "1"})
    return env


def summarise_guardrails(path: Path) -> str:
    """'N files, N resources, N findings (fail F, ...)' from guardrails' JSON report."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        return f"no JSON report ({exc.__class__.__name__})"
    s = data.get("summary", {})
    by = s.get("by_status", {})
    status = ", ".join(f"{k} {v}" for k, v in by.items() if v)
    return (
        f"{s.get('files', '?')} files, {s.get('resources', '?')} resources, "
        f"{len(data.get('findings', []))} findings ({status}), {len(data.get('errors', []))} errors"
    )


def summarise_checkov(path: Path) -> str:
    """'N resources, passed P, failed F' from Checkov's JSON (dict or list of dicts)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        return f"no JSON report ({exc.__class__.__name__})"
    reports = data if isinstance(data, list) else [data]
    tot = {"resource_count": 0, "passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0}
    for r in reports:
        for k in tot:
            tot[k] += int(r.get("summary", {}).get(k, 0) or 0)
    return (
        f"{tot['resource_count']} resources, {tot['passed'] + tot['failed']} checks "
        f"(passed {tot['passed']}, failed {tot['failed']}), {tot['parsing_errors']} parse errors"
    )


def source_digest() -> str:
    """Short sha256 over the guardrails package and rules, to spot code changing mid-run."""
    h = hashlib.sha256()
    for p in sorted([*(ROOT / "guardrails").rglob("*"), *(ROOT / "rules").rglob("*")]):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


def version_of(cmd: list[str]) -> str:
    """First line of a command's output, or 'unavailable'."""
    try:
        res = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=120, cwd=ROOT)
    except OSError:
        return "unavailable"
    return (res.stdout.strip() or res.stderr.strip() or "unavailable").splitlines()[0]


# ---------------------------------------------------------------- cases


def startup(python: str, n: int, work: Path) -> dict[str, Any]:
    """Import-time profile of ``guardrails.cli`` and forbidden-module check."""
    res = subprocess.run(
        [python, "-X", "importtime", "-c", "import guardrails.cli"],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    mods: list[tuple[str, int, int]] = []
    for line in res.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            mods.append((m.group(4), int(m.group(1)), int(m.group(2))))
    total_us = sum(self_us for _, self_us, _ in mods)
    names = {name for name, _, _ in mods}
    bad = sorted({n.split(".")[0] for n in names} & set(FORBIDDEN))
    top = sorted(((n, c) for n, _, c in mods if "." not in n), key=lambda x: -x[1])[:8]
    case = repeat(Case("startup", "import guardrails.cli", [python, "-c", "import guardrails.cli"]), n, work, warmup=1)
    return {
        "rc": res.returncode,
        "total_ms": total_us / 1000,
        "modules": len(names),
        "forbidden": bad,
        "top": top,
        "case": case,
        "stderr_tail": res.stderr.strip().splitlines()[-1:] if res.returncode else [],
    }


def fmt(x: float | None, nd: int = 3) -> str:
    return "—" if x is None else f"{x:.{nd}f}"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


# ---------------------------------------------------------------- report


def machine() -> list[str]:
    cpu = "unknown"
    mem = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return [f"nproc {os.cpu_count()}", f"CPU {cpu}", f"RAM {mem}", f"{platform.system()} {platform.release()}"]


def load_range(cases: list[Case]) -> str:
    loads = [r.load for c in cases for r in c.runs]
    return f"{min(loads):.1f}–{max(loads):.1f}" if loads else "—"


def render(
    cases: list[Case],
    info: dict[str, str],
    start: dict[str, Any] | None,
    corpus_desc: str,
    command: str,
) -> str:
    by = {(c.case, c.tool): c for c in cases}

    def get(case: str, tool: str) -> Case | None:
        return by.get((case, tool))

    def med(case: str, tool: str) -> float | None:
        c = get(case, tool)
        return c.median if c else None

    def inner(case: str) -> float | None:
        c = get(case, "parse-only (subprocess)")
        return statistics.median(c.inner) if c and c.inner else None

    g1, k1 = med("single", "guardrails"), med("single", "checkov")
    gN, kN = med("corpus", "guardrails"), med("corpus", "checkov")
    pN_sub, pN_in = med("corpus", "parse-only (subprocess)"), inner("corpus")

    def cpu(case: str, tool: str) -> float | None:
        c = get(case, tool)
        return c.cpu if c else None

    cpu_speedup = {n: ratio(cpu(n, "checkov"), cpu(n, "guardrails")) for n in ("single", "corpus")}
    ratios = {
        ("single", "checkov"): ("checkov ÷ guardrails", ratio(k1, g1)),
        ("corpus", "checkov"): ("checkov ÷ guardrails", ratio(kN, gN)),
        ("corpus", "guardrails"): ("guardrails ÷ parse-only (subprocess)", ratio(gN, pN_sub)),
        ("corpus", "parse-only (subprocess)"): ("subprocess ÷ in-process parse", ratio(pN_sub, pN_in)),
    }
    reader = "GNU time" if GNU_TIME else "a small spawn shim"
    lines = [
        f"<!-- suite:{SUITE} -->",
        f"## Suite `{SUITE}`: guardrails vs Checkov on CloudFormation",
        "",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {'; '.join(machine())}",
        f"- 1-minute load average at the start of each timed run: {load_range(cases)} (the machine is shared; "
        "runs were not isolated from other work, so compare CPU-time ratios too)",
        *(f"- {k}: {v}" for k, v in info.items()),
        f"- Corpus: {corpus_desc}",
        f"- Reproduce: `{command}`",
        "",
        (
            "Wall time is the median over the timed runs (one untimed warm-up precedes all but the Checkov "
            f"corpus case). *Peak RSS* is the tool's `ru_maxrss` as read by {reader} (largest single process "
            "among the tool and its reaped sub-processes); *tree RSS* is the larger of that and a sampled "
            "(every 100 ms) sum of VmRSS over the tool's whole process tree. Checkov runs first, then "
            "guardrails, the parse-only baseline and start-up back to back."
        ),
        "",
        "| case | tool | median wall s | min–max s | median CPU s | peak RSS MB | tree RSS MB | runs | load | ratio "
        "| output |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for c in cases:
        walls = [r.wall for r in c.good]
        rng = f"{min(walls):.3f}–{max(walls):.3f}" if walls else "—"
        label, val = ratios.get((c.case, c.tool), ("", None))
        rtxt = f"{label} = {val:.1f}×" if val is not None else ""
        if c.tool == "checkov" and cpu_speedup.get(c.case):
            rtxt += f" wall, {cpu_speedup[c.case]:.1f}× CPU"
        bad = [r.rc for r in c.runs if r not in c.good]
        rcs = sorted({r.rc for r in c.good})
        out = c.output + (f"; exit {rcs}" if rcs else "") + (f"; FAILED runs exit {bad}" if bad else "")
        if c.note:
            out += f"; {c.note}"
        lines.append(
            f"| {c.case} | {c.tool} | {fmt(c.median)} | {rng} | {fmt(c.cpu)} | {fmt(c.peak_mb, 1)} | "
            f"{fmt(c.tree_mb, 1)} | {len(c.good)}/{len(c.runs)} | {c.load} | {rtxt} | {out} |"
        )
        if c.inner:  # the parse-only child's self-timed loop, as its own row
            gr_med = med(c.case, "guardrails")
            rtxt = f"guardrails ÷ in-process parse = {fmt(ratio(gr_med, inner(c.case)), 1)}×" if gr_med else ""
            lines.append(
                f"| {c.case} | parse-only (in-process) | {inner(c.case):.3f} | {min(c.inner):.3f}–"
                f"{max(c.inner):.3f} | — | — | — | {len(c.inner)} | {c.load} | {rtxt} | "
                "self-timed read + `yaml.compose` loop, no interpreter start-up |"
            )

    def verdict(ok: bool | None) -> str:
        return "—" if ok is None else ("PASS" if ok else "FAIL")

    def check(label: str, value: float | None, ok: bool, nd: int = 3) -> tuple[str, str, str]:
        return label, fmt(value, nd), verdict(None if value is None else ok)

    gcase = get("corpus", "guardrails")
    gmb = gcase.tree_mb if gcase else None
    speedup, vs_sub, vs_in = ratio(kN, gN), ratio(gN, pN_sub), ratio(gN, pN_in)
    targets = [
        check("single template: guardrails wall ≤ 0.25 s", g1, (g1 or 0) <= 0.25),
        check("corpus: Checkov ÷ guardrails ≥ 20× (wall)", speedup, (speedup or 0) >= 20, 1),
        check(
            "corpus: Checkov ÷ guardrails ≥ 20× (CPU time, less sensitive to load)",
            cpu_speedup["corpus"],
            (cpu_speedup["corpus"] or 0) >= 20,
            1,
        ),
        check("corpus: guardrails peak RSS (tree) < 300 MB", gmb, (gmb or 0) < 300, 1),
        check("corpus: guardrails ÷ parse-only (subprocess) ≤ 3×", vs_sub, (vs_sub or 0) <= 3, 2),
        check("corpus: guardrails ÷ parse-only (in-process) ≤ 3×", vs_in, (vs_in or 0) <= 3, 2),
    ]
    if start:
        targets.append(
            (
                "start-up: no " + "/".join(FORBIDDEN) + " imported",
                ", ".join(start["forbidden"]) or "none",
                verdict(start["rc"] == 0 and not start["forbidden"]),
            )
        )
    lines += ["", "### Targets", "", "| target | measured | verdict |", "| --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in targets]
    if start:
        sc: Case = start["case"]
        lines += [
            "",
            '### Start-up (`python -X importtime -c "import guardrails.cli"`)',
            "",
            f"- Exit code {start['rc']}" + (f" ({start['stderr_tail'][0]})" if start["stderr_tail"] else ""),
            f"- Total import time (sum of self times): {start['total_ms']:.1f} ms over {start['modules']} modules",
            (
                f'- Wall time of `python -c "import guardrails.cli"` (no -X importtime): median '
                f"{fmt(sc.median)} s over {len(sc.good)} runs, peak RSS {fmt(sc.peak_mb, 1)} MB"
            ),
            f"- Forbidden packages imported ({', '.join(FORBIDDEN)}): {', '.join(start['forbidden']) or 'none'}",
            "- Heaviest top-level imports (cumulative ms): "
            + ", ".join(f"{n} {c / 1000:.1f}" for n, c in start["top"]),
        ]
    lines += ["", f"<!-- /suite:{SUITE} -->"]
    return "\n".join(lines) + "\n"


HEADER = """# Benchmark results

Every figure here is written by a script under `bench/` from a measured run;
each suite owns the section between its `<!-- suite:NAME -->` markers and
rewrites only that section. See `bench/README.md`.

"""


def write_section(path: Path, section: str, suite: str = SUITE) -> None:
    """Replace (or append) the ``suite`` section of ``path``, leaving the rest untouched."""
    text = path.read_text() if path.exists() else HEADER
    pat = re.compile(rf"<!-- suite:{re.escape(suite)} -->.*?<!-- /suite:{re.escape(suite)} -->\n?", re.DOTALL)
    found = pat.search(text)
    text = pat.sub(lambda _: section, text, count=1) if found else text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


# ---------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description="guardrails vs Checkov benchmark (writes bench/RESULTS.md)")
    ap.add_argument("--suite", choices=[SUITE], default=SUITE)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per case (default 3)")
    ap.add_argument("--checkov-corpus-repeat", type=int, help="timed Checkov corpus runs (default: --repeat)")
    ap.add_argument("--corpus", type=Path, help="existing corpus directory (default: generate into a temp dir)")
    ap.add_argument("--count", type=int, default=2000, help="templates to generate (default 2000)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--guardrails", default=".venv/bin/guardrails", help="guardrails executable (relative to repo)")
    ap.add_argument("--python", default=".venv/bin/python", help="project interpreter for baselines/start-up")
    ap.add_argument("--peer-venv", type=Path, default=BENCH / ".peer-venv")
    ap.add_argument("--checkov-spec", default=CHECKOV_SPEC)
    ap.add_argument("--skip-checkov", action="store_true")
    ap.add_argument("--skip-guardrails", action="store_true")
    ap.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    ap.add_argument("--dry-run", action="store_true", help="print the section instead of writing it")
    ap.add_argument("--keep", type=Path, help="keep tool outputs in this directory")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    gr = str((ROOT / args.guardrails) if not os.path.isabs(args.guardrails) else Path(args.guardrails))
    py = str((ROOT / args.python) if not os.path.isabs(args.python) else Path(args.python))
    has_gr = not args.skip_guardrails and os.access(gr, os.X_OK)
    if not args.skip_guardrails and not has_gr:
        print(f"warning: {gr} not found; guardrails cases skipped", file=sys.stderr)

    info: dict[str, str] = {
        "Python (project)": version_of([py, "-c", PY_INFO]),
    }
    if has_gr:
        info["guardrails"] = version_of([py, "-c", "import guardrails; print(guardrails.__version__)"])
        # A wheel install compiles bytecode at install time; an editable one on first import, unless the
        # environment sets PYTHONDONTWRITEBYTECODE (this machine does), when every run would compile from source.
        subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "guardrails")], check=True, stdout=subprocess.DEVNULL)
        info["Bytecode"] = "compiled before timing (`python -m compileall guardrails`), as a wheel install does"
    ckv = str(args.peer_venv / "bin" / "checkov")
    if not args.skip_checkov:
        info["Checkov"] = ensure_peer_venv(args.peer_venv, args.checkov_spec)
        info["Python (Checkov venv)"] = version_of([str(args.peer_venv / "bin" / "python"), "--version"])

    tmp = Path(tempfile.mkdtemp(prefix="guardrails-bench-"))
    work = args.keep or tmp / "out"
    work.mkdir(parents=True, exist_ok=True)
    try:
        single = tmp / "single" / "small.yaml"
        single.parent.mkdir()
        text, types = render_template(0, args.seed)
        single.write_text(text)
        if args.corpus:
            corpus = args.corpus.resolve()
            corpus_desc = f"`{args.corpus}` (given)"
        else:
            corpus = tmp / "corpus"
            totals = generate(corpus, args.count, args.seed)
            corpus_desc = (
                f"{args.count} templates, {sum(totals.values())} resources, "
                f"{sum(p.stat().st_size for p in corpus.iterdir()) / 1e6:.1f} MB, seed {args.seed} "
                f"(`bench/gen_templates.py`); single = template #0 ({len(types)} resources)"
            )
        print(f"corpus: {corpus_desc}", flush=True)

        cases: list[Case] = []
        targets = (("single", single), ("corpus", corpus))
        if not args.skip_checkov:  # first, so the guardrails runs below sit close together in time
            ck = [ckv, "--framework", "cloudformation", "--quiet", "--skip-download", "-o", "json"]
            for name, target in targets:
                flag = ["-f", str(target)] if target.is_file() else ["-d", str(target)]
                n = (args.checkov_corpus_repeat or args.repeat) if name == "corpus" else args.repeat
                c = Case(name, "checkov", [ck[0], *flag, *ck[1:]])
                repeat(c, n, work, checkov_env(), warmup=1 if name == "single" else 0)
                c.output = summarise_checkov(c.runs[-1].stdout)
                cases.append(c)
        if has_gr:
            digest = source_digest()
            info["guardrails"] += f" (source digest {digest})"
        for name, target in targets:
            if has_gr:
                out = work / f"{name}-guardrails.json"
                cmd = [gr, "scan", str(target), "--format", "json", "--output", str(out)]
                c = repeat(Case(name, "guardrails", cmd, ok_codes=(0, 1, 2)), args.repeat, work, warmup=1)
                c.output = summarise_guardrails(out)
                if any(r.rc == 2 for r in c.runs):
                    c.note = "exit 2 = completed with errors"
                cases.append(c)
            c = Case(name, "parse-only (subprocess)", [py, "-c", PARSE_ONLY, str(target)], ok_codes=(0,))
            repeat(c, args.repeat, work, warmup=1)
            nfiles = "?"
            for r in c.good:
                inner_s, nfiles, _ = r.stdout.read_text().split()
                c.inner.append(float(inner_s))
            c.output = f"{nfiles} files composed; wall includes interpreter start-up + `import yaml`"
            cases.append(c)
        start = startup(py, args.repeat, work) if has_gr else None
        if has_gr and (end := source_digest()) != digest:
            info["guardrails"] += f" — WARNING: sources changed while guardrails was measured (now {end})"
        order = {"guardrails": 0, "checkov": 1, "parse-only (subprocess)": 2}
        cases.sort(key=lambda c: (c.case != "single", order.get(c.tool, 9)))

        argv = [a if not a.startswith(str(ROOT) + "/") else os.path.relpath(a, ROOT) for a in sys.argv[1:]]
        interp = os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(str(ROOT)) else sys.executable
        command = " ".join(shlex.quote(a) for a in [interp, "bench/run.py", *argv])
        section = render(cases, info, start, corpus_desc, command)
        if args.dry_run:
            print(section)
        else:
            write_section(args.results, section)
            print(f"wrote {args.results}")
            print(section)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # --keep outputs live outside tmp
    return 0


if __name__ == "__main__":
    sys.exit(main())
