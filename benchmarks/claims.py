"""Claims benchmark: cross-lingual number/date and name anchors on DEMETR, and extraction speed.

Run: ``.venv/bin/python benchmarks/claims.py [--split dev|test|all] [--show N]``.
Prints every figure and writes them to ``benchmarks/results/claims.json``.

Data: ``../shared/data/demetr-de-fr`` (MIT; Karpinska et al. 2022): 100 German and 100 French
source sentences, each with a corrected English machine translation (``mt_sent``, the clean
version every perturbation starts from) and a human translation (``eng_sent``).

1. Correct pairs: source vs ``mt_sent`` (and vs ``eng_sent``). A pair *matches* when
   :func:`spin.claims.anchor_differences` finds no number/date anchor (resp. no entity anchor)
   on either side without a counterpart on the other. Reported over all pairs and over the pairs
   where either side has an anchor of that kind.
2. Perturbations: source vs ``pert_sent`` for ``critical_id10_numbers_replaced`` (numbers) and
   ``critical_id9_ne_replaced`` / ``critical_id25_ne_removed`` (names): the share of pairs where a
   mismatch is found. Only items with ``pert_check`` true.
3. Extra development check (en↔de, news): WMT21 newstest2021 segments whose machine translation
   experts found error-free (MQM score 0; ``../shared/data/wmt-mqm-ende``, first 400): the share
   of English source / German translation pairs whose anchors match. Used while writing the
   German rules, so it is a development figure, not a held-out one.
4. Speed: ``extract_claims`` on pseudo-articles of 20 DEMETR sentences (sources and English
   sides), one process, after warm-up; and ``anchors`` per sentence.

Items are split by id: odd ids are **dev** (looked at while writing the rules), even ids are
**test** (held out; only its figures were read).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spin.claims import anchor_differences, anchors, extract_claims  # noqa: E402

DATA = Path(os.environ.get("SPIN_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / "results" / "claims.json"
LANGUAGE = {"german": "de", "french": "fr"}
QUANTITY = ("num:", "ord:", "mult:", "date:")
NAME = ("ent:",)
PERTURBATIONS = {
    "critical_id10_numbers_replaced": QUANTITY,
    "critical_id9_ne_replaced": NAME,
    "critical_id25_ne_removed": NAME,
}


def load_items() -> list[dict]:
    path = DATA / "demetr-de-fr" / "demetr_de_fr.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def in_split(item: dict, split: str) -> bool:
    return split == "all" or (item["id"] % 2 == 1) == (split == "dev")


def kind_anchors(text: str, language: str, prefixes: tuple[str, ...]) -> frozenset[str]:
    return frozenset(key for key in anchors(text, language) if key.startswith(prefixes))


def differences(source: str, language: str, english: str, prefixes: tuple[str, ...]):
    a = kind_anchors(source, language, prefixes)
    b = kind_anchors(english, "en", prefixes)
    missing, extra = anchor_differences(a, b, source, english, language, "en")
    return a, b, missing, extra


def share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def correct_pairs(items: list[dict], split: str, field: str, show: int) -> dict:
    unique = {item["id"]: item for item in items if in_split(item, split)}
    figures = {}
    for name, prefixes in (("numbers_dates", QUANTITY), ("names", NAME)):
        matched = with_anchor = matched_with_anchor = 0
        shown = 0
        for item in unique.values():
            language = LANGUAGE[item["lang_tag"]]
            a, b, missing, extra = differences(item["src_sent"], language, item[field], prefixes)
            ok = not missing and not extra
            matched += ok
            if a or b:
                with_anchor += 1
                matched_with_anchor += ok
            if not ok and shown < show:
                shown += 1
                print(f"  [{name} {field} {item['id']}] missing={sorted(missing)} extra={sorted(extra)}\n"
                      f"     src: {item['src_sent']}\n     en:  {item[field]}")
        figures[name] = {
            "pairs": len(unique),
            "match_share": share(matched, len(unique)),
            "pairs_with_anchor": with_anchor,
            "match_share_with_anchor": share(matched_with_anchor, with_anchor),
        }
    return figures


def perturbations(items: list[dict], split: str, show: int) -> dict:
    figures = {}
    for pert_name, prefixes in PERTURBATIONS.items():
        chosen = [x for x in items if x["pert_name"] == pert_name and x["pert_check"] and in_split(x, split)]
        found = 0
        shown = 0
        for item in chosen:
            language = LANGUAGE[item["lang_tag"]]
            _, _, missing, extra = differences(item["src_sent"], language, item["pert_sent"], prefixes)
            if missing or extra:
                found += 1
            elif shown < show:
                shown += 1
                print(f"  [missed {pert_name} {item['id']}]\n     src:  {item['src_sent']}\n"
                      f"     pert: {item['pert_sent']}\n     mt:   {item['mt_sent']}")
        figures[pert_name] = {"pairs": len(chosen), "mismatch_found_share": share(found, len(chosen))}
    return figures


def wmt_error_free(limit: int = 400) -> dict:
    import csv

    path = DATA / "wmt-mqm-ende" / "newstest2021_ende_mqm_segments.tsv.gz"
    if not path.exists():
        return {}
    pairs, seen = [], set()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["mqm_avg_score"] and float(row["mqm_avg_score"]) == 0 and row["seg_id"] not in seen:
                seen.add(row["seg_id"])
                pairs.append((row["source"], row["target"]))
    pairs = pairs[:limit]
    figures = {"pairs": len(pairs)}
    for name, prefixes in (("numbers_dates", QUANTITY), ("names", NAME)):
        matched = sum(not any(anchor_differences(kind_anchors(de, "de", prefixes), kind_anchors(en, "en", prefixes), de, en, "de", "en"))
                      for en, de in pairs)
        figures[f"{name}_match_share"] = share(matched, len(pairs))
    return figures


def speed(items: list[dict]) -> dict:
    sentences: dict[str, list[str]] = {"de": [], "fr": [], "en": []}
    seen = set()
    for item in items:
        for text, language in ((item["src_sent"], LANGUAGE[item["lang_tag"]]), (item["mt_sent"], "en"),
                               (item["eng_sent"], "en"), (item["pert_sent"], "en")):
            if (text, language) not in seen and len(text) > 2:
                seen.add((text, language))
                sentences[language].append(text)
    articles = [(" ".join(group[k:k + 20]), language, len(group[k:k + 20]))
                for language, group in sentences.items() for k in range(0, len(group), 20)]
    for text, language, _ in articles[:3] + articles[-3:]:
        extract_claims(text, language)  # warm-up: word lists, wordfreq, babel
    started = time.process_time()
    total = 0
    for text, language, count in articles:
        extract_claims(text, language)
        total += count
    elapsed = time.process_time() - started
    flat = [(text, language) for language, group in sentences.items() for text in group]
    started = time.process_time()
    for text, language in flat:
        anchors(text, language)
    anchor_elapsed = time.process_time() - started
    return {
        "sentences": total,
        "extract_claims_sentences_per_s": round(total / elapsed),
        "anchors_sentences_per_s": round(len(flat) / anchor_elapsed),
        "note": "CPU time of one process (time.process_time), 20-sentence pseudo-articles, caches warm after a few calls; "
                "distinct sentences from DEMETR (sources, mt, human and perturbed English)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
    parser.add_argument("--show", type=int, default=0, help="print up to N failures per figure (use on dev)")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    items = load_items()
    results = {"split": args.split}
    for split in (["dev", "test"] if args.split == "all" else [args.split]):
        results[split] = {
            "correct_pairs_mt": correct_pairs(items, split, "mt_sent", args.show),
            "correct_pairs_human": correct_pairs(items, split, "eng_sent", 0),
            "perturbations": perturbations(items, split, args.show),
        }
    results["wmt21_error_free_ende_dev"] = wmt_error_free()
    if not args.no_speed:
        results["speed"] = speed(items)
    print(json.dumps(results, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
