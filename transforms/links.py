"""Across sources: which articles report the same story, which reprint another's, which are
digests, and which claims state the same thing.

Stories: two articles are one story when their texts nearly repeat each other (MinHash over word
shingles), or when two outlets, within a few days of each other, use alike words (TF-IDF cosine),
or share most of their salient entities or two headline words and some wording. Candidates come
from a MinHash LSH index and inverted indexes of salient entities, terms and headline words, so
the cost grows with the number of articles, not its square. A digest (a round-up) is a story of
its own. Articles that already have a story keep it; new articles join the story of the article
they link to. Of near-duplicate texts from several outlets the earliest is the original.

Claim groups: within a story, two articles' claims pair one to one, best first, when their
content words overlap enough (IDF-weighted, so shared rare words count most); a group holds one
claim per article unless a statement is split across two.
"""

import hashlib
import math
import re
from collections import Counter, defaultdict
from datetime import timedelta
from fractions import Fraction
from functools import cache, lru_cache

import numpy as np
import polars as pl
import snowballstemmer

from transforms.entities import identity_key
from transforms.gazetteer import country_name, is_city
from transforms.ids import stable_id
from transforms.mood import mood_of_text
from transforms.names import person_words, same_person

MERGE_SCHEMA = {"from_entity_id": pl.String, "to_entity_id": pl.String}
STORY_SCHEMA = {
    "article_id": pl.String,
    "story_id": pl.String,
    "is_digest": pl.Boolean,
    "reprint_of": pl.String,
}
GROUP_SCHEMA = {"claim_id": pl.String, "claim_group_id": pl.String}

NUM_PERM = 64
MIN_SHINGLES = 10
TEXT_JACCARD = 0.5  # near-duplicate texts: one story whatever the dates
STORY_COSINE = 0.30  # TF-IDF cosine of two outlets' texts on one story
ENTITY_SIMILARITY = 0.55  # weighted overlap of salient entities, with ...
MIN_SHARED_ENTITIES = 4  # ... this many shared, and ...
STORY_COSINE_WITH_ENTITIES = 0.20  # ... some shared wording, for a same-story pair
HEADLINE_TERMS = 2  # headline words two articles share, with ...
STORY_COSINE_WITH_HEADLINE = 0.25  # ... this much shared wording, for a same-story pair
DIGEST_PARTNER_COSINE = 0.10  # two stories this unlike, joined by one article: it is a round-up
REPRINT_CONTAINMENT = 0.8  # a text holding this share of another's shingles is a copy of it,
MIN_REPRINT_SHINGLES = 40  # when the shorter has this many: a few lines repeat by chance
SALIENT_TERMS = 10
POSTINGS_CAP = 50
STORY_WINDOW = timedelta(days=3)
SALIENT_PER_ARTICLE = 8
CLAIM_SIMILARITY = 0.45  # two claims this alike (_claim_similarity) state one thing; ...
CONTINUED_CONTAINMENT = (
    0.6  # ... the next claim of one, by its speaker, this much held in the other continues it
)
CONTINUED_SIMILARITY = 0.6  # ... or this alike to the partner (_claim_similarity) continues it
SHARED_WORDING_BONUS = 0.25  # four words in the same order, two of them content words
SAME_SPEAKER_BONUS = 0.1
MOOD_PENALTY = 0.4  # what must be done against what is (`claim.mood`): most of a pair's bar
GROUP_SAMPLE = 4  # members of a group compared when it joins another (`_alike_as_groups`)
TOPIC_CLAIMS_PER_ARTICLE = 2  # a word in more claims of a story than this per article is its topic
MAX_CLAIM_PARTNERS = 8

_WORD = re.compile(r"\w+", re.UNICODE)
STOPWORDS = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been being has have had do does "
    "did that this these those it its they them their he she his her we our you your i not no nor so than then "
    "there here which who whom whose what when where why how all any both each few more most other some such only "
    "own same too very can will would should could may might must shall also into over under again further once "
    "about against between through during before after above below up down out off while because until "
    # what \w+ leaves of a contracted negation ("don't" -> "don", "t"): a "not", no content word
    "don doesn didn isn aren wasn weren won wouldn couldn shouldn hasn haven hadn ain".split()
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
    return {" ".join(words[i : i + n]) for i in range(max(0, len(words) - n + 1))}


MINHASH_SEED = 7


# MinHash and its LSH index as datasketch 2.0 makes them (MinHash with scheme "affine32",
# MinHashLSH), here in a few lines of numpy: importing datasketch imports scipy, seconds of the
# link step's process each run, for the one integral that sets the index's bands (lsh_bands).
# tests/test_links.py checks signatures, bands and candidates against datasketch's own.


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """NUM_PERM affine permutations h -> a * h + b (mod 2^32), `a` odd so each is a bijection,
    drawn from MINHASH_SEED once, in datasketch's order."""
    draw = np.random.RandomState(MINHASH_SEED)
    a = draw.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = draw.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _minhash(shingles: set[str]) -> np.ndarray:
    """The MinHash signature of a set of shingles: each shingle's SHA-1 (its first four bytes,
    little-endian), mixed by MurmurHash3's 32-bit finaliser, through every permutation; the
    least value per permutation. uint32 arithmetic wraps, as the permutations mean it to."""
    hashed = np.array(
        [int.from_bytes(hashlib.sha1(s.encode("utf-8")).digest()[:4], "little") for s in shingles],
        dtype=np.uint32,
    ).reshape(-1, 1)
    hashed ^= hashed >> np.uint32(16)
    hashed *= np.uint32(0x85EBCA6B)
    hashed ^= hashed >> np.uint32(13)
    hashed *= np.uint32(0xC2B2AE35)
    hashed ^= hashed >> np.uint32(16)
    a, b = _permutations()
    return (hashed * a + b).min(axis=0)


def _jaccard(one: np.ndarray, other: np.ndarray) -> float:
    """The Jaccard similarity two signatures estimate: the share of permutations they agree on."""
    return float(np.count_nonzero(one == other)) / float(len(one))


@cache
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) of an LSH index over `num_perm`-value signatures: two sets are
    candidates when their signatures agree on all the rows of one band. The pair that makes the
    two errors least in sum, each the integral over the Jaccard similarity s of a pair: sharing a
    band while s < threshold, 1 - (1 - s^r)^b, and sharing none while s >= threshold,
    (1 - s^r)^b. Integrated exactly, term by term of the binomial expansion (datasketch
    integrates the same numerically)."""
    t = Fraction(threshold)
    best, chosen = None, (0, 0)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            # (1 - s^r)^b = sum over k of C(b, k) (-1)^k s^(rk): each term's integral from 0 to 1 is
            # C(b, k) (-1)^k / (rk + 1), and from 0 to t that times t^(rk + 1)
            terms = [Fraction((-1) ** k * math.comb(bands, k), rows * k + 1) for k in range(bands + 1)]
            whole = sum(terms)
            below = sum(term * t ** (rows * k + 1) for k, term in enumerate(terms))
            false_positive = t - below
            false_negative = whole - below
            error = false_positive + false_negative
            if best is None or error < best:
                best, chosen = error, (bands, rows)
    return chosen


def _band_keys(signature: np.ndarray) -> list[tuple[int, bytes]]:
    """The LSH keys of a signature, one per band: the band's number and its values."""
    bands, rows = lsh_bands(TEXT_JACCARD, NUM_PERM)
    return [(band, signature[band * rows : (band + 1) * rows].tobytes()) for band in range(bands)]


def _lsh_buckets(band_keys: dict[str, list[tuple[int, bytes]]]) -> dict[tuple[int, bytes], list[str]]:
    """The LSH index: for each band key, the items whose signatures have it."""
    buckets: dict[tuple[int, bytes], list[str]] = defaultdict(list)
    for item, keys in band_keys.items():
        for key in keys:
            buckets[key].append(item)
    return buckets


def _lsh_candidates(buckets: dict, keys: list[tuple[int, bytes]]) -> set[str]:
    """The items that share at least one band key with `keys`."""
    found: set[str] = set()
    for key in keys:
        found.update(buckets.get(key, ()))
    return found


def _salient_entities(mentions: pl.DataFrame, n_articles: int) -> dict[str, dict[str, float]]:
    """Per article, its most salient entities with TF-IDF weights."""
    counts = mentions.group_by(["article_id", "entity_id"]).len()
    df = counts.group_by("entity_id").len().rename({"len": "df"})
    weighted = counts.join(df, on="entity_id").with_columns(
        (
            (1 + pl.col("len").cast(pl.Float64).log())
            * (1 + n_articles / pl.col("df").cast(pl.Float64)).log()
        ).alias("weight")
    )
    salient: dict[str, dict[str, float]] = defaultdict(dict)
    top = (
        weighted.sort(["article_id", "weight", "entity_id"], descending=[False, True, False])
        .group_by("article_id", maintain_order=True)
        .head(SALIENT_PER_ARTICLE)
    )
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


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_TERM = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def _text_vectors(rows: list[dict]) -> dict[str, dict[str, float]]:
    """Unit TF-IDF vectors of the articles' words. Document frequency is counted over sentences,
    not articles, so that a handful of articles already tells a rare word from a common one."""
    sentence_freq: Counter = Counter()
    sentences = 0
    counts = {}
    for r in rows:
        text = (r["text"] or "").lower()
        # a term never spans the whitespace a text is split at, so the text's terms are its
        # sentences' terms: each is found once
        tf: Counter = Counter()
        for part in _SENTENCE.split(text):
            if not part.strip():
                continue
            sentences += 1
            terms = [w for w in _TERM.findall(part) if w not in STOPWORDS]
            sentence_freq.update(set(terms))
            tf.update(terms)
        counts[r["article_id"]] = tf
    idf = {w: math.log(1 + sentences / n) for w, n in sentence_freq.items()}
    vectors = {}
    for aid, tf in counts.items():
        weights = {w: (1 + math.log(n)) * idf[w] for w, n in tf.items()}
        norm = math.sqrt(sum(x * x for x in weights.values())) or 1.0
        vectors[aid] = {w: x / norm for w, x in weights.items()}
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def _headline_terms(title: str | None) -> frozenset[str]:
    """A headline's content words, stemmed: two outlets' headlines of one story share some even
    when the bodies are worded apart ("hibernating astronauts")."""
    return frozenset(_stem(w) for w in _TERM.findall((title or "").lower()) if w not in STOPWORDS)


_DATED_EDITION = re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\s*$")


def is_round_up_title(title: str | None, phrases: tuple[str, ...]) -> bool:
    """A headline that names a digest rather than a story: a round-up phrase (`phrases`, from
    the lexicon digest_titles), or an edition dated in its title ("Opening Bell 11.18.19")."""
    lowered = (title or "").lower()
    if _DATED_EDITION.search(lowered):
        return True
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", lowered) for p in phrases)


def _near_duplicates(rows: list[dict], apart: set[str]) -> list[tuple[str, str]]:
    """Pairs of texts that nearly repeat each other: MinHash Jaccard at TEXT_JACCARD, or one
    holding REPRINT_CONTAINMENT of the other's shingles (a wire story cut short), among the LSH
    index's candidates. Enough pairs to connect every set of copies, not every pair of it (a wire
    story in a hundred outlets costs a hundred checks, not five thousand); none between an article
    of `apart` (the digests) and one outside it: a digest holding a copy of a story is not in it."""
    hashes, sizes = {}, {}
    for r in rows:
        shingles = _shingles(r["text"] or "")
        if len(shingles) < MIN_SHINGLES:
            continue  # too short to call anything a near-duplicate of it
        hashes[r["article_id"]] = _minhash(shingles)
        sizes[r["article_id"]] = len(shingles)
    band_keys = {aid: _band_keys(signature) for aid, signature in hashes.items()}
    buckets = _lsh_buckets(band_keys)
    copies = _UnionFind()
    pairs = []
    for aid in sorted(hashes):
        for other in sorted(_lsh_candidates(buckets, band_keys[aid])):
            if other <= aid or (aid in apart) != (other in apart) or copies.find(aid) == copies.find(other):
                continue
            jaccard = _jaccard(hashes[aid], hashes[other])
            # |A ∩ B| from the Jaccard estimate and the two sizes, over the smaller set
            shared = jaccard * (sizes[aid] + sizes[other]) / (1 + jaccard)
            containment = shared / min(sizes[aid], sizes[other])
            long_enough = min(sizes[aid], sizes[other]) >= MIN_REPRINT_SHINGLES
            if jaccard >= TEXT_JACCARD or (long_enough and containment >= REPRINT_CONTAINMENT):
                copies.union(aid, other)
                pairs.append((aid, other))
    return pairs


def _story_candidates(rows, salient, vectors, headlines) -> dict[str, set[str]]:
    """Per article, the later-sorting articles sharing a salient entity, a top term or a headline
    word with it; a key shared by more than POSTINGS_CAP articles says little about any pair, and
    the constant cap keeps the cost linear."""
    top_terms = {
        aid: [term for term, _ in sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:SALIENT_TERMS]]
        for aid, vector in vectors.items()
    }
    keys_of = {
        r["article_id"]: [f"e:{e}" for e in salient.get(r["article_id"], {})]
        + [f"t:{t}" for t in top_terms[r["article_id"]]]
        + [f"h:{h}" for h in headlines[r["article_id"]]]
        for r in rows
    }
    postings: dict[str, list[str]] = defaultdict(list)
    for aid, keys in keys_of.items():
        for key in keys:
            postings[key].append(aid)
    return {
        aid: {o for k in keys if len(postings[k]) <= POSTINGS_CAP for o in postings[k] if o > aid}
        for aid, keys in keys_of.items()
    }


def _same_story(cosine: float, entities: tuple[float, int], shared_headline: int) -> bool:
    """Two outlets' articles within the window report one story: alike words; or most of their
    salient entities and some wording; or two headline words and a little more wording."""
    entity_score, shared = entities
    return (
        cosine >= STORY_COSINE
        or (
            entity_score >= ENTITY_SIMILARITY
            and shared >= MIN_SHARED_ENTITIES
            and cosine >= STORY_COSINE_WITH_ENTITIES
        )
        or (shared_headline >= HEADLINE_TERMS and cosine >= STORY_COSINE_WITH_HEADLINE)
    )


def _story_pairs(rows, by_id, salient, vectors, headlines) -> list[tuple[str, str]]:
    pairs = []
    for aid, candidates in _story_candidates(rows, salient, vectors, headlines).items():
        r = by_id[aid]
        for other in sorted(candidates):
            o = by_id[other]
            if (r["source"] or aid) == (o["source"] or other) or not _within_window(
                r["published_at"], o["published_at"]
            ):
                continue
            cosine = _cosine(vectors[aid], vectors[other])
            entities = _entity_similarity(salient.get(aid, {}), salient.get(other, {}))
            if _same_story(cosine, entities, len(headlines[aid] & headlines[other])):
                pairs.append((aid, other))
    return pairs


def _hubs(pairs: list[tuple[str, str]], vectors) -> set[str]:
    """Articles that would join stories sharing nothing else: two of an article's partners whose
    own texts are unlike (cosine under DIGEST_PARTNER_COSINE) and are not linked themselves make
    it a round-up, which belongs to neither."""
    partners: dict[str, set[str]] = defaultdict(set)
    linked = {frozenset(p) for p in pairs}
    for a, b in pairs:
        partners[a].add(b)
        partners[b].add(a)
    unlike: dict[frozenset, bool] = {}  # two partners are often partners of several articles

    def apart(x: str, y: str) -> bool:
        pair = frozenset((x, y))
        if pair in linked:
            return False
        if pair not in unlike:
            unlike[pair] = _cosine(vectors[x], vectors[y]) < DIGEST_PARTNER_COSINE
        return unlike[pair]

    hubs = set()
    for aid, others in partners.items():
        ordered = sorted(others)
        if any(apart(x, y) for i, x in enumerate(ordered) for y in ordered[i + 1 :]):
            hubs.add(aid)
    return hubs


def _reprints(near: list[tuple[str, str]], by_id: dict) -> dict[str, str]:
    """Article -> the article it reprints: among texts that nearly repeat each other, from other
    outlets, the earliest published is the original (undated ones come after dated ones; then
    the article id decides), and every later copy from another outlet reprints it."""
    uf = _UnionFind()
    for a, b in near:
        uf.union(a, b)
    copies: dict[str, set[str]] = defaultdict(set)
    for x in {x for pair in near for x in pair}:
        copies[uf.find(x)].add(x)

    def first(aid: str):
        published = by_id[aid]["published_at"]
        return (published is None, published.timestamp() if published else 0.0, aid)

    out = {}
    for members in copies.values():
        original = min(members, key=first)
        outlet = by_id[original]["source"] or original
        for m in members:
            if m != original and (by_id[m]["source"] or m) != outlet:
                out[m] = original
    return out


def linked_stories(
    articles: pl.DataFrame, mentions: pl.DataFrame, round_up_phrases: tuple[str, ...] = ()
) -> pl.DataFrame:
    """`story_id` for every article: kept when it has one, else shared with the articles it links
    to; whether it is a round-up (`is_digest`); and the article it reprints (`reprint_of`).

    Two articles are one story when their texts nearly repeat each other (MinHash), or when they
    come from different outlets within STORY_WINDOW and their words are alike, or they share most
    of their salient entities or two headline words, and some wording (`_same_story`). A digest
    (a round-up headline, or an article whose links would join stories that share nothing else)
    is a story of its own. Candidates come from an LSH index and inverted indexes of salient
    entities, terms and headline words, capped per key, so cost grows with the number of
    articles, not its square.

    `articles`: article_id, source, published_at, text, story_id, and title when known.
    `mentions`: article_id, entity_id.
    """
    if articles.height == 0:
        return pl.DataFrame(schema=STORY_SCHEMA)
    rows = articles.sort("article_id").to_dicts()
    by_id = {r["article_id"]: r for r in rows}
    salient = _salient_entities(mentions, len(rows)) if mentions.height else {}
    vectors = _text_vectors(rows)
    headlines = {r["article_id"]: _headline_terms(r.get("title")) for r in rows}

    pairs = _story_pairs(rows, by_id, salient, vectors, headlines)
    digests = {r["article_id"] for r in rows if is_round_up_title(r.get("title"), round_up_phrases)}
    digests |= _hubs(pairs, vectors)
    near = _near_duplicates(rows, digests)  # a digest reprinted is still one digest

    uf = _UnionFind()
    for r in rows:
        uf.find(r["article_id"])
    for a, b in near:
        uf.union(a, b)
    for a, b in pairs:
        if a not in digests and b not in digests:
            uf.union(a, b)
    reprints = _reprints(near, by_id)

    clusters: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        clusters[uf.find(r["article_id"])].append(r["article_id"])
    out = []
    for members in clusters.values():
        existing = sorted({by_id[m]["story_id"] for m in members if by_id[m]["story_id"]})
        story = existing[0] if existing else stable_id("story", min(members))
        out.extend(
            {
                "article_id": m,
                "story_id": by_id[m]["story_id"] or story,
                "is_digest": m in digests,
                "reprint_of": reprints.get(m),
            }
            for m in members
        )
    return pl.DataFrame(out, schema=STORY_SCHEMA).sort("article_id")


_PORTER2 = snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """A word's Porter2 stem, so that the forms of one word meet: "believed" and "believe",
    "prices" and "price", "families" and "family", "violations" and "violated" (a statement
    reported as indirect speech shifts its verbs' tense)."""
    return _PORTER2.stemWord(word)


def _content_words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall((text or "").lower()) if w not in STOPWORDS and len(w) > 2}


def _phrases(text: str) -> set[tuple[str, ...]]:
    """Four-word runs of lower-case words with two content words or more: wording that two outlets
    share only when they quote or paraphrase the same statement ("intent rather than capability").
    Runs with capitalised words are left out, since names repeat across unrelated statements."""
    tokens = re.findall(r"[\w’']+", text or "")
    out = set()
    for i in range(len(tokens) - 3):
        run = tokens[i : i + 4]
        if any(t[:1].isupper() for t in run):
            continue
        lowered = tuple(_stem(t.lower()) for t in run)
        if sum(t not in STOPWORDS for t in lowered) >= 2:
            out.add(lowered)
    return out


def _speaker_words(speaker: str | None) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[^\W\d_]+", (speaker or "").lower()) if len(w) > 1)


def _same_speaker(a: dict, b: dict) -> bool:
    """One speaker, written fully or in part: "Ada Vale" and "Vale", "Foreign Office" and "the
    country's Foreign Office spokesperson". Reads a claim's `speaker_words` when it has them."""
    one = a["speaker_words"] if "speaker_words" in a else _speaker_words(a.get("speaker"))
    other = b["speaker_words"] if "speaker_words" in b else _speaker_words(b.get("speaker"))
    return bool(one and other) and (one <= other or other <= one)


def _claim_similarity(
    a: dict, b: dict, words: dict, phrases: dict, weights: dict, topic: frozenset[str] = frozenset()
) -> float:
    """How surely two claims state the same thing: their content words' overlap, weighted by
    rarity, over the geometric mean of their weights (a trimmed quote keeps most of it, two
    statements sharing a name or two do not); shared wording (four words in order, two of them
    content words other than the story's `topic`), a shared figure ("$449,000") and one speaker
    add to it; claims of different moods (`claim.mood`: an instruction against a report of fact) lose
    MOOD_PENALTY. `weights`: each word's weight in the story (`_topic_discounted`); `a` and `b`
    are claim rows as `linked_claims` prepares them (with `speaker_words`, `figures`, `mood` and
    their `weight` in the story)."""
    wa, wb = words[a["claim_id"]], words[b["claim_id"]]
    shared = wa & wb
    if not shared:
        return 0.0
    score = sum(weights[w] for w in shared) / math.sqrt(a["weight"] * b["weight"])
    wording = any(
        sum(t not in STOPWORDS and t not in topic for t in run) >= 2
        for run in phrases[a["claim_id"]] & phrases[b["claim_id"]]
    )
    if wording or a["figures"] & b["figures"]:
        score += SHARED_WORDING_BONUS
    if _same_speaker(a, b):
        score += SAME_SPEAKER_BONUS
    if a["mood"] != b["mood"]:
        score -= MOOD_PENALTY
    return score


# a figure precise enough to be one statement's ("$449,000", "2.53"): three digits or more, not a year
_FIGURE = re.compile(r"\d[\d,.]*\d")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _figures(text: str | None) -> set[str]:
    found = (f.rstrip(".,") for f in _FIGURE.findall(text or ""))
    return {f for f in found if sum(c.isdigit() for c in f) >= 3 and not _YEAR.fullmatch(f)}


def _one_to_one(scores: dict[tuple[str, str], float], threshold: float) -> list[tuple[str, str]]:
    """Pairs of two articles' claims, best first, each claim in at most one: a statement is
    reported once in an article, so its best match there is its only one."""
    used: set[str] = set()
    matches = []
    for (a, b), score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if score < threshold:
            break
        if a not in used and b not in used:
            used.update((a, b))
            matches.append((a, b))
    return matches


class _ClaimGroups(_UnionFind):
    """Union-find over claims that keeps, per group, the articles it holds: two groups that both
    hold a claim of one article stay apart (two claims of an article are two statements), unless
    the union is a statement continued in the next sentence."""

    def __init__(self, article_of: dict[str, str]):
        super().__init__()
        self.article_of = article_of
        self.articles: dict[str, set[str]] = {}
        self.members_of: dict[str, list[str]] = {}

    def members(self, claim: str) -> list[str]:
        root = self.find(claim)
        return self.members_of.get(root, [root])

    def _held(self, root: str) -> set[str]:
        return self.articles.setdefault(root, {self.article_of[root]})

    def join(self, a: str, b: str, continued: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        held_a, held_b = self._held(ra), self._held(rb)
        if held_a & held_b and not continued:
            return False
        # the group's first members stand for it: a bounded sample keeps each join's check cheap
        members = (self.members(ra) + self.members(rb))[:GROUP_SAMPLE]
        self.union(a, b)
        self.articles[self.find(a)] = held_a | held_b
        self.members_of[self.find(a)] = members
        return True


_DEMONSTRATIVE = re.compile(r"^\W*(\w+)\s+(?:that|this|it|these|those)\b", re.IGNORECASE)
# "This is a ploy …", "That was not a mistake": a demonstrative subject with a predicate that
# judges what it points at, the statement just made
_DEMONSTRATIVE_JUDGED = re.compile(
    r"^\W*(?:this|that)(?:\s+is|\s+was|[’']s|\s+would be|\s+will be|\s+has been)"
    r"\s+(?:not\s+|nothing\s+|just\s+|simply\s+|merely\s+|clearly\s+)*(?:a|an|the|no|nothing|but)\b",
    re.IGNORECASE,
)


def takes_up_the_claim_before(text: str | None, redescription_verbs: frozenset[str]) -> bool:
    """A claim that opens by naming what was just said ("called that a ploy", "described it as a
    setback") or by judging it ("This is a ploy to …"): it continues the claim before it."""
    opening = _DEMONSTRATIVE.match(text or "")
    return (bool(opening) and opening.group(1).lower() in redescription_verbs) or bool(
        _DEMONSTRATIVE_JUDGED.match(text or "")
    )


def linked_claims(
    claims: pl.DataFrame, stories: pl.DataFrame, redescription_verbs: frozenset[str] = frozenset()
) -> pl.DataFrame:
    """`claim_group_id` for every claim: claims of different articles in one story that state the
    same thing share one; a claim with no such partner is a group of its own. Existing group ids
    are kept.

    Between two articles of a story, claims are paired one to one, best first, while their
    similarity clears CLAIM_SIMILARITY (`_claim_similarity`); a group holds at most one claim of
    an article, except a statement its speaker continues in the next claim of that article, when
    the partner holds that claim too (CONTINUED_CONTAINMENT of its content, or CONTINUED_SIMILARITY
    to it: one outlet quotes in one passage what another splits in two), or when that claim opens
    by naming the one before it ("called that a ploy") or judges it ("This is a ploy":
    `takes_up_the_claim_before`). Continued statements join once an article pair's matches are
    made, so the groups of a statement's two halves join whole.

    `claims`: claim_id, article_id, text, claim_group_id, and speaker, start_char and mood (as the
    analyse step parsed it; read from the text when missing) when known.
    """
    if claims.height == 0:
        return pl.DataFrame(schema=GROUP_SCHEMA)
    rows = (
        claims.join(stories.select("article_id", "story_id"), on="article_id", how="left")
        .sort("claim_id")
        .to_dicts()
    )
    words = {r["claim_id"]: _content_words(r["text"]) for r in rows}
    phrases = {r["claim_id"]: _phrases(r["text"]) for r in rows}
    for r in rows:
        r["speaker_words"] = _speaker_words(r.get("speaker"))
        r["figures"] = _figures(r["text"])
        r["mood"] = r.get("mood") or mood_of_text(r["text"])  # claims loaded before moods were parsed
    # what a claim's score depends on: copies of one wire story repeat it, and are scored once
    wording: dict[tuple, int] = {}
    for r in rows:
        r["wording"] = wording.setdefault((r["text"], r["speaker_words"], r["mood"]), len(wording))
    df = Counter(w for ws in words.values() for w in ws)
    n = len(rows)
    idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}

    by_story: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        by_story[r["story_id"] or r["article_id"]][r["article_id"]].append(r)

    by_id = {r["claim_id"]: r for r in rows}
    groups = _ClaimGroups({r["claim_id"]: r["article_id"] for r in rows})
    for articles in by_story.values():
        if all(c["claim_group_id"] for claims in articles.values() for c in claims):
            continue  # every claim here keeps the group it has: nothing to decide
        for claims in articles.values():  # in the order the article gives them
            claims.sort(key=lambda c: (c.get("start_char") or 0, c["claim_id"]))
        ids = sorted(articles)
        weights, topic = _topic_discounted(articles, words, idf)
        for claims in articles.values():
            for c in claims:  # a claim is in one story: its weight there is read once
                c["weight"] = sum(weights[w] for w in words[c["claim_id"]])
        known: dict[tuple[int, int], float] = {}

        def similarity(a: str, b: str, weights=weights, topic=topic, known=known) -> float:
            # a group's check (`_alike_as_groups`) asks again for pairs already scored, and the
            # copies of a wire story ask for the same wordings again
            one, other = by_id[a]["wording"], by_id[b]["wording"]
            key = (one, other) if one < other else (other, one)
            if key not in known:
                known[key] = _claim_similarity(by_id[a], by_id[b], words, phrases, weights, topic)
            return known[key]

        # each article is compared with a bounded number of the story's others (groups still join
        # across all of them through shared partners), so a story of many articles costs linear time
        pairs = [(x, y) for i, x in enumerate(ids) for y in ids[i + 1 : i + 1 + MAX_CLAIM_PARTNERS]]
        for x, y in pairs:
            scores = {
                (a["claim_id"], b["claim_id"]): similarity(a["claim_id"], b["claim_id"])
                for a in articles[x]
                for b in articles[y]
            }
            joined = [
                (a, b)
                for a, b in _one_to_one(scores, CLAIM_SIMILARITY)
                if _alike_as_groups(groups.members(a), groups.members(b), similarity, groups.article_of)
                and groups.join(a, b)
            ]
            # a statement continued in the next claim joins once the article pair's matches are
            # made, so the groups of its two halves join whole
            for a, b in joined:
                for claim, partner in ((a, b), (b, a)):
                    side = articles[by_id[claim]["article_id"]]
                    before, after = _neighbours(side, claim)
                    for neighbour in (before, after):
                        if (
                            neighbour
                            and _same_speaker(by_id[neighbour], by_id[claim])
                            and (
                                _contained(words[neighbour], words[partner], idf) >= CONTINUED_CONTAINMENT
                                # the partner states it too, as surely as it states the claim itself
                                or similarity(neighbour, partner) >= CONTINUED_SIMILARITY
                            )
                        ):
                            groups.join(claim, neighbour, continued=True)
                    if (
                        before
                        and _same_speaker(by_id[before], by_id[claim])
                        and takes_up_the_claim_before(by_id[claim]["text"], redescription_verbs)
                    ):
                        groups.join(claim, before, continued=True)

    members_of: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        members_of[groups.find(r["claim_id"])].append(r)
    out = []
    for members in members_of.values():
        existing = sorted({m["claim_group_id"] for m in members if m["claim_group_id"]})
        group = existing[0] if existing else stable_id("claim_group", min(m["claim_id"] for m in members))
        out.extend(
            {"claim_id": m["claim_id"], "claim_group_id": m["claim_group_id"] or group} for m in members
        )
    return pl.DataFrame(out, schema=GROUP_SCHEMA).sort("claim_id")


def _topic_discounted(
    articles: dict[str, list[dict]], words: dict, idf: dict
) -> tuple[dict[str, float], frozenset[str]]:
    """The words' weights within one story, and its topic words: a word more than two claims per
    article hold is what the story is about ("deal" in a story on trade talks), no sign that two
    claims state one thing, and weighs that much less."""
    held = Counter(w for claims in articles.values() for c in claims for w in words[c["claim_id"]])
    most = TOPIC_CLAIMS_PER_ARTICLE * len(articles)
    weights = {w: idf[w] * min(1.0, most / k) for w, k in held.items()}
    return weights, frozenset(w for w, k in held.items() if k > most)


def _alike_as_groups(one: list[str], other: list[str], similarity, article_of: dict[str, str]) -> bool:
    """Two groups of claims are one statement when their claims of different articles are, on
    average, as alike as two claims of one statement must be: a claim like one member of a group
    but not the others ("feather duvet" beside "feather pillows") joins no group through it.
    `one` and `other` are the groups' first GROUP_SAMPLE members."""
    if len(one) == 1 and len(other) == 1:
        return True  # the pair's own score decided it
    scores = [similarity(a, b) for a in one for b in other if article_of[a] != article_of[b]]
    return not scores or sum(scores) / len(scores) >= CLAIM_SIMILARITY


def _contained(part: set[str], whole: set[str], idf: dict) -> float:
    """The share of a claim's content (its words, weighted by rarity) another claim holds."""
    weight = sum(idf[w] for w in part)
    return sum(idf[w] for w in part & whole) / weight if weight else 0.0


def _neighbours(claims: list[dict], claim_id: str) -> tuple[str | None, str | None]:
    """The claims just before and after one, in its article's order (None at either end)."""
    ids = [c["claim_id"] for c in claims]
    i = ids.index(claim_id)
    return (ids[i - 1] if i > 0 else None, ids[i + 1] if i + 1 < len(ids) else None)


def entity_merges(entities: pl.DataFrame, neighbours: pl.DataFrame | None = None) -> pl.DataFrame:
    """Entities to fold into another across articles: an entity whose whole name is, elsewhere in
    the warehouse, a short form of exactly one other entity of the same kind ("Path" in one
    article, "Shining Path" with the alias "Path" in another; "Ortega" -> "Rafael Ortega";
    "Tim Morrison" -> the "Timothy Morrison" another article also wrote so; names compared by
    `identity_key`).
    Countries and cities are never folded (their names are already canonical), and a short form
    that names two entities (two people called Smith) folds nothing.

    A person written with a clipped first name in one article ("Tim Okafor") and in full in
    another ("Timothy Okafor") folds into the full name when `neighbours` (entity_id,
    neighbour_id: the entities named beside each candidate of `clipped_name_pairs`) shows the
    two named beside at least MIN_SHARED_NEIGHBOURS same entities.

    `entities`: entity_id, name, type, aliases.
    """
    targets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in entities.iter_rows(named=True):
        for alias in row["aliases"] or []:
            targets[identity_key(alias, row["type"])].add(row["entity_id"])
    merges = []
    for row in entities.sort("entity_id").iter_rows(named=True):
        if country_name(row["name"]) or is_city(row["name"]):
            continue
        found = targets.get(identity_key(row["name"], row["type"]), set()) - {row["entity_id"]}
        if len(found) == 1:
            merges.append({"from_entity_id": row["entity_id"], "to_entity_id": found.pop()})
    taken = {m["from_entity_id"] for m in merges}
    if neighbours is not None:
        merges += [
            {"from_entity_id": short, "to_entity_id": full}
            for short, full in _evidenced(clipped_name_pairs(entities), neighbours)
            if short not in taken
        ]
    # never chain: a target that is itself folded keeps its own rows
    folded = {m["from_entity_id"] for m in merges}
    merges = [m for m in merges if m["to_entity_id"] not in folded]
    return pl.DataFrame(merges, schema=MERGE_SCHEMA)


MIN_SHARED_NEIGHBOURS = 2  # one shared name (a city, a country) is common to unrelated people


def clipped_name_pairs(entities: pl.DataFrame) -> list[tuple[str, str]]:
    """(short, full) entity ids of people whose names differ by a clipped or initial first name
    ("Tim Okafor", "Timothy J. Okafor"), when the short name can stand for exactly one full
    name of the warehouse."""
    people = defaultdict(list)
    for row in entities.filter(pl.col("type") == "PERSON").iter_rows(named=True):
        words = person_words(row["name"])
        if len(words) >= 2:
            people[words[-1]].append((row["entity_id"], row["name"]))
    pairs = []
    for namesakes in people.values():
        for short_id, short in namesakes:
            found = {
                full_id
                for full_id, full in namesakes
                if full_id != short_id
                and len(person_words(full)[0]) > len(person_words(short)[0])
                and same_person(short, full)
            }
            if len(found) == 1:
                pairs.append((short_id, found.pop()))
    return sorted(pairs)


def _evidenced(pairs: list[tuple[str, str]], neighbours: pl.DataFrame) -> list[tuple[str, str]]:
    beside = defaultdict(set)
    for entity_id, neighbour_id in neighbours.iter_rows():
        beside[entity_id].add(neighbour_id)
    return [
        (short, full)
        for short, full in pairs
        if len((beside[short] & beside[full]) - {short, full}) >= MIN_SHARED_NEIGHBOURS
    ]
