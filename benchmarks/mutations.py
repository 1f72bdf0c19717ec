"""Mutation detection: per-kind recall and precision, and false flags on real paraphrases.

Run: ``.venv/bin/python benchmarks/mutations.py [--limit N]``. Writes
``benchmarks/results/mutations.json``. Data: ``../shared/data`` (DEMETR de/fr, WMT21 en-de,
CheckThat! objective sentences), perturbed by ``mutation_generator.py`` (committed before the
detector was written and not tuned to it).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mutation_generator as gen  # noqa: E402

from spin.mutations import compare_texts  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "mutations.json"
# generator perturbation -> (kind the detector must report, statuses that count)
EXPECTED = {
    "number": ("number", {"altered", "dropped", "added"}),
    "date": ("date", {"altered", "dropped", "added"}),
    "entity_swap": ("entity", {"altered", "dropped", "added"}),
    "entity_removed": ("entity", {"dropped", "altered"}),
    "negation": ("negation", {"altered"}),
    "hedge_added": ("certainty", {"altered"}),
    "hedge_removed": ("certainty", {"altered"}),
    "speaker": ("attribution", {"altered", "dropped", "added"}),
    "quote": ("quote", {"altered"}),
}
# DEMETR perturbation -> kinds that count as found (its "numbers" include years and days of dates)
DEMETR_EXPECTED = {
    "critical_id10_numbers_replaced": {"number", "date"},
    "critical_id9_ne_replaced": {"entity"},
    "critical_id25_ne_removed": {"entity"},
    "critical_id7_antonym": None,  # no antonym lexicon: any newly reported change counts
}
FLAG_KINDS = {"numbers_dates": {"number", "date"}, "entities_speakers": {"entity", "attribution"}}


def flagged_kinds(table) -> set[tuple[str, str]]:
    """(kind, status) of every reported change (anything but kept)."""
    changed = table[table["status"] != "kept"]
    return set(zip(changed["kind"], changed["status"]))


def flagged_details(table) -> set[tuple[str, str]]:
    """(kind, detail) of every reported change, to tell a new change from one already there."""
    changed = table[table["status"] != "kept"]
    return set(zip(changed["kind"], changed["detail"]))


def sentence_cases(limit: int, rng: random.Random) -> dict:
    """Generator perturbations, monolingual (English vs English) and cross-lingual (de/fr source vs English)."""
    english = gen.news_sentences()
    parallel = gen.demetr_parallel()
    results = {}
    for mode in ("monolingual", "cross_lingual"):
        per_kind = defaultdict(lambda: {"cases": 0, "found": 0})
        flags_by_kind = defaultdict(int)
        true_by_kind = defaultdict(int)
        for name, perturb in sorted(gen.SENTENCE_PERTURBATIONS.items()):
            kind, statuses = EXPECTED[name]
            pool = english if mode == "monolingual" else parallel
            count = 0
            for item in pool:
                if count >= limit:
                    break
                sentence = item if mode == "monolingual" else item["eng"]
                mutation = perturb(sentence, rng)
                if mutation is None or mutation.changed == sentence:
                    continue
                count += 1
                if mode == "monolingual":
                    table = compare_texts(sentence, "en", mutation.changed, "en")
                else:
                    table = compare_texts(item["src"], item["language"], mutation.changed, "en")
                found = flagged_kinds(table)
                hit = any(k == kind and s in statuses for k, s in found)
                per_kind[name]["cases"] += 1
                per_kind[name]["found"] += int(hit)
                for reported_kind in {k for k, _ in found}:
                    flags_by_kind[reported_kind] += 1
                    true_by_kind[reported_kind] += int(reported_kind == kind)
        results[mode] = {
            "recall": {name: round(v["found"] / v["cases"], 3) for name, v in per_kind.items() if v["cases"]},
            "cases": {name: v["cases"] for name, v in per_kind.items()},
            "precision": {k: round(true_by_kind[k] / flags_by_kind[k], 3) for k in sorted(flags_by_kind)},
        }
    return results


def demetr_cases() -> dict:
    """DEMETR's own perturbations: English reference vs perturbed (mono) and source vs perturbed (cross)."""
    results = {}
    for perturbation, kind in DEMETR_EXPECTED.items():
        items = gen.demetr_items(perturbation)
        found = {"monolingual": 0, "cross_lingual": 0}
        for item in items:
            language = "de" if item["lang_tag"] == "german" else "fr"
            for mode, (reference, reference_language) in {
                "monolingual": (item["eng_sent"], "en"),
                "cross_lingual": (item["src_sent"], language),
            }.items():
                clean = flagged_details(compare_texts(reference, reference_language, item["mt_sent"], "en"))
                perturbed = flagged_details(compare_texts(reference, reference_language, item["pert_sent"], "en"))
                new = perturbed - clean
                hit = bool(new) if kind is None else any(k in kind for k, _ in new)
                found[mode] += int(hit)
        results[perturbation] = {mode: round(count / len(items), 3) for mode, count in found.items()} | {"items": len(items)}
    return results


def false_flags() -> dict:
    """Share of real paraphrase pairs where a number/date or an entity/speaker change is reported."""
    pairs = {"demetr_eng_vs_mt": [], "demetr_src_vs_mt": [], "wmt21_human_refs_de": []}
    for row in gen.demetr_parallel():
        pairs["demetr_eng_vs_mt"].append((row["eng"], "en", row["mt"], "en"))
        pairs["demetr_src_vs_mt"].append((row["src"], row["language"], row["mt"], "en"))
    references = defaultdict(dict)
    for row in gen.wmt21_segments():
        if row["system"] in ("ref-A", "ref-C", "ref-D") and row["mqm_avg_score"]:
            references[row["seg_id"]][row["system"]] = row["target"]
    for seg_id in sorted(references, key=int)[:400]:
        versions = references[seg_id]
        for a, b in combinations(sorted(versions), 2):
            pairs["wmt21_human_refs_de"].append((versions[a], "de", versions[b], "de"))
    results = {}
    for name, items in pairs.items():
        counts = defaultdict(int)
        for reference, rl, version, vl in items:
            kinds = {k for k, _ in flagged_kinds(compare_texts(reference, rl, version, vl))}
            for label, group in FLAG_KINDS.items():
                counts[label] += int(bool(kinds & group))
        results[name] = {label: round(counts[label] / len(items), 3) for label in FLAG_KINDS} | {"pairs": len(items)}
    return results


def document_cases(n_documents: int, rng: random.Random) -> dict:
    """Dropped and added sentences in 20–30-sentence WMT21 documents: F1 of each."""
    sources = gen.wmt21_sources()
    tp = defaultdict(int)
    fp = defaultdict(int)
    fn = defaultdict(int)
    for d in range(n_documents):
        start = rng.randrange(0, len(sources) - 60)
        size = rng.randint(20, 30)
        sentences = sources[start:start + size]
        fillers = [s for s in sources[start + size + 5:start + size + 40] if len(s.split()) > 6]
        case = gen.perturb_document(sentences, fillers, rng, n_drop=2, n_add=2, n_move=1, n_changes=0)
        reference_text, version_text = "\n\n".join(case.reference), "\n\n".join(case.version)
        table = compare_texts(reference_text, "en", version_text, "en")
        dropped = {_sentence_index(case.reference, int(s)) for s in table.query("kind == 'claim' and status == 'dropped'")["source_start"]}
        added = {_sentence_index(case.version, int(s)) for s in table.query("kind == 'claim' and status == 'added'")["start"]}
        for label, predicted, truth in (("dropped", dropped, set(case.dropped)), ("added", added, set(case.added))):
            tp[label] += len(predicted & truth)
            fp[label] += len(predicted - truth)
            fn[label] += len(truth - predicted)
    return {label: {"f1": round(2 * tp[label] / max(2 * tp[label] + fp[label] + fn[label], 1), 3),
                    "precision": round(tp[label] / max(tp[label] + fp[label], 1), 3),
                    "recall": round(tp[label] / max(tp[label] + fn[label], 1), 3)} for label in ("dropped", "added")} | {
        "documents": n_documents}


def _sentence_index(sentences, offset: int) -> int:
    """Which of the paragraphs joined with blank lines holds this offset."""
    position = 0
    for index, sentence in enumerate(sentences):
        position += len(sentence) + 2
        if offset < position:
            return index
    return len(sentences) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=150, help="cases per perturbation and mode")
    parser.add_argument("--documents", type=int, default=40)
    arguments = parser.parse_args()
    rng = random.Random(20250321)
    started = time.perf_counter()
    results = {
        "generator": sentence_cases(arguments.limit, rng),
        "demetr": demetr_cases(),
        "false_flags": false_flags(),
        "documents": document_cases(arguments.documents, rng),
    }
    results["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
