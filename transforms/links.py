"""Across sources: which articles report the same story, and which claims state the same thing.

Stories: two articles are one story when their texts nearly repeat each other (MinHash over word
shingles), or when they share most of their salient entities and were published within a few
days of each other. Candidates come from a MinHash LSH index and an inverted index of salient
entities, so the cost grows with the number of articles, not its square. Articles that already
have a story keep it; new articles join the story of the article they link to.

Claim groups: within a story, claims of different articles whose content words overlap enough
(IDF-weighted, so shared rare words count most) share a group.
"""

import math
import re
from collections import Counter, defaultdict
from datetime import timedelta

import polars as pl
from datasketch import MinHash, MinHashLSH

from transforms.ids import stable_id

STORY_SCHEMA = {"article_id": pl.String, "story_id": pl.String}
GROUP_SCHEMA = {"claim_id": pl.String, "claim_group_id": pl.String}

NUM_PERM = 64
TEXT_JACCARD = 0.5          # near-duplicate texts: one story whatever the dates
ENTITY_SIMILARITY = 0.45    # weighted overlap of salient entities for a same-story pair
MIN_SHARED_ENTITIES = 3
STORY_WINDOW = timedelta(days=3)
SALIENT_PER_ARTICLE = 8
CLAIM_SIMILARITY = 0.34

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
STOPWORDS = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been being has have had do does "
    "did that this these those it its they them their he she his her we our you your i not no nor so than then "
    "there here which who whom whose what when where why how all any both each few more most other some such only "
    "own same too very can will would should could may might must shall also into over under again further once "
    "about against between through during before after above below up down out off while because until".split()
)


class _UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _shingles(text: str, n: int = 5) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i: i + n]) for i in range(max(0, len(words) - n + 1))}


def _minhash(text: str) -> MinHash:
    mh = MinHash(num_perm=NUM_PERM, seed=7)
    shingles = _shingles(text)
    if shingles:
        mh.update_batch([s.encode("utf-8") for s in shingles])
    return mh


def _salient_entities(mentions: pl.DataFrame, n_articles: int) -> dict[str, dict[str, float]]:
    """Per article, its most salient entities with TF-IDF weights."""
    counts = mentions.group_by(["article_id", "entity_id"]).len()
    df = counts.group_by("entity_id").len().rename({"len": "df"})
    weighted = counts.join(df, on="entity_id").with_columns(
        (
            (1 + pl.col("len").cast(pl.Float64).log())
            * ((n_articles + 1) / (pl.col("df").cast(pl.Float64) + 0.5)).log()
        ).alias("weight")
    )
    salient: dict[str, dict[str, float]] = defaultdict(dict)
    top = weighted.sort(["article_id", "weight", "entity_id"], descending=[False, True, False]).group_by(
        "article_id", maintain_order=True
    ).head(SALIENT_PER_ARTICLE)
    for row in top.iter_rows(named=True):
        if row["weight"] > 0:
            salient[row["article_id"]][row["entity_id"]] = row["weight"]
    return salient


def _entity_similarity(a: dict[str, float], b: dict[str, float]) -> tuple[float, int]:
    shared = a.keys() & b.keys()
    if not shared:
        return 0.0, 0
    inter = sum(min(a[k], b[k]) for k in shared)
    smaller = min(sum(a.values()), sum(b.values()))
    return inter / smaller if smaller else 0.0, len(shared)


def _within_window(a, b) -> bool:
    if a is None or b is None:
        return True
    return abs(a - b) <= STORY_WINDOW


def linked_stories(articles: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """`story_id` for every article: kept when it has one, else shared with the articles it links to.

    `articles`: article_id, source, published_at, text, story_id. `mentions`: article_id, entity_id.
    """
    if articles.height == 0:
        return pl.DataFrame(schema=STORY_SCHEMA)
    rows = articles.sort("article_id").to_dicts()
    by_id = {r["article_id"]: r for r in rows}
    salient = _salient_entities(mentions, len(rows)) if mentions.height else {}

    lsh = MinHashLSH(threshold=TEXT_JACCARD, num_perm=NUM_PERM)
    hashes = {}
    for r in rows:
        hashes[r["article_id"]] = _minhash(r["text"] or "")
        lsh.insert(r["article_id"], hashes[r["article_id"]])

    postings: dict[str, list[str]] = defaultdict(list)
    for aid, ents in salient.items():
        for eid in ents:
            postings[eid].append(aid)
    # an entity in a large share of all articles says little about any pair (cap keeps it linear)
    cap = max(50, int(0.05 * len(rows)))

    uf = _UnionFind()
    for r in rows:
        aid = r["article_id"]
        uf.find(aid)
        for other in lsh.query(hashes[aid]):
            if other != aid and hashes[aid].jaccard(hashes[other]) >= TEXT_JACCARD:
                uf.union(aid, other)
        candidates = Counter()
        for eid in salient.get(aid, {}):
            if len(postings[eid]) <= cap:
                candidates.update(o for o in postings[eid] if o > aid)
        for other, shared in candidates.items():
            if shared < MIN_SHARED_ENTITIES:
                continue
            o = by_id[other]
            if not _within_window(r["published_at"], o["published_at"]):
                continue
            score, _ = _entity_similarity(salient[aid], salient[other])
            if score >= ENTITY_SIMILARITY:
                uf.union(aid, other)

    clusters: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        clusters[uf.find(r["article_id"])].append(r["article_id"])
    out = []
    for members in clusters.values():
        existing = sorted({by_id[m]["story_id"] for m in members if by_id[m]["story_id"]})
        story = existing[0] if existing else stable_id("story", min(members))
        out.extend({"article_id": m, "story_id": by_id[m]["story_id"] or story} for m in members)
    return pl.DataFrame(out, schema=STORY_SCHEMA).sort("article_id")


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _content_words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall((text or "").lower()) if w not in STOPWORDS and len(w) > 2}


def linked_claims(claims: pl.DataFrame, stories: pl.DataFrame) -> pl.DataFrame:
    """`claim_group_id` for every claim: claims of different articles in one story that state the
    same thing share one; a claim with no such partner is a group of its own. Existing group ids
    are kept."""
    if claims.height == 0:
        return pl.DataFrame(schema=GROUP_SCHEMA)
    rows = claims.join(stories, on="article_id", how="left").sort("claim_id").to_dicts()
    words = {r["claim_id"]: _content_words(r["text"]) for r in rows}
    df = Counter(w for ws in words.values() for w in ws)
    n = len(rows)
    idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}

    by_story: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_story[r["story_id"] or r["article_id"]].append(r)

    uf = _UnionFind()
    for members in by_story.values():
        articles = sorted({m["article_id"] for m in members})
        if len(articles) < 2:
            continue
        for a in members:
            best: dict[str, tuple[float, str]] = {}
            wa = words[a["claim_id"]]
            for b in members:
                if b["article_id"] == a["article_id"]:
                    continue
                wb = words[b["claim_id"]]
                shared = wa & wb
                if not shared:
                    continue
                score = sum(idf[w] for w in shared) / min(sum(idf[w] for w in wa), sum(idf[w] for w in wb))
                if score >= CLAIM_SIMILARITY and score > best.get(b["article_id"], (0.0, ""))[0]:
                    best[b["article_id"]] = (score, b["claim_id"])
            for _, other in best.values():
                uf.union(a["claim_id"], other)

    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[uf.find(r["claim_id"])].append(r)
    out = []
    for members in groups.values():
        existing = sorted({m["claim_group_id"] for m in members if m["claim_group_id"]})
        group = existing[0] if existing else stable_id("claim_group", min(m["claim_id"] for m in members))
        out.extend({"claim_id": m["claim_id"], "claim_group_id": m["claim_group_id"] or group} for m in members)
    return pl.DataFrame(out, schema=GROUP_SCHEMA).sort("claim_id")
