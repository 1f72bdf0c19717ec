"""Translation-quality benchmark: error detection, MQM correlation, human ranks, MT likelihood, critical errors.

Run: ``.venv/bin/python benchmarks/translation.py [--quick]``. Prints the figures and writes them to
``benchmarks/results/translation.json``. Data are read from ``../shared/data`` (or the
``SPIN_SHARED_DATA`` folder); nothing is copied into the repository.

1. DEMETR de/fr: detection recall per perturbation and false flags on the correct translation,
   cross-lingual (German/French source against the English translation) and monolingual (the
   human English reference against the English translation).
2. WMT23 en→de news, document level: Kendall τ and Pearson r of quality against −MQM over the
   machine systems, against refA (same language) and against the English source only
   (cross-lingual); chrF against refA as the anchor; 95 % bootstrap intervals over documents.
3. Human translations in source-only mode: WMT23 refA and WMT21 ref-A/C/D ranked among the machine
   systems by mean quality (WMT21 in windows of 10 consecutive annotated segments).
4. machine_translation_likelihood: ROC-AUC of machine against human German translations of the
   same WMT21 sources (windows of 10 segments; even segment ids only, odd ones were used to pick
   the features).
5. MLQE-PE critical errors (WMT21 en-de): F1 of ERR and MCC on the test set, with the decision rule
   chosen on the dev set.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import kendalltau, pearsonr
from sklearn.metrics import f1_score, matthews_corrcoef, roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spin.translation import (  # noqa: E402
    MAJOR,
    assess_translation,
    chrf,
    machine_translation_likelihood,
)

DATA = Path(os.environ.get("SPIN_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / "results" / "translation.json"
SEED = 20240521

# DEMETR perturbations reported, and the error kinds that count as detecting each.
PERTURBATIONS = {
    "critical_id10_numbers_replaced": "number",
    "critical_id9_ne_replaced": "name",
    "critical_id25_ne_removed": "name",
    "critical_id7_antonym": "mistranslation",
    "critical_id21_adj_adv_removed": "omission",
    "critical_id22_verb_removed": "omission",
    "critical_id23_noun_removed": "omission",
    "critical_id24_subj_removed": "omission",
    "major_id5_pp_removed": "omission",
    "critical_id4_codemix": "untranslated",
}
LANGUAGE_OF_TAG = {"german": "de", "french": "fr"}


def flags(errors: pd.DataFrame) -> set[str]:
    """Kinds of error found: number, name, omission, mistranslation, untranslated, accuracy, major."""
    found = set()
    for row in errors.itertuples():
        detail = row.detail.lower()
        if row.category.startswith("Accuracy") or row.category == "Non-translation":
            found.add("accuracy")
        if row.severity == MAJOR:
            found.add("major")
        if "number" in detail or "date" in detail:
            found.add("number")
        if "name" in detail:
            found.add("name")
        if row.category == "Accuracy/Omission" or "omitted" in detail:
            found.add("omission")
        if row.category == "Accuracy/Mistranslation":
            found.add("mistranslation")
        if row.category in ("Accuracy/Untranslated", "Non-translation"):
            found.add("untranslated")
    return found


# --------------------------------------------------------------------------- 1. DEMETR


def demetr(quick: bool) -> dict:
    items = [json.loads(line) for line in gzip.open(DATA / "demetr-de-fr" / "demetr_de_fr.jsonl.gz", "rt", encoding="utf-8")]
    items = [item for item in items if item["pert_check"] and item["pert_name"] in PERTURBATIONS]
    if quick:
        items = [item for item in items if item["id"] % 5 == 0]
    clean = {item["id"]: item for item in items}
    results = {}
    for mode in ("cross-lingual", "monolingual"):
        def check(item, target):
            if mode == "cross-lingual":
                return flags(assess_translation(item["src_sent"], LANGUAGE_OF_TAG[item["lang_tag"]], target, "en")[1])
            return flags(assess_translation(item["eng_sent"], "en", target, "en")[1])

        clean_flags = {item_id: check(item, item["mt_sent"]) for item_id, item in clean.items()}
        per_kind = {}
        for kind in sorted(set(PERTURBATIONS.values()) | {"accuracy", "major"}):
            per_kind[kind] = float(np.mean([kind in found for found in clean_flags.values()]))
        perturbations = {}
        for name, kind in PERTURBATIONS.items():
            chosen = [item for item in items if item["pert_name"] == name]
            found = [check(item, item["pert_sent"]) for item in chosen]
            perturbations[name] = {
                "n": len(chosen), "flag": kind,
                "recall": float(np.mean([kind in f for f in found])) if found else math.nan,
                "recall_any_accuracy_error": float(np.mean(["accuracy" in f for f in found])) if found else math.nan,
            }
        omissions = [p for p in perturbations.values() if p["flag"] == "omission"]
        results[mode] = {
            "clean_items": len(clean_flags),
            "false_flag_rate": per_kind,
            "perturbations": perturbations,
            "omissions_pooled_recall": float(sum(p["recall"] * p["n"] for p in omissions) / sum(p["n"] for p in omissions)),
        }
    return results


# --------------------------------------------------------------------------- 2-3. WMT23


def wmt23_documents() -> pd.DataFrame:
    segments = pd.read_csv(DATA / "wmt-mqm-ende" / "generalMT2023_ende_news_sxs_mqm.segscores.tsv", sep="\t",
                           quoting=csv.QUOTE_NONE)
    segments["system"] = segments["system"].str.replace(r"^GPT4-5shot_with_.*$", "GPT4-5shot", regex=True)
    rows = []
    for (system, doc), group in segments.groupby(["system", "doc"]):
        paragraphs = group.groupby("docSegId").agg(source=("source", "first"), target=("target", "first"),
                                                   mqm=("mqm_penalty", "mean")).sort_index()
        rows.append({"system": system, "doc": doc, "source": "\n\n".join(paragraphs["source"]),
                     "target": "\n\n".join(paragraphs["target"]), "mqm": float(paragraphs["mqm"].mean())})
    return pd.DataFrame(rows)


def correlation(points: pd.DataFrame, column: str, rng: np.random.Generator, resamples: int) -> dict:
    """Kendall τ-b and Pearson r of ``column`` against −MQM, with a 95 % bootstrap interval over documents."""
    def stats(frame):
        tau = kendalltau(frame[column], -frame["mqm"]).statistic
        r = pearsonr(frame[column], -frame["mqm"]).statistic
        return tau, r

    tau, r = stats(points)
    docs = points["doc"].unique()
    by_doc = {doc: group for doc, group in points.groupby("doc")}
    taus = []
    for _ in range(resamples):
        sample = pd.concat([by_doc[doc] for doc in rng.choice(docs, size=len(docs), replace=True)])
        taus.append(stats(sample)[0])
    low, high = np.nanpercentile(taus, [2.5, 97.5])
    return {"kendall_tau": float(tau), "tau_ci95": [float(low), float(high)], "pearson": float(r), "points": len(points)}


def wmt23(quick: bool) -> dict:
    documents = wmt23_documents()
    if quick:
        documents = documents[documents["doc"].isin(sorted(documents["doc"].unique())[:8])]
    reference = documents[documents["system"] == "refA"].set_index("doc")["target"]
    rows = []
    for row in documents.itertuples():
        same, _ = assess_translation(reference[row.doc], "de", row.target, "de") if row.system != "refA" else ({}, None)
        cross, _ = assess_translation(row.source, "en", row.target, "de")
        rows.append({"system": row.system, "doc": row.doc, "mqm": row.mqm,
                     "quality_same_language": same.get("quality", math.nan),
                     "chrf_refA": chrf(row.target, reference[row.doc]) if row.system != "refA" else math.nan,
                     "quality_cross_lingual": cross["quality"]})
    scores = pd.DataFrame(rows)
    machines = scores[scores["system"] != "refA"]
    rng = np.random.default_rng(SEED)
    resamples = 200 if quick else 1000
    systems = scores.groupby("system")[["mqm", "quality_cross_lingual"]].mean()
    machine_systems = systems.drop(index="refA")
    return {
        "machine_systems": sorted(machines["system"].unique()),
        "documents": int(scores["doc"].nunique()),
        "same_language_quality_vs_refA": correlation(machines, "quality_same_language", rng, resamples),
        "chrf_vs_refA_anchor": correlation(machines, "chrf_refA", rng, resamples),
        "cross_lingual_quality_source_only": correlation(machines, "quality_cross_lingual", rng, resamples),
        "source_only_system_quality": {system: round(float(value), 2) for system, value in
                                       systems["quality_cross_lingual"].sort_values(ascending=False).items()},
        "system_mqm": {system: round(float(value), 3) for system, value in systems["mqm"].sort_values().items()},
        "refA_at_or_above_median_machine": bool(systems.loc["refA", "quality_cross_lingual"]
                                                >= machine_systems["quality_cross_lingual"].median()),
    }


# --------------------------------------------------------------------------- 3-4. WMT21


def wmt21_windows(size: int = 10) -> pd.DataFrame:
    """Windows of ``size`` consecutive annotated segments, one text per system (no document ids exist)."""
    segments = pd.read_csv(DATA / "wmt-mqm-ende" / "newstest2021_ende_mqm_segments.tsv.gz", sep="\t")
    segments = segments[segments["mqm_avg_score"].notna()]
    rows = []
    for parity in (0, 1):
        ids = sorted(segments.loc[segments["seg_id"] % 2 == parity, "seg_id"].unique())
        for number in range(0, len(ids) - size + 1, size):
            window = set(ids[number:number + size])
            chosen = segments[segments["seg_id"].isin(window)].sort_values("seg_id")
            for system, group in chosen.groupby("system"):
                rows.append({"system": system, "window": f"{parity}-{number // size}", "split": "test" if parity == 0 else "dev",
                             "source": "\n".join(group["source"]), "target": "\n".join(group["target"]),
                             "mqm": float(-group["mqm_avg_score"].mean())})
    return pd.DataFrame(rows)


def wmt21(quick: bool) -> dict:
    windows = wmt21_windows()
    if quick:
        windows = windows[windows["window"].str.split("-").str[1].astype(int) % 4 == 0]
    rows = []
    for row in windows.itertuples():
        summary, _ = assess_translation(row.source, "en", row.target, "de")
        likelihood, _ = machine_translation_likelihood(row.target, "de", row.source, "en")
        likelihood_text_only, _ = machine_translation_likelihood(row.target, "de")
        rows.append({"system": row.system, "window": row.window, "split": row.split, "mqm": row.mqm,
                     "quality": summary["quality"], "likelihood": likelihood,
                     "likelihood_text_only": likelihood_text_only,
                     "human": row.system.startswith("ref-")})
    scores = pd.DataFrame(rows)
    systems = scores.groupby("system")[["quality", "mqm"]].mean()
    machine_median = systems.loc[[s for s in systems.index if not s.startswith("ref-")], "quality"].median()
    test = scores[scores["split"] == "test"]
    return {
        "windows_per_system": int(scores.groupby("system").size().iloc[0]),
        "source_only_system_quality": {system: round(float(value), 2) for system, value in
                                       systems["quality"].sort_values(ascending=False).items()},
        "system_mqm_penalty": {system: round(float(value), 3) for system, value in systems["mqm"].sort_values().items()},
        "machine_median_quality": round(float(machine_median), 2),
        "humans_at_or_above_median_machine": {system: bool(systems.loc[system, "quality"] >= machine_median)
                                              for system in systems.index if system.startswith("ref-")},
        "mt_likelihood_auc_test": float(roc_auc_score(~test["human"], test["likelihood"])),
        "mt_likelihood_auc_text_only_test": float(roc_auc_score(~test["human"], test["likelihood_text_only"])),
        "mt_likelihood_auc_all": float(roc_auc_score(~scores["human"], scores["likelihood"])),
        "test_windows": int(len(test)),
    }


# --------------------------------------------------------------------------- 5. MLQE-PE critical errors


def detokenise(text: str) -> str:
    """Undo the MLQE-PE tokenisation of the German MT (spaces around punctuation)."""
    text = re.sub(r" ([,.;:!?)\]%])", r"\1", text)
    text = re.sub(r"([(\[„]) ", r"\1", text)
    return re.sub(r" ([“])", r"\1", text)


def critical_errors(quick: bool) -> dict:
    folder = DATA / "mlqe-pe-ende" / "critical_errors"
    dev = pd.read_csv(folder / "ende_majority_dev.tsv", sep="\t", quoting=csv.QUOTE_NONE, header=None,
                      names=["id", "source", "target", "annotations", "label"])
    test = pd.read_csv(folder / "ende_majority_test_blind.tsv", sep="\t", quoting=csv.QUOTE_NONE, header=None,
                       names=["id", "source", "target"])
    gold = pd.read_csv(folder / "ende_majority_test_goldlabels.txt", sep="\t", header=None,
                       names=["pair", "kind", "id", "label"])
    test = test.merge(gold[["id", "label"]], on="id")
    if quick:
        dev, test = dev.iloc[::5], test.iloc[::5]

    def features(frame):
        out = []
        for row in frame.itertuples():
            summary, errors = assess_translation(str(row.source), "en", detokenise(str(row.target)), "de")
            out.append({"quality": summary["quality"], "major": int((errors["severity"] == MAJOR).sum()),
                        "accuracy": int(errors["category"].str.startswith("Accuracy").sum())})
        return pd.DataFrame(out)

    dev_features, test_features = features(dev), features(test)
    dev_gold, test_gold = (dev["label"] == "ERR").to_numpy(), (test["label"] == "ERR").to_numpy()
    rules = {"any Major error": lambda f: f["major"] > 0, "any Accuracy error": lambda f: f["accuracy"] > 0}
    for threshold in (50, 60, 70, 80, 90, 95):
        rules[f"quality < {threshold}"] = lambda f, t=threshold: f["quality"] < t
    dev_mcc = {name: float(matthews_corrcoef(dev_gold, rule(dev_features))) for name, rule in rules.items()}
    chosen = max(dev_mcc, key=dev_mcc.get)
    predicted = rules[chosen](test_features).to_numpy()
    return {
        "dev_mcc_per_rule": dev_mcc,
        "rule_chosen_on_dev": chosen,
        "test_items": int(len(test)),
        "test_err_share": float(test_gold.mean()),
        "test_f1_err": float(f1_score(test_gold, predicted)),
        "test_mcc": float(matthews_corrcoef(test_gold, predicted)),
        "test_flag_rate": float(predicted.mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fifth of the data, for development")
    parser.add_argument("--only", choices=["demetr", "wmt23", "wmt21", "critical"], help="run one part only")
    args = parser.parse_args()
    parts = {"demetr": demetr, "wmt23": wmt23, "wmt21": wmt21, "critical": critical_errors}
    results = json.loads(RESULTS.read_text()) if args.only and RESULTS.exists() else {}
    for name, run in parts.items():
        if args.only and name != args.only:
            continue
        started = time.time()
        results[name] = run(args.quick)
        results[name]["seconds"] = round(time.time() - started, 1)
        print(f"== {name}\n{json.dumps(results[name], indent=2, ensure_ascii=False)}", flush=True)
    results["quick"] = args.quick
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
