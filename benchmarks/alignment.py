"""Sentence alignment benchmark: spin.align against gold links, cross-lingual and monolingual.

Run: ``.venv/bin/python benchmarks/alignment.py [--dictionary-dirs DIR ...] [--split dev|test]
[--only bleualign pseudo monolingual speed family]``. Prints every figure; a test-split run
writes them to ``benchmarks/results/alignment.json``.

1. Bleualign DE–FR (Text+Berg yearbooks; ``../shared/data/bleualign-defr``): strict and lax
   precision/recall/F1 computed as Vecalign's ``score.py`` does (re-implemented here), on the
   7 test documents; ``dev`` was the only document used to choose settings.
2. Pseudo-documents from WMT21 newstest2021 en→de (``../shared/data/wmt-mqm-ende``): windows of
   20–40 consecutive segments (news stories in order), the English source against a human
   German translation, edited with known truth: sentences deleted, inserted (from a distant
   window), split, merged and moved. Measured: link F1 (exact links with both sides), F1 of the
   unaligned sentences (deleted/inserted) found, F1 of the moved links flagged, and the
   Vecalign-style strict/lax F1. The same on DEMETR's French items against English.
3. Monolingual paraphrase documents, edited the same way: German ref-C against ref-A and ref-D
   (independent human translations), and English DEMETR ``eng_sent`` against ``mt_sent``.
4. Speed: 30×30-sentence English–German pairs, CPU time per pair after warm-up, one thread.
5. Family pruning: how many of a 50-version family's pairs :func:`spin.align.candidate_pairs`
   keeps for a full alignment.

Windows are split into dev (windows starting in the first fifth of the file) and test (the
rest); settings were tuned on dev windows and Bleualign dev only. Dictionaries (``dictionary``
rows) are read from ``--dictionary-dirs`` or the ``[align] dictionary_dirs`` setting.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one core, as the speed target says
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spin.align import (  # noqa: E402
    BilingualDictionary,
    align_sentences,
    article_signature,
    candidate_pairs,
    load_dictionary,
)
from spin.settings import default_settings  # noqa: E402

DATA = Path(os.environ.get("SPIN_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / "results" / "alignment.json"
SEED = 20240611

Link = tuple[tuple[int, ...], tuple[int, ...]]


# ---------------------------------------------------------------------------------------------
# Scoring


def vecalign_scores(gold_documents: list[list[Link]], test_documents: list[list[Link]]) -> dict[str, float]:
    """Strict and lax precision/recall/F1 as in Vecalign's score.py (Sennrich & Volk 2011).

    Precision counts every predicted link (an unaligned sentence is a link with an empty side)
    against the gold links; recall counts the gold links with both sides non-empty against the
    predicted links with both sides non-empty. A lax hit shares a sentence on both sides.
    """
    precision_counts = [0, 0, 0, 0]
    recall_counts = [0, 0, 0, 0]
    for gold, test in zip(gold_documents, test_documents):
        precision_counts = [x + y for x, y in zip(precision_counts, _hits(gold, test))]
        gold_pairs = [link for link in gold if link[0] and link[1]]
        test_pairs = [link for link in test if link[0] and link[1]]
        recall_counts = [x + y for x, y in zip(recall_counts, _hits(test_pairs, gold_pairs))]

    def ratio(hit: int, miss: int) -> float:
        return hit / (hit + miss) if hit + miss else 0.0

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    p_strict, p_lax = ratio(precision_counts[0], precision_counts[1]), ratio(precision_counts[2], precision_counts[3])
    r_strict, r_lax = ratio(recall_counts[0], recall_counts[1]), ratio(recall_counts[2], recall_counts[3])
    return {
        "precision_strict": p_strict, "recall_strict": r_strict, "f1_strict": f1(p_strict, r_strict),
        "precision_lax": p_lax, "recall_lax": r_lax, "f1_lax": f1(p_lax, r_lax),
    }


def _hits(gold: list[Link], test: list[Link]) -> tuple[int, int, int, int]:
    """(strict hits, strict misses, lax hits, lax misses) of the test links against the gold."""
    gold_set = {link for link in gold if link[0] or link[1]}
    targets_of = defaultdict(set)
    for sources, targets in gold_set:
        for source in sources:
            targets_of[source].update(targets)
    strict_hit = strict_miss = lax_hit = lax_miss = 0
    for link in {link for link in test if link[0] or link[1]}:
        if link in gold_set:
            strict_hit += 1
            lax_hit += 1
            continue
        strict_miss += 1
        reachable = set().union(*(targets_of[source] for source in link[0])) if link[0] else set()
        if reachable & set(link[1]):
            lax_hit += 1
        else:
            lax_miss += 1
    return strict_hit, strict_miss, lax_hit, lax_miss


def link_f1(gold: list[Link], test: list[Link]) -> dict[str, tuple[int, int, int]]:
    """(hits, predicted, gold) counts for exact links with both sides (the pairs) and for the
    sentences reported unaligned; :func:`f1_of` turns summed counts into P/R/F1."""
    gold_pairs = {link for link in gold if link[0] and link[1]}
    test_pairs = {link for link in test if link[0] and link[1]}
    gold_alone = {("a", i) for s, t in gold if not t for i in s} | {("b", j) for s, t in gold if not s for j in t}
    test_alone = {("a", i) for s, t in test if not t for i in s} | {("b", j) for s, t in test if not s for j in t}
    return {
        "pairs": (len(gold_pairs & test_pairs), len(test_pairs), len(gold_pairs)),
        "unaligned": (len(gold_alone & test_alone), len(test_alone), len(gold_alone)),
    }


def f1_of(counts: list[tuple[int, int, int]]) -> dict[str, float]:
    """Precision, recall and F1 of summed (hits, predicted, gold) counts."""
    hit, predicted, gold = (sum(c[k] for c in counts) for k in range(3))
    precision = hit / predicted if predicted else 0.0
    recall = hit / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "gold": gold}


def predicted_links(frame) -> list[Link]:
    return [(tuple(a), tuple(b)) for a, b in zip(frame["a_ids"], frame["b_ids"])]


# ---------------------------------------------------------------------------------------------
# Bleualign DE–FR


def bleualign_documents(split: str) -> list[tuple[list[str], list[str], list[Link]]]:
    folder = DATA / "bleualign-defr"
    names = ["dev"] if split == "dev" else [f"test{n}" for n in range(7)]
    documents = []
    for name in names:
        german = (folder / f"{name}.de").read_text(encoding="utf-8").split("\n")[:-1]
        french = (folder / f"{name}.fr").read_text(encoding="utf-8").split("\n")[:-1]
        gold = []
        for line in (folder / f"{name}.defr").read_text(encoding="utf-8").splitlines():
            left, right = line.split(":")
            gold.append((_ids(left), _ids(right)))
        documents.append((german, french, gold))
    return documents


def _ids(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text))


def run_bleualign(split: str, dictionary: BilingualDictionary | None, settings=None) -> dict:
    gold_documents, test_documents = [], []
    started = time.perf_counter()
    for german, french, gold in bleualign_documents(split):
        frame = align_sentences(german, "de", french, "fr", dictionary=dictionary, settings=settings)
        gold_documents.append(gold)
        test_documents.append(predicted_links(frame))
    scores = {key: round(value, 4) for key, value in vecalign_scores(gold_documents, test_documents).items()}
    scores["dictionary"] = dictionary.name if dictionary is not None else None
    scores["seconds"] = round(time.perf_counter() - started, 2)
    return scores


# ---------------------------------------------------------------------------------------------
# Pseudo-documents with known edits


@dataclass
class EditedPair:
    """A reference document, an edited version of another document, and the gold links."""

    reference: list[str]
    version: list[str]
    gold: list[Link]
    edits: dict[str, int] = field(default_factory=dict)
    moved: list[Link] = field(default_factory=list)


def newstest_segments() -> dict[str, list[str]]:
    """Text per system (``source`` = English; ``ref-A``/``ref-C``/``ref-D`` = German), by seg_id."""
    by_system: dict[str, dict[int, str]] = defaultdict(dict)
    with gzip.open(DATA / "wmt-mqm-ende" / "newstest2021_ende_mqm_segments.tsv.gz", "rt", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            seg_id, system, source, target, *_ = line.rstrip("\n").split("\t")
            by_system["source"][int(seg_id)] = source
            by_system[system][int(seg_id)] = target
    return {system: [texts[k] for k in sorted(texts)] for system, texts in by_system.items()}


def demetr_sentences() -> dict[str, list[str]]:
    """DEMETR's eng_sent / mt_sent / src_sent per item (German items, then French), one per id."""
    items = {}
    with gzip.open(DATA / "demetr-de-fr" / "demetr_de_fr.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            items.setdefault(item["id"], item)
    ordered = [items[k] for k in sorted(items)]
    return {key: [item[key] for item in ordered] for key in ("eng_sent", "mt_sent", "src_sent", "lang_tag")}


def windows(total: int, rng: random.Random, low: int = 20, high: int = 40) -> list[tuple[int, int]]:
    """Consecutive, non-overlapping [start, end) windows of 20–40 segments covering the file."""
    spans, start = [], 0
    while start + low <= total:
        size = rng.randint(low, high)
        end = min(start + size, total)
        spans.append((start, end))
        start = end
    return spans


def edit_pair(reference: list[str], version: list[str], filler: list[str], rng: random.Random) -> EditedPair:
    """Apply deletions, insertions, splits, merges and one block move to ``version`` (parallel to
    ``reference`` line by line) and return the pair with its gold links."""
    n = len(reference)
    # Each unit: (reference ids, version sentences); start from the 1-1 parallel pairs.
    units: list[tuple[tuple[int, ...], list[str]]] = [((i,), [version[i]]) for i in range(n)]
    edits = defaultdict(int)
    for _ in range(max(1, n // 12)):
        k = rng.randrange(len(units))
        if len(units[k][1]) == 1 and len(units[k][0]) == 1:
            units[k] = (units[k][0], [])
            edits["delete"] += 1
    for _ in range(max(1, n // 12)):
        k = rng.randrange(len(units))
        if len(units[k][1]) == 1 and len(units[k][0]) == 1:
            parts = split_sentence(units[k][1][0])
            if parts:
                units[k] = (units[k][0], parts)
                edits["split"] += 1
    for _ in range(max(1, n // 12)):
        k = rng.randrange(len(units) - 1)
        first, second = units[k], units[k + 1]
        if len(first[1]) == 1 and len(second[1]) == 1 and len(first[0]) == 1 and len(second[0]) == 1:
            merged = first[1][0].rstrip(" .") + "; " + second[1][0]
            units[k : k + 2] = [(first[0] + second[0], [merged])]
            edits["merge"] += 1
    for _ in range(max(1, n // 12)):
        k = rng.randrange(len(units) + 1)
        units.insert(k, ((), [rng.choice(filler)]))
        edits["insert"] += 1
    # Move one block of 1–3 units at least five positions away.
    size = rng.randint(1, 3)
    start = rng.randrange(0, max(1, len(units) - size))
    block = units[start : start + size]
    rest = units[:start] + units[start + size :]
    targets = [t for t in range(len(rest) + 1) if abs(t - start) >= 5]
    moved_units: list[int] = []
    if targets and all(unit[1] for unit in block):
        target = rng.choice(targets)
        units = rest[:target] + block + rest[target:]
        moved_units = [id(unit) for unit in block]
        edits["move"] += len(block)
    sentences, gold, moved, counter = [], [], [], 0
    for unit in units:
        reference_ids, parts = unit
        ids = tuple(range(counter, counter + len(parts)))
        counter += len(parts)
        sentences.extend(parts)
        gold.append((reference_ids, ids))
        if id(unit) in moved_units and reference_ids:
            moved.append((reference_ids, ids))
    gold = [(s, t) for s, t in gold if s or t]
    return EditedPair(list(reference), sentences, gold, dict(edits), moved)


_SPLIT_POINT = re.compile(
    r",\s+(?=(?:and|but|while|which|who|und|aber|während|die|der|das|weil|da|denn|et|mais|qui|que)\b)"
)


def split_sentence(sentence: str) -> list[str] | None:
    """Split at a clause boundary near the middle (a comma before a conjunction/relative, or any comma)."""
    middle = len(sentence) / 2
    candidates = [m.start() for m in _SPLIT_POINT.finditer(sentence)] or [
        m.start() for m in re.finditer(r",\s+", sentence)
    ]
    candidates = [c for c in candidates if 0.25 * len(sentence) < c < 0.75 * len(sentence)]
    if not candidates:
        return None
    cut = min(candidates, key=lambda c: abs(c - middle))
    first = sentence[:cut].rstrip() + "."
    rest = sentence[cut + 1 :].strip()
    return [first, rest[:1].upper() + rest[1:]]


def build_pairs(
    reference_texts: list[str], version_texts: list[str], split: str, rng_seed: int
) -> list[EditedPair]:
    rng = random.Random(rng_seed)
    spans = windows(len(reference_texts), rng)
    boundary = len(reference_texts) // 5
    chosen = [span for span in spans if (span[0] < boundary) == (split == "dev")]
    pairs = []
    for start, end in chosen:
        margin = min(200, len(version_texts) // 4)
        far = [k for k in range(len(version_texts)) if k < start - margin or k >= end + margin]
        filler = [version_texts[k] for k in far]
        pairs.append(edit_pair(reference_texts[start:end], version_texts[start:end], filler, rng))
    return pairs


def run_pairs(pairs: list[EditedPair], a_language: str, b_language: str, dictionary=None, settings=None) -> dict:
    counts_pairs, counts_alone, counts_moved, gold_docs, test_docs = [], [], [], [], []
    for pair in pairs:
        frame = align_sentences(pair.reference, a_language, pair.version, b_language, dictionary, settings)
        predicted = predicted_links(frame)
        scores = link_f1(pair.gold, predicted)
        counts_pairs.append(scores["pairs"])
        counts_alone.append(scores["unaligned"])
        flagged = {link for link, evidence in zip(predicted, frame["evidence"]) if evidence.get("moved")}
        counts_moved.append((len(flagged & set(pair.moved)), len(flagged), len(pair.moved)))
        gold_docs.append(pair.gold)
        test_docs.append(predicted)
    edits = defaultdict(int)
    for pair in pairs:
        for kind, count in pair.edits.items():
            edits[kind] += count
    vec = vecalign_scores(gold_docs, test_docs)
    return {
        "documents": len(pairs),
        "sentences": sum(len(p.reference) for p in pairs),
        "edits": dict(edits),
        "link_f1": f1_of(counts_pairs),
        "unaligned_f1": f1_of(counts_alone),
        "moved_f1": f1_of(counts_moved),
        "strict_f1": round(vec["f1_strict"], 4),
        "lax_f1": round(vec["f1_lax"], 4),
    }


# ---------------------------------------------------------------------------------------------
# Speed


def time_pairs(newstest: dict[str, list[str]], warmup: int = 5) -> dict:
    """CPU and wall time of align_sentences on 30×30-sentence English–German pairs: consecutive
    30-segment slices of newstest2021 (source against an edited ref-A), after ``warmup`` pairs
    that load the lazy resources (lemmatiser, word frequencies, lexicon)."""
    rng = random.Random(SEED + 3)
    source, german = newstest["source"], newstest["ref-A"]
    pairs = []
    for start in range(0, len(source) - 30, 30):
        edited = edit_pair(source[start : start + 30], german[start : start + 30], german[:start] or german[-100:], rng)
        pairs.append((source[start : start + 30], edited.version[:30]))
    for a, b in pairs[:warmup]:
        align_sentences(a, "en", b, "de")
    wall, cpu = [], []
    for a, b in pairs[warmup:]:
        started, started_cpu = time.perf_counter(), time.process_time()
        align_sentences(a, "en", b, "de")
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "pairs_timed": len(wall),
        "median_cpu_ms": round(statistics.median(cpu), 1),
        "p90_cpu_ms": round(sorted(cpu)[int(0.9 * (len(cpu) - 1))], 1),
        "median_wall_ms": round(statistics.median(wall), 1),
        "load_average_1min": round(os.getloadavg()[0], 1),
    }


# ---------------------------------------------------------------------------------------------


def run_family_pruning(newstest: dict[str, list[str]], versions: int = 50) -> dict:
    """A family of ``versions`` edited copies of one story (English source and the three German
    translations, each edited differently): how many pairs candidate_pairs keeps for a full
    alignment, against all pairs, and what that costs."""
    rng = random.Random(SEED + 4)
    start = len(newstest["source"]) // 2
    window = slice(start, start + 30)
    filler = newstest["source"][:200]
    family = {}
    for number in range(versions):
        system, language = [("source", "en"), ("ref-A", "de"), ("ref-C", "de"), ("ref-D", "de")][number % 4]
        texts = newstest[system][window]
        family[f"v{number:02d}"] = (language, edit_pair(texts, texts, filler, rng).version)
    started = time.perf_counter()
    signatures = {name: article_signature(texts, language) for name, (language, texts) in family.items()}
    pairs = candidate_pairs(signatures)
    pruning_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for a, b in zip(pairs["a"], pairs["b"]):
        align_sentences(family[a][1], family[a][0], family[b][1], family[b][0])
    align_seconds = time.perf_counter() - started
    return {
        "versions": versions,
        "all_pairs": versions * (versions - 1) // 2,
        "candidate_pairs": len(pairs),
        "pruning_seconds": round(pruning_seconds, 2),
        "aligning_candidates_seconds": round(align_seconds, 2),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dictionary-dirs", nargs="*", default=None,
                        help="directories holding FreeDict dictd files and ding's de-en "
                             "(default: the [align] dictionary_dirs setting)")
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--only", nargs="*", default=None, help="any of: bleualign pseudo monolingual speed family")
    args = parser.parse_args(argv)
    only = set(args.only or ["bleualign", "pseudo", "monolingual", "speed", "family"])
    results: dict = {"split": args.split}
    newstest = newstest_segments()
    de_fr = load_dictionary("de", "fr", args.dictionary_dirs)
    en_de = load_dictionary("en", "de", args.dictionary_dirs)
    results["dictionaries"] = {"de-fr": de_fr.name if de_fr else None, "en-de": en_de.name if en_de else None}
    if "speed" in only:  # first, so that no sentence of the timed pairs has been seen before
        results["speed_30x30_en_de"] = time_pairs(newstest)
    without_lexicon = {section: dict(values) for section, values in default_settings().items()}
    without_lexicon["align"]["core_lexicon"] = False
    if "bleualign" in only:
        results["bleualign_defr"] = {
            "no_dictionary": run_bleualign(args.split, None),
            "no_dictionary_no_core_lexicon": run_bleualign(args.split, None, without_lexicon),
        }
        if de_fr is not None:
            results["bleualign_defr"]["dictionary"] = run_bleualign(args.split, de_fr)
    if "pseudo" in only:
        pairs = build_pairs(newstest["source"], newstest["ref-A"], args.split, SEED)
        results["pseudo_en_de"] = {
            "no_dictionary": run_pairs(pairs, "en", "de"),
            "no_dictionary_no_core_lexicon": run_pairs(pairs, "en", "de", settings=without_lexicon),
        }
        if en_de is not None:
            results["pseudo_en_de"]["dictionary"] = run_pairs(pairs, "en", "de", en_de)
        demetr = demetr_sentences()
        french = [k for k, tag in enumerate(demetr["lang_tag"]) if tag == "french"]
        pairs = build_pairs([demetr["src_sent"][k] for k in french], [demetr["eng_sent"][k] for k in french],
                            args.split, SEED + 5)
        results["pseudo_fr_en_demetr"] = {"no_dictionary": run_pairs(pairs, "fr", "en")}
    if "monolingual" in only:
        mono = {}
        for other in ("ref-A", "ref-D"):
            pairs = build_pairs(newstest["ref-C"], newstest[other], args.split, SEED + 1)
            mono[f"de ref-C vs {other}"] = run_pairs(pairs, "de", "de")
        demetr = demetr_sentences()
        pairs = build_pairs(demetr["eng_sent"], demetr["mt_sent"], args.split, SEED + 2)
        mono["en DEMETR eng_sent vs mt_sent"] = run_pairs(pairs, "en", "en")
        results["monolingual"] = mono
    if "family" in only:
        results["family_pruning"] = run_family_pruning(newstest)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return results


if __name__ == "__main__":
    outcome = main()
    if outcome.get("split") == "test":
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(outcome, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
