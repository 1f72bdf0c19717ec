"""Derivation-tree recovery on synthetic story families with known trees.

Run: ``.venv/bin/python benchmarks/provenance.py [--split test|dev] [--families N] [--no-timing]``.
Writes ``benchmarks/results/provenance.json`` (test split, default settings).

A family starts from a source of 20-32 real news sentences (WMT21/WMT23/MLQE-PE English with
German references, or DEMETR items with German or French sources, English references and
English machine translations). Each new version derives from the source or from an earlier
version by one operator, so the true tree and every edge's relation are known:

- ``copy``: verbatim (sometimes with a share line added);
- ``excerpt``: the first 35-70 % of the parent's sentences;
- ``summary``: 35-55 % of the sentences taken across the text, lightly reworded;
- ``rewrite``: sentences dropped, added and swapped, words replaced by synonyms, 1-3 claims
  changed with the mutation generator (numbers, dates, names);
- ``editorialised_rewrite``: a lighter rewrite with 3-5 subjective sentences (CheckThat! SUBJ)
  put in;
- ``translation``: the German or French (or English) human side of every sentence;
- ``round_trip_translation``: the English machine translation of the DEMETR source side.

A claim change is made on the version's own language and carried to the other sides of the
sentence (so a translation of an altered version inherits the error). Some internal versions
are removed (lost intermediates), the source is removed in half the families (the consensus is
then scored against it), and half the families carry publication dates.

Scores: parent-edge precision / recall / F1 (edges into observed versions and into lost
intermediates matched to hypothetical nodes by the versions below them), direction accuracy
(predicted edges whose two ends are a true edge: share pointing the right way), relation
accuracy (correct edges with the right label), the Brier score of the edge confidences (edges
into observed versions), and consensus token F1 against the true source on source-less
families where at least half the source sentences survive in two independent branches.
Dev families (``--split dev``) were used to choose the [provenance] settings; the test
families were run once with the chosen settings.
"""

from __future__ import annotations

import argparse
import csv
import json
import pickle
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import family_corpus  # noqa: E402
import mutation_generator as gen  # noqa: E402
import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402

from spin import boilerplate, claims, editorial, language  # noqa: E402
from spin.language import tokenize  # noqa: E402
from spin.provenance import CONSENSUS_ID, LOST_ORIGINAL, provenance_tables  # noqa: E402
from spin.settings import default_settings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "provenance.json"
CACHE = Path("/tmp/spin-provenance-benchmark")
SPLITS = {"dev": range(0, 24), "test": range(1000, 1040)}
OPERATOR_WEIGHTS = {
    "copy": 0.11, "excerpt": 0.11, "summary": 0.1, "rewrite": 0.24, "editorialised_rewrite": 0.12,
    "translation": 0.22, "round_trip_translation": 0.1,
}
SHARE_LINES = ("Share this article on social media.", "Follow us for breaking news.", "Sign up for our daily newsletter.")
MONTHS = {"de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                 "November", "Dezember"),
          "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre")}


# ---------------------------------------------------------------------------------------------
# Sentence pools


@dataclass(frozen=True)
class Unit:
    """One sentence of a story with its sides: en, de or fr, and en_mt (machine translation into English)."""

    sides: tuple[tuple[str, str], ...]

    def side(self, language: str) -> str | None:
        return dict(self.sides).get(language)


@dataclass(frozen=True)
class Pool:
    """The units one kind of family is drawn from, and its languages."""

    name: str
    units: tuple[Unit, ...]
    languages: tuple[str, ...]
    round_trip: bool


def load_pools() -> dict[str, Pool]:
    """en+de (news references), en+fr+en_mt and en+de+en_mt (DEMETR) pools."""
    pools = family_corpus.load_pools()
    german = tuple(Unit((("en", u.en), ("de", u.de))) for u in pools.with_german if 8 <= len(u.en.split()) <= 45)
    demetr = gen.demetr_parallel()
    by_language = defaultdict(list)
    for row in demetr:
        if 6 <= len(row["eng"].split()) <= 50:
            by_language[row["language"]].append(Unit((("en", row["eng"]), (row["language"], row["src"]), ("en_mt", row["mt"]))))
    return {
        "de": Pool("de", german, ("en", "de"), False),
        "demetr_de": Pool("demetr_de", tuple(by_language["de"]), ("en", "de"), True),
        "demetr_fr": Pool("demetr_fr", tuple(by_language["fr"]), ("en", "fr"), True),
    }


def subjective_sentences() -> dict[str, list[str]]:
    """CheckThat! 2025 subjective (SUBJ) training sentences, English and German (benchmark use only)."""
    found = {}
    for language, folder, suffix in (("en", "english", "en"), ("de", "german", "de")):
        path = gen.DATA / "checkthat_subjectivity" / folder / f"train_{suffix}.tsv"
        with open(path, encoding="utf-8") as handle:
            rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            found[language] = [r["sentence"] for r in rows if r.get("label") == "SUBJ" and 8 <= len(r["sentence"].split()) <= 40]
    return found


# ---------------------------------------------------------------------------------------------
# Versions and operators


@dataclass
class Record:
    """A sentence of a version: its unit id and its current text on every side."""

    unit: int
    texts: dict[str, str]


@dataclass
class Version:
    name: str
    language: str
    records: list[Record]
    parent: str | None = None
    relation: str | None = None
    extra: list[str] = field(default_factory=list)  # lines added outside the story (share lines)


def _carry(record: Record, language: str, before: str, after: str) -> Record | None:
    """The record with ``before`` replaced by ``after`` on ``language`` and on every other side holding it
    (a number also in the other languages' way of writing it: 1,500 / 1.500 / 1 500)."""
    texts = dict(record.texts)
    for side, text in record.texts.items():
        for old, new in _spellings(before, after):
            pattern = re.compile(rf"(?<![\w.,]){re.escape(old)}(?![\w]|[.,]\d)")
            if pattern.search(text):
                texts[side] = pattern.sub(new, text, count=1)
                break
        else:
            if side == language:
                return None
    return Record(record.unit, texts)


def _spellings(before: str, after: str) -> list[tuple[str, str]]:
    if not re.fullmatch(r"[\d.,]+", before):
        return [(before, after)]
    swap = str.maketrans(",.", ".,")
    return [(before, after), (before.translate(swap), after.translate(swap)),
            (before.replace(",", "\u00a0"), after.replace(",", "\u00a0")), (before.replace(",", " "), after.replace(",", " "))]


def _month_variants(before: str, after: str) -> list[tuple[str, str]]:
    english = gen.MONTHS
    if before in english and after in english:
        i, j = english.index(before), english.index(after)
        return [(MONTHS[language][i], MONTHS[language][j]) for language in MONTHS]
    return []


def change_claims(records: list[Record], language: str, count: int, rng: random.Random) -> list[Record]:
    """Change ``count`` numbers, dates or names (the mutation generator's operators), on every side."""
    records = list(records)
    positions = list(range(len(records)))
    rng.shuffle(positions)
    operators = [gen.change_number, gen.change_date, gen.swap_entity] if language == "en" else [gen.change_number]
    made = 0
    for position in positions:
        if made >= count:
            break
        record = records[position]
        text = record.texts.get(language)
        if not text:
            continue
        for operator in rng.sample(operators, len(operators)):
            mutation = operator(text, rng)
            if mutation is None or not mutation.before or not mutation.after:
                continue
            changed = _carry(record, language, mutation.before, mutation.after)
            if changed is None:
                continue
            for before, after in _month_variants(mutation.before, mutation.after):
                changed = _carry(changed, language, before, after) or changed
            records[position] = changed
            made += 1
            break
    return records


def reword(records: list[Record], language: str, share: float, rng: random.Random) -> list[Record]:
    """Synonyms in place of a share of the English words (other languages are left as they are)."""
    if language != "en" or share <= 0:
        return records
    return [Record(r.unit, {**r.texts, "en": family_corpus._replace_synonyms(r.texts["en"], share, rng)}) for r in records]


class Family:
    """Builds one family: the operators need its pool, its filler sentences and an id counter."""

    def __init__(self, pool: Pool, subjective: dict[str, list[str]], rng: random.Random, words: int | None = None):
        self.pool, self.subjective, self.rng = pool, subjective, rng
        units = list(pool.units)
        rng.shuffle(units)
        count = rng.randint(20, 32)
        if words:
            count = next(k for k in range(1, len(units)) if sum(len(u.side("en").split()) for u in units[:k]) >= words)
        self.story_units = units[:count]
        self.fillers = units[len(self.story_units):]
        self.next_filler = 0
        self.next_unit = 10_000
        self.translated_into: set[str] = set()
        self.round_tripped = False
        self.source_language = "en"

    def record(self, unit_id: int, unit: Unit) -> Record:
        return Record(unit_id, dict(unit.sides))

    def filler(self) -> Record:
        unit = self.fillers[self.next_filler % len(self.fillers)]
        self.next_filler += 1
        self.next_unit += 1
        return Record(self.next_unit, dict(unit.sides))

    def source(self, language: str) -> Version:
        self.source_language = language
        records = [self.record(k, unit) for k, unit in enumerate(self.story_units)]
        return Version("source", language, [r for r in records if r.texts.get(language)])

    def derive(self, parent: Version, relation: str, name: str) -> Version:
        rng, language = self.rng, parent.language
        records = list(parent.records)
        extra: list[str] = []
        if relation == "copy":
            if rng.random() < 0.3:
                extra = [rng.choice(SHARE_LINES)]
        elif relation == "excerpt":
            records = records[: max(4, int(round(len(records) * rng.uniform(0.35, 0.7))))]
        elif relation == "summary":
            keep = max(4, int(round(len(records) * rng.uniform(0.35, 0.55))))
            chosen = sorted(rng.sample(range(1, len(records)), keep - 1))
            records = reword([records[0]] + [records[k] for k in chosen], language, 0.3, rng)
        elif relation in ("rewrite", "editorialised_rewrite"):
            records = self.rewrite(records, language, heavy=relation == "rewrite")
            if relation == "editorialised_rewrite":
                records = self.editorialise(records, language)
        elif relation == "translation":
            target = rng.choice(self.targets(parent))
            self.translated_into.add(target)
            return Version(name, target, [r for r in records if r.texts.get(target)], parent.name, relation)
        elif relation == "round_trip_translation":
            self.round_tripped = True
            records = [Record(r.unit, {**r.texts, "en": r.texts["en_mt"]}) for r in records if r.texts.get("en_mt")]
        return Version(name, language, records, parent.name, relation, extra)

    def rewrite(self, records: list[Record], language: str, heavy: bool) -> list[Record]:
        rng = self.rng
        drop = 0.15 if heavy else 0.08
        out = []
        for record in records:
            if rng.random() < 0.1:
                out.append(self.filler())
            if rng.random() >= drop or len(out) < 2:
                out.append(record)
        for k in range(len(out) - 1):
            if rng.random() < 0.08:
                out[k], out[k + 1] = out[k + 1], out[k]
        out = change_claims(out, language, rng.randint(1, 3), rng)
        return reword(out, language, 0.33 if heavy else 0.2, rng)

    def editorialise(self, records: list[Record], language: str) -> list[Record]:
        pool = self.subjective.get(language)
        if not pool:
            return records
        records = list(records)
        for _ in range(self.rng.randint(3, 5)):
            self.next_unit += 1
            records.insert(self.rng.randrange(1, len(records) + 1), Record(self.next_unit, {language: self.rng.choice(pool)}))
        return records

    def targets(self, parent: Version) -> list[str]:
        """Languages a translation of ``parent`` may go into: out of the source's language only, and one
        translation per language and family, since two translations made from the data's one human
        translation (or one back into the source's language) would be word for word alike."""
        if parent.language != self.source_language:
            return []
        return [lang for lang in self.pool.languages if lang != parent.language and lang not in self.translated_into]

    def allowed(self, parent: Version) -> list[str]:
        allowed = ["copy", "rewrite"] + (["translation"] if self.targets(parent) else [])
        if len(parent.records) >= 10:
            allowed += ["excerpt", "summary"]
        if parent.language in self.subjective:
            allowed.append("editorialised_rewrite")
        if (parent.language == "en" and self.pool.round_trip and not self.round_tripped
                and all(r.texts.get("en_mt") for r in parent.records[:3])):
            allowed.append("round_trip_translation")
        return allowed


@dataclass
class SyntheticFamily:
    """A generated family: every version (observed or not), the truth, and the observed articles."""

    seed: int
    versions: dict[str, Version]
    observed: list[str]
    lost: list[str]
    source_missing: bool
    dated: bool
    articles: pd.DataFrame


def text_of(version: Version, rng: random.Random) -> str:
    sentences = [r.texts[version.language] for r in version.records if r.texts.get(version.language)]
    body = family_corpus.paragraphs(sentences, rng)
    return "\n\n".join(([body] if body else []) + version.extra)


def make_family(seed: int, pools: dict[str, Pool], subjective: dict[str, list[str]], size: int | None = None,
                words: int | None = None, weights: dict[str, float] | None = None, pool_name: str | None = None) -> SyntheticFamily:
    """A family of 5-30 observed versions from ``seed`` (``size`` versions, a ``words``-word source,
    other operator ``weights`` or one pool when given)."""
    rng = random.Random(seed)
    pool = pools[pool_name or rng.choices(["de", "demetr_de", "demetr_fr"], weights=[0.5, 0.25, 0.25])[0]]
    builder = Family(pool, subjective, rng, words)
    operator_weights = weights or OPERATOR_WEIGHTS
    source_language = "de" if pool.name == "de" and rng.random() < 0.2 else "en"
    versions = {"source": builder.source(source_language)}
    target = size or rng.randint(5, 30)
    source_missing = rng.random() < 0.5
    wanted_lost = rng.choice([0, 1, 1, 2])
    order = ["source"]
    while len(order) < target + wanted_lost + (1 if source_missing else 0):
        roll = rng.random()
        parent_name = "source" if roll < 0.4 else order[-1] if roll < 0.6 else rng.choice(order)
        parent = versions[parent_name]
        weights = {op: operator_weights[op] for op in builder.allowed(parent) if operator_weights.get(op)}
        relation = rng.choices(list(weights), weights=list(weights.values()))[0]
        name = f"n{len(order):02d}"
        versions[name] = builder.derive(parent, relation, name)
        order.append(name)
    children = Counter(v.parent for v in versions.values() if v.parent)
    internal = [name for name in order[1:] if children[name] >= 2]
    lost = rng.sample(internal, min(len(internal), wanted_lost))
    hidden = set(lost) | ({"source"} if source_missing else set())
    observed = [name for name in order if name not in hidden]
    dated = rng.random() < 0.5
    shuffled = list(observed)
    rng.shuffle(shuffled)
    start = pd.Timestamp("2024-03-01")
    rows = []
    for name in shuffled:
        version = versions[name]
        rows.append({"article_id": f"v{seed}-{name}", "text": text_of(version, rng),
                     "published": str((start + pd.Timedelta(hours=6 * order.index(name))).date()) if dated else ""})
    articles = pd.DataFrame(rows)
    return SyntheticFamily(seed, versions, [f"v{seed}-{n}" for n in observed], lost, source_missing, dated, articles)


# ---------------------------------------------------------------------------------------------
# Running spin


def prepare(articles: pd.DataFrame) -> dict:
    """The tables provenance needs, as the pipeline makes them."""
    from spin.pipeline import _complete_articles

    full = _complete_articles(articles)
    cleaned, removed = boilerplate.strip_boilerplate(full)
    cleaned = language.detect_articles(cleaned)
    sentences = language.sentences_table(cleaned)
    claim_table = claims.claims_table(cleaned, sentences)
    editorial_table = editorial.editorial_table(sentences)
    summary = editorial.editorial_summary(editorial_table, sentences)
    return {"articles": cleaned, "boilerplate": removed, "sentences": sentences, "claims": claim_table,
            "editorial": editorial_table, "summary": summary}


def prepared(family: SyntheticFamily, use_cache: bool) -> dict:
    path = CACHE / f"family-{family.seed}-{len(family.observed)}.pkl"
    if use_cache and path.is_file():
        return pickle.loads(path.read_bytes())
    tables = prepare(family.articles)
    if use_cache:
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(tables))
    return tables


def run(family: SyntheticFamily, tables: dict, settings) -> dict:
    source = None if family.source_missing else f"v{family.seed}-source"
    return provenance_tables(tables["articles"], tables["sentences"], tables["claims"], tables["boilerplate"],
                             tables["summary"], source=source, editorial=tables["editorial"], settings=settings)


# ---------------------------------------------------------------------------------------------
# Scoring


def true_edges(family: SyntheticFamily) -> dict[tuple[str, str], str]:
    """(parent, child) -> relation over observed versions and lost intermediates; the root named as spin names it."""
    prefix = f"v{family.seed}-"
    root = LOST_ORIGINAL if family.source_missing else prefix + "source"
    observed = set(family.observed)

    def name(node: str) -> str:
        return root if node == "source" else prefix + node

    edges = {}
    for node, version in family.versions.items():
        if version.parent is None:
            continue
        if prefix + node in observed or node in family.lost:
            edges[(name(version.parent), name(node))] = version.relation
    return edges


def observed_below(family: SyntheticFamily, node: str) -> frozenset[str]:
    prefix = f"v{family.seed}-"
    found, stack = set(), [node]
    while stack:
        current = stack.pop()
        for name, version in family.versions.items():
            if version.parent == current:
                if prefix + name in family.observed:
                    found.add(prefix + name)
                stack.append(name)
    return frozenset(found)


def predicted_edges(family: SyntheticFamily, graph) -> dict[tuple[str, str], str]:
    """(parent, child) -> relation, hypothetical nodes renamed to the lost version they match best."""
    prefix = f"v{family.seed}-"
    truth_sets = {prefix + node: observed_below(family, node) for node in family.lost}
    rename = {}
    for node, data in graph.nodes(data=True):
        if data.get("kind") != "hypothetical":
            continue
        below = frozenset(n for n in _descendants(graph, node) if graph.nodes[n].get("kind") in ("extant", "source"))
        best, score = None, 0.0
        for lost, truth in truth_sets.items():
            jaccard = len(below & truth) / max(len(below | truth), 1)
            if jaccard > score and lost not in rename.values():
                best, score = lost, jaccard
        rename[node] = best if best and score >= 0.5 else node
    return {(rename.get(p, p), rename.get(c, c)): data["relation"] for p, c, data in graph.edges(data=True)}


def edge_confidences(family: SyntheticFamily, graph) -> dict[tuple[str, str], float]:
    """(parent, child) -> confidence for every edge into an observed version, hypothetical parents renamed."""
    renamed = {child: parent for parent, child in predicted_edges(family, graph)}
    return {(renamed[child], child): data["confidence"] for _, child, data in graph.edges(data=True)
            if child in renamed and graph.nodes[child].get("kind") in ("extant", "source")}


def _descendants(graph, node):
    return nx.descendants(graph, node)


def consensus_f1(family: SyntheticFamily, consensus: pd.DataFrame) -> float:
    source = family.versions["source"]
    truth = Counter(w.casefold() for r in source.records for _, _, w in tokenize(r.texts[source.language]))
    found = Counter(w.casefold() for text in consensus["text"] for _, _, w in tokenize(text))
    overlap = sum((truth & found).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(found.values()), overlap / sum(truth.values())
    return 2 * precision * recall / (precision + recall)


def well_attested(family: SyntheticFamily) -> bool:
    """Do most source sentences survive in at least two independent branches (subtrees of the source)?"""
    branches = defaultdict(set)
    for node, version in family.versions.items():
        if version.parent == "source":
            members = {node} | {n for n in family.versions if _has_ancestor(family, n, node)}
            for member in members:
                if f"v{family.seed}-{member}" in family.observed:
                    branches[node] |= {r.unit for r in family.versions[member].records}
    units = [r.unit for r in family.versions["source"].records]
    surviving = sum(1 for unit in units if sum(unit in found for found in branches.values()) >= 2)
    return surviving >= 0.5 * len(units)


def _has_ancestor(family: SyntheticFamily, node: str, ancestor: str) -> bool:
    parent = family.versions[node].parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = family.versions[parent].parent
    return False


def score(families: list[SyntheticFamily], results: list[dict]) -> dict:
    counts = Counter()
    by_relation = defaultdict(Counter)
    confusion = Counter()
    f1s, brier = [], []
    for family, result in zip(families, results):
        truth = true_edges(family)
        predicted = predicted_edges(family, result["graph"])
        predicted = {edge: relation for edge, relation in predicted.items()
                     if result["graph"].nodes.get(edge[1], {}).get("kind") != "unsupported"}
        correct = set(truth) & set(predicted)
        counts["true"] += len(truth)
        counts["predicted"] += len(predicted)
        counts["correct"] += len(correct)
        undirected = {frozenset(edge) for edge in truth}
        for edge in predicted:
            if frozenset(edge) in undirected:
                counts["direction_total"] += 1
                counts["direction_right"] += edge in truth
        for edge in correct:
            right = truth[edge] == predicted[edge]
            counts["relation_right"] += right
            by_relation[truth[edge]]["total"] += 1
            by_relation[truth[edge]]["right"] += right
            confusion[(truth[edge], predicted[edge])] += 1
        for edge, relation in truth.items():
            by_relation[relation]["true_edges"] += 1
            by_relation[relation]["found_edges"] += edge in predicted
        for (parent, child), confidence in edge_confidences(family, result["graph"]).items():
            brier.append((confidence - ((parent, child) in truth)) ** 2)
        if family.source_missing and well_attested(family):
            f1s.append(consensus_f1(family, result["consensus"]))
    precision = counts["correct"] / max(counts["predicted"], 1)
    recall = counts["correct"] / max(counts["true"], 1)
    return {
        "families": len(families),
        "versions": sum(len(f.observed) for f in families),
        "true_edges": counts["true"],
        "parent_edge_precision": round(precision, 4),
        "parent_edge_recall": round(recall, 4),
        "parent_edge_f1": round(2 * precision * recall / max(precision + recall, 1e-9), 4),
        "direction_accuracy": round(counts["direction_right"] / max(counts["direction_total"], 1), 4),
        "relation_accuracy": round(counts["relation_right"] / max(counts["correct"], 1), 4),
        "confidence_brier": round(sum(brier) / len(brier), 4) if brier else None,
        "consensus_token_f1": round(sum(f1s) / len(f1s), 4) if f1s else None,
        "consensus_families": len(f1s),
        "per_relation": {relation: dict(found) for relation, found in sorted(by_relation.items())},
        "confusion": {f"{a} -> {b}": n for (a, b), n in sorted(confusion.items()) if a != b},
    }


def subset(families, results, keep):
    chosen = [(f, r) for f, r in zip(families, results) if keep(f)]
    return score([f for f, _ in chosen], [r for _, r in chosen]) if chosen else None


# ---------------------------------------------------------------------------------------------
# Timing


TIMING_WEIGHTS = {"copy": 0.2, "rewrite": 0.4, "editorialised_rewrite": 0.2, "translation": 0.1,
                  "round_trip_translation": 0.05, "excerpt": 0.025, "summary": 0.025}


def timing(pools, subjective, settings) -> dict:
    """A 50-version family of full-length (~800-word) versions: provenance time, and the preparation before it."""
    family = make_family(7, pools, subjective, size=50, words=800, weights=TIMING_WEIGHTS, pool_name="de")
    started = time.perf_counter()
    tables = prepare(family.articles)
    prepared_seconds = time.perf_counter() - started
    started = time.perf_counter()
    run(family, tables, settings)
    return {"versions": len(family.observed),
            "source_words": len(text_of(family.versions["source"], random.Random(0)).split()),
            "mean_words": round(float(tables["articles"]["text"].str.split().str.len().mean()), 1),
            "provenance_seconds": round(time.perf_counter() - started, 2),
            "preparation_seconds": round(prepared_seconds, 2)}


def settings_with(overrides: list[str]):
    settings = {section: dict(values) for section, values in default_settings().items()}
    for item in overrides:
        key, value = item.split("=", 1)
        settings["provenance"][key] = type(settings["provenance"].get(key, 0.0))(value)
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="test")
    parser.add_argument("--families", type=int, default=None, help="score only the first N families of the split")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--cache", action="store_true", help=f"keep prepared tables in {CACHE} (for tuning runs)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a [provenance] setting")
    args = parser.parse_args()
    settings = settings_with(args.set)
    pools, subjective = load_pools(), subjective_sentences()
    seeds = list(SPLITS[args.split])[: args.families]
    families, results = [], []
    started = time.perf_counter()
    for seed in seeds:
        family = make_family(seed, pools, subjective)
        families.append(family)
        results.append(run(family, prepared(family, args.cache), settings))
    report = {"split": args.split, "seconds": round(time.perf_counter() - started, 1),
              "all": score(families, results),
              "source_given": subset(families, results, lambda f: not f.source_missing),
              "source_missing": subset(families, results, lambda f: f.source_missing),
              "dated": subset(families, results, lambda f: f.dated),
              "undated": subset(families, results, lambda f: not f.dated)}
    if not args.no_timing:
        report["timing_50_versions"] = timing(pools, subjective, settings)
    print(json.dumps(report, indent=2))
    if args.split == "test" and not args.set and args.families is None:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
