"""Extraction quality and speed on the article-extraction benchmark (../shared), by its own metric.

    python bench/extraction.py [--favor precision|recall|none]

Prints F1, precision, recall, exact-match accuracy and pages/s for all pages and for the two
halves of a fixed split (pages sorted by id, alternating): thresholds may be tuned on the
"tune" half only; the "check" half says whether a change generalises.
"""

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transforms.decode import decode_html  # noqa: E402
from transforms.extract import extract_page  # noqa: E402

BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "article-extraction-benchmark"
TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text, n=4):
    toks = TOKEN.findall(text or "")
    return Counter(tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i : i + n])


def page_scores(truth: str, pred: str):
    t, p = shingles(truth), shingles(pred)
    keys = t.keys() | p.keys()
    tp = sum(min(t[k], p[k]) for k in keys)
    fp = sum(max(0, p[k] - t[k]) for k in keys)
    fn = sum(max(0, t[k] - p[k]) for k in keys)
    s = tp + fp + fn
    tp, fp, fn = (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)
    prec = 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))
    rec = 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))
    exact = float(TOKEN.findall(truth) == TOKEN.findall(pred))
    return prec, rec, exact


def summarise(rows):
    p = statistics.mean(r[0] for r in rows)
    r = statistics.mean(r[1] for r in rows)
    return {
        "pages": len(rows),
        "f1": round(2 * p * r / (p + r), 4),
        "precision": round(p, 4),
        "recall": round(r, 4),
        "accuracy": round(statistics.mean(x[2] for x in rows), 4),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=str(BENCH))
    args = ap.parse_args()
    bench = Path(args.bench)
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)
    pages = {i: gzip.decompress((bench / "html" / f"{i}.html.gz").read_bytes()) for i in ids}
    now = datetime.now(UTC)
    results, fields = {}, Counter()
    import trafilatura

    for i in ids[:20]:  # both extractors warmed up before either is timed: imports, regexes, caches
        extract_page(decode_html(pages[i])[0], i, now=now)
        trafilatura.extract(decode_html(pages[i])[0])
    start = time.perf_counter()
    for i in ids:
        html, _ = decode_html(pages[i])
        page = extract_page(html, i, now=now)
        results[i] = page_scores(truth[i]["articleBody"], page.get("text") or "")
        for field in ("title", "author", "published_at", "language", "url"):
            fields[field] += bool(page.get(field))
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    for i in ids:  # the yardstick for speed: plain trafilatura.extract on the same decoded pages
        trafilatura.extract(decode_html(pages[i])[0])
    plain_seconds = time.perf_counter() - start
    out = {
        "all": summarise(list(results.values())),
        "tune": summarise([results[i] for i in ids[0::2]]),
        "check": summarise([results[i] for i in ids[1::2]]),
        "pages_per_second": round(len(ids) / seconds, 1),
        "plain_trafilatura_pages_per_second": round(len(ids) / plain_seconds, 1),
        "speed_share_of_plain_trafilatura": round(plain_seconds / seconds, 2),
        "metadata_present": {k: round(v / len(ids), 3) for k, v in fields.items()},
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
