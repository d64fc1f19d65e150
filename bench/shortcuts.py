"""Each shortcut through another library's internals against its stock path, in one sitting.

    python bench/shortcuts.py [--pages 200] [--rounds 2]

Prints JSON lines, one per shortcut and path (the median of the rounds), with the CPU model:
- forked-workers (with worker-replacement), date-parser-warm-up, jemalloc-purge: `wirehouse run`
  over N scaled pages into a new warehouse, process runner, with `WIREHOUSE_STOCK_PATHS` naming
  the shortcut or not: wall seconds, peak memory of the process tree (PSS) and of the flow's own
  process (RSS, where DuckDB's memory lives).
Two shortcuts measured and removed are in docs/decisions/removed-shortcuts.md.
Reads ../shared (the page generator).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import SHARED, WIREHOUSE, _tree_rss, cpu_model, prefect_env  # noqa: E402

RUN_SHORTCUTS = ("forked-workers,worker-replacement", "date-parser-warm-up", "jemalloc-purge")


def sampled_run(cmd: list[str], env: dict) -> dict:
    import psutil

    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        watched, tree, own = psutil.Process(child.pid), 0, 0
        while child.poll() is None:
            try:
                tree, own = max(tree, _tree_rss(watched)), max(own, watched.memory_info().rss)
            except psutil.Error:
                pass
            time.sleep(0.2)
        if child.returncode:
            err.seek(0)
            raise RuntimeError(err.read().decode(errors="replace")[-1500:])
    return {"seconds": time.perf_counter() - started, "tree_mib": tree / 2**20, "flow_mib": own / 2**20}


def median_of(rows: list[dict]) -> dict:
    return {k: round(statistics.median(r[k] for r in rows), 2) for k in rows[0]}


def bench_runs(pages: Path, work: Path, rounds: int) -> None:
    env = prefect_env(work)
    configs = {"all shortcuts": ""} | {f"stock {name}": name for name in RUN_SHORTCUTS}
    results = {label: [] for label in configs}
    sampled_run([WIREHOUSE, "run", str(pages), "--db", str(work / "warm.duckdb")], env)  # warm caches
    for round_ in range(rounds):
        for label, stock in configs.items():  # interleaved: the host's drift falls on all alike
            db = work / f"r{round_}-{len(results[label])}-{abs(hash(label))}.duckdb"
            run_env = {**env, "WIREHOUSE_STOCK_PATHS": stock, "WIREHOUSE_RUNNER": "process"}
            results[label].append(sampled_run([WIREHOUSE, "run", str(pages), "--db", str(db)], run_env))
    for label, rows in results.items():
        print(
            json.dumps(
                {
                    "bench": "shortcut-run",
                    "config": label,
                    "pages": len(list(pages.iterdir())),
                    **median_of(rows),
                }
            ),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps({"bench": "cpu", "model": cpu_model()}), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pages = work / "pages"
        subprocess.run(
            [sys.executable, str(SHARED / "corpus/make_scaled.py"), str(args.pages), str(pages)],
            check=True,
            capture_output=True,
        )
        bench_runs(pages, work, args.rounds)


if __name__ == "__main__":
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    main()
