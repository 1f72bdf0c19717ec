"""Editorialising benchmark: CheckThat! 2025 subjectivity (en, de), BABE, DEMETR consistency, speed.

Run: ``.venv/bin/python benchmarks/editorial.py [--quick]``. Prints every figure and writes them
to ``benchmarks/results/editorial.json``. Data are read from ``../shared/data`` (or
``$SPIN_SHARED_DATA``); nothing trained here is saved: CheckThat! is CC BY-NC-SA and BABE is
AGPL, so models fitted on them stay in memory.

1. CheckThat! 2025 Task 1, English and German (SUBJ = editorialising). Thresholds and
   hyper-parameters are chosen on ``train``/``dev`` only; ``dev_test`` and ``test`` are reported.
   (a) the untrained explained score: threshold maximising macro-F1 on train+dev;
   (b) EditorialClassifier: C, character n-grams on/off and training languages (this language
       only, or English + German) chosen by macro-F1 on ``dev`` after fitting on ``train``, with
       the threshold that is best on ``dev``; then refitted on train+dev and applied to test.
   Macro-F1, SUBJ-F1 and ROC-AUC with 95 % bootstrap intervals (1,000 resamples of the test set).
2. BABE (SG2, "No agreement" dropped): stratified 5-fold cross-validation, seed 42, of
   EditorialClassifier with the default parameters (nothing tuned); Biased-F1 and macro-F1.
   The untrained score's ROC-AUC on all of BABE, and its Spearman correlation with the graded
   opinion label (factual < somewhat opinionated < writer's opinion).
3. Cross-language consistency on DEMETR: each German/French source sentence and its human English
   translation scored in their own languages; Spearman correlation of the two scores.
   Garble: the score of each corrected machine translation against its perturbed versions
   (word swaps, wrong words, dropped phrases) and against the shuffled-words baseline.
4. Speed: sentences per second of CPU time (one process) after a warm-up pass on other sentences.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spin.editorial import EditorialClassifier, score_sentences  # noqa: E402

DATA = Path(os.environ.get("SPIN_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / "results" / "editorial.json"
LANGUAGE_DIRS = {"en": "english", "de": "german"}
SPLIT_FILES = {"train": "train_{}.tsv", "dev": "dev_{}.tsv", "dev_test": "dev_test_{}.tsv", "test": "test_{}_labeled.tsv"}
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.025), 3)
ANCHORS = {
    "checkthat_macro_f1_official_baseline": {"en": 0.537, "de": 0.696},
    "checkthat_macro_f1_best_system": {"en": 0.805, "de": 0.852},
    "checkthat_auc_textblob": {"en": 0.62},
    "checkthat_macro_f1_tfidf_lr": {"en": 0.52, "de": 0.65},
    "babe_f1_best_published": 0.814,
    "babe_macro_f1_tfidf_lr": 0.740,
}


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"' and '""' in text:
        return text[1:-1].replace('""', '"')
    return text


def checkthat(language: str, split: str) -> pd.DataFrame:
    """sentence, label (1 = SUBJ) of one CheckThat! split; columns are found by their header names."""
    path = DATA / "checkthat_subjectivity" / LANGUAGE_DIRS[language] / SPLIT_FILES[split].format(language)
    frame = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)
    return pd.DataFrame({
        "sentence": [_unquote(s) for s in frame["sentence"]],
        "label": (frame["label"].str.strip() == "SUBJ").astype(int).to_numpy(),
        "language": language,
    })


def best_threshold(y, scores) -> float:
    return float(max(THRESHOLDS, key=lambda t: (f1_score(y, scores >= t, average="macro"), -abs(t - 0.5))))


def with_interval(metric, y, values, resamples: int, seed: int = 0) -> dict:
    """The metric on the whole set and its 95 % percentile bootstrap interval."""
    y, values = np.asarray(y), np.asarray(values)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(resamples):
        index = rng.integers(0, len(y), len(y))
        if len(np.unique(y[index])) == 2:
            draws.append(metric(y[index], values[index]))
    low, high = np.percentile(draws, [2.5, 97.5])
    return {"value": round(float(metric(y, values)), 4), "ci95": [round(float(low), 4), round(float(high), 4)]}


def evaluate(y, scores, threshold: float, resamples: int) -> dict:
    scores = np.asarray(scores, dtype=float)
    return {
        "n": int(len(y)),
        "subj_share": round(float(np.mean(y)), 3),
        "macro_f1": with_interval(lambda a, s: f1_score(a, s >= threshold, average="macro"), y, scores, resamples),
        "subj_f1": with_interval(lambda a, s: f1_score(a, s >= threshold), y, scores, resamples),
        "roc_auc": with_interval(roc_auc_score, y, scores, resamples),
    }


def untrained_scores(frame: pd.DataFrame) -> np.ndarray:
    return score_sentences(frame["sentence"].tolist(), frame["language"].iloc[0])["score"].fillna(0.0).to_numpy()


def run_checkthat(resamples: int, quick: bool) -> dict:
    splits = {(lang, split): checkthat(lang, split) for lang in LANGUAGE_DIRS for split in SPLIT_FILES}
    results: dict = {}
    grid = [(C, text) for C in ((0.1, 1.0) if quick else (0.03, 0.1, 0.3, 1.0)) for text in (False, True)]
    for language in LANGUAGE_DIRS:
        train, dev = splits[(language, "train")], splits[(language, "dev")]
        train_dev = pd.concat([train, dev], ignore_index=True)
        threshold = best_threshold(train_dev["label"], untrained_scores(train_dev))
        untrained = {"threshold_from_train_dev": threshold}
        for split in ("dev_test", "test"):
            frame = splits[(language, split)]
            untrained[split] = evaluate(frame["label"], untrained_scores(frame), threshold, resamples)

        def training_set(mode: str, parts: tuple[str, ...]) -> pd.DataFrame:
            languages = (language,) if mode == "this_language" else tuple(LANGUAGE_DIRS)
            return pd.concat([splits[(lang, part)] for lang in languages for part in parts], ignore_index=True)

        search = []
        for mode in ("this_language", "en+de"):
            for C, text in grid:
                data = training_set(mode, ("train",))
                model = EditorialClassifier(C=C, text_features=text).fit(data[["sentence", "language"]], data["label"])
                p = model.decision_probability(dev[["sentence", "language"]])
                t = best_threshold(dev["label"], p)
                search.append({"mode": mode, "C": C, "text_features": text, "threshold": t,
                               "dev_macro_f1": round(float(f1_score(dev["label"], p >= t, average="macro")), 4)})
        chosen = max(search, key=lambda row: row["dev_macro_f1"])
        data = training_set(chosen["mode"], ("train", "dev"))
        model = EditorialClassifier(C=chosen["C"], text_features=chosen["text_features"], threshold=chosen["threshold"])
        model.fit(data[["sentence", "language"]], data["label"])
        trained = {"chosen_on_dev": chosen, "search": search}
        for split in ("dev_test", "test"):
            frame = splits[(language, split)]
            trained[split] = evaluate(frame["label"], model.decision_probability(frame[["sentence", "language"]]), chosen["threshold"], resamples)
        results[language] = {"untrained_score": untrained, "editorial_classifier": trained}
    return results


def run_babe(quick: bool) -> dict:
    path = DATA / "babe" / "final_labels_SG2.csv"
    frame = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    frame = frame[frame["label_bias"].isin(["Biased", "Non-biased"])].reset_index(drop=True)
    y = (frame["label_bias"] == "Biased").astype(int).to_numpy()
    X = pd.DataFrame({"sentence": frame["text"], "language": "en"})
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)
    macro, biased = [], []
    for number, (train, test) in enumerate(folds.split(X, y)):
        if quick and number >= 2:
            break
        model = EditorialClassifier().fit(X.iloc[train], y[train])
        predicted = model.predict(X.iloc[test])
        macro.append(f1_score(y[test], predicted, average="macro"))
        biased.append(f1_score(y[test], predicted))
    scores = score_sentences(frame["text"].tolist(), "en")["score"].fillna(0.0).to_numpy()
    grades = {"Entirely factual": 0, "Somewhat factual but also opinionated": 1, "Expresses writer’s opinion": 2}
    graded = frame["label_opinion"].map(grades)
    known = graded.notna().to_numpy()
    return {
        "n": int(len(y)),
        "folds": len(macro),
        "editorial_classifier_macro_f1": {"mean": round(float(np.mean(macro)), 4), "std": round(float(np.std(macro)), 4)},
        "editorial_classifier_biased_f1": {"mean": round(float(np.mean(biased)), 4), "std": round(float(np.std(biased)), 4)},
        "untrained_score_roc_auc": round(float(roc_auc_score(y, scores)), 4),
        "untrained_score_spearman_with_opinion_grade": round(float(spearmanr(scores[known], graded[known])[0]), 4),
    }


def run_demetr() -> dict:
    path = DATA / "demetr-de-fr" / "demetr_de_fr.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        items = [json.loads(line) for line in handle]
    results = {}
    for tag, language in (("german", "de"), ("french", "fr")):
        unique = {item["id"]: item for item in items if item["lang_tag"] == tag}.values()
        sources = score_sentences([i["src_sent"] for i in unique], language)["score"].fillna(0.0).to_numpy()
        english = score_sentences([i["eng_sent"] for i in unique], "en")["score"].fillna(0.0).to_numpy()
        results[f"{language}-en"] = {
            "n": len(sources),
            "spearman": round(float(spearmanr(sources, english)[0]), 4),
            "both_zero_share": round(float(np.mean((sources == 0) & (english == 0))), 3),
            "mean_score_source": round(float(sources.mean()), 4),
            "mean_score_english": round(float(english.mean()), 4),
        }
    perturbed = [i for i in items if i["pert_check"] and i["severity"] not in ("base", "") and i["pert_sent"].strip()]
    shuffled = [i for i in items if i["pert_name"] == "base_id33_shuffle_trans" and i["pert_sent"].strip()]
    garble = {}
    for name, group in (("perturbed", perturbed), ("shuffled_words", shuffled)):
        clean = score_sentences([i["mt_sent"] for i in group], "en")["score"].fillna(0.0).to_numpy()
        broken = score_sentences([i["pert_sent"] for i in group], "en")["score"].fillna(0.0).to_numpy()
        garble[name] = {
            "n": len(group),
            "mean_score_clean": round(float(clean.mean()), 4),
            "mean_score_garbled": round(float(broken.mean()), 4),
            "share_garbled_scoring_0.4_or_more": round(float(np.mean(broken >= 0.4)), 4),
            "share_clean_scoring_0.4_or_more": round(float(np.mean(clean >= 0.4)), 4),
        }
    results["garble_en"] = garble
    return results


def run_speed() -> dict:
    speed = {}
    for language in LANGUAGE_DIRS:
        warm = checkthat(language, "dev_test")["sentence"].tolist()
        timed = pd.concat([checkthat(language, "train"), checkthat(language, "dev")])["sentence"].tolist()
        score_sentences(warm, language)
        start = time.process_time()
        score_sentences(timed, language)
        seconds = time.process_time() - start
        speed[language] = {"sentences": len(timed), "sentences_per_cpu_second": round(len(timed) / seconds)}
    return speed


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller search, 2 BABE folds, 200 bootstrap resamples")
    args = parser.parse_args(argv)
    resamples = 200 if args.quick else 1000
    results = {
        "data": str(DATA),
        "quick": args.quick,
        "anchors": ANCHORS,
        "speed": run_speed(),
        "checkthat": run_checkthat(resamples, args.quick),
        "babe": run_babe(args.quick),
        "demetr": run_demetr(),
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if not args.quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
