"""Each shortcut through another library's internals against its stock path, in one sitting.

    python bench/shortcuts.py [--pages 200] [--rounds 2]

Prints JSON lines, one per shortcut and path (the median of the rounds), with the CPU model:
- forked-workers (with worker-replacement), date-parser-warm-up, jemalloc-purge: `wirehouse run`
  over N scaled pages into a new warehouse, process runner, with `WIREHOUSE_STOCK_PATHS` naming
  the shortcut or not: wall seconds, peak memory of the process tree (PSS) and of the flow's own
  process (RSS, where DuckDB's memory lives);
- private-api-server: seconds from start to a healthy Prefect API, a run's own;
- metadata-search: seconds to extract the 181 benchmark pages in this process, and whether the
  fields are the same.
Reads ../shared (the page generator and the benchmark pages).
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


API_START = r"""
import sys, time, tempfile, socket
from pathlib import Path
from flows.runtime.prefect_api import start_private_api, stop, wait_until_healthy
with socket.socket() as s:
    s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
start = time.perf_counter()
server = start_private_api(port, Path(tempfile.mkdtemp()) / "api.log")
wait_until_healthy(f"http://127.0.0.1:{port}/api", server)
print(time.perf_counter() - start)
stop(server)
"""


def bench_api(work: Path, rounds: int) -> None:
    env = prefect_env(work)
    for label, stock in (("shortcut", ""), ("stock", "private-api-server")):
        seconds = []
        for _ in range(rounds + 1):
            out = subprocess.run(
                [sys.executable, "-c", API_START],
                env={**env, "WIREHOUSE_STOCK_PATHS": stock},
                capture_output=True,
                text=True,
                check=True,
            )
            seconds.append(float(out.stdout.strip()))
        print(
            json.dumps(
                {
                    "bench": "private-api-server",
                    "config": label,
                    "seconds_to_healthy": round(statistics.median(seconds), 2),
                }
            ),
            flush=True,
        )


def bench_metadata(rounds: int) -> None:
    from transforms.extract import extract_page

    html = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted((SHARED / "corpus/article-extraction-benchmark/html").glob("*.html"))
    ]
    outputs, seconds = {}, {}
    for replay in (True, False) * rounds:
        started = time.process_time()
        pages = [extract_page(h, "x", replay_metadata=replay) for h in html]
        seconds.setdefault(replay, []).append(time.process_time() - started)
        outputs[replay] = pages
    same = sum(a == b for a, b in zip(outputs[True], outputs[False], strict=True))
    for replay in (True, False):
        print(
            json.dumps(
                {
                    "bench": "metadata-search",
                    "config": "shortcut" if replay else "stock",
                    "pages": len(html),
                    "cpu_seconds": round(statistics.median(seconds[replay]), 2),
                    "pages_with_the_same_fields": same,
                }
            ),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", choices=("runs", "api", "metadata"))
    args = parser.parse_args()
    print(json.dumps({"bench": "cpu", "model": cpu_model()}), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.only in (None, "metadata"):
            bench_metadata(args.rounds)
        if args.only in (None, "api"):
            bench_api(work, args.rounds)
        if args.only in (None, "runs"):
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
