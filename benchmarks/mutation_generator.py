"""Inject known changes into real news sentences, with the truth recorded.

Written and committed before spin's mutation detector was tuned, and not tuned to it afterwards.
Sentences come from ``../shared/data`` (DEMETR English sides, WMT21 English sources and German
human translations, CheckThat! objective sentences). Each perturbation returns a
:class:`Mutation`: the changed text and what was changed, so a benchmark can score a detector
against it. Cross-lingual cases pair a German or French source with a perturbed English side.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(os.environ.get("SPIN_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
HEDGES = ("reportedly", "allegedly", "apparently", "possibly", "probably")
AUXILIARIES = ("is", "was", "are", "were", "has", "have", "had", "will", "would", "can", "could", "should", "did", "does", "do")
REPORTING_VERBS = ("said", "says", "told", "stated", "added", "explained", "announced")
SPEAKERS = ("the minister", "a spokeswoman", "the company", "officials", "the prosecutor", "the mayor",
            "a government source", "the police")
NAMES = ("Anderson", "Okafor", "Lindqvist", "Moreau", "Takahashi", "Kowalski", "Fernandes", "Brennan",
         "Haddad", "Novak", "Schuster", "Delacroix", "Whitfield", "Ivanova")
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[,.]\d{3})*(?:\.\d+)?(?![\w])|(?<![\w.,])\d+(?:\.\d+)?(?![\w.,]\d)")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")
_NAME = re.compile(r"(?<=[a-z,;] )([A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?)\b")
_NOT = re.compile(r"\b(not|n't|never)\b ?")
_QUOTE = re.compile(r"[\"“]([^\"“”]{12,})[\"”]")


@dataclass(frozen=True)
class Mutation:
    """One injected change: the new text, the kind and status it should be detected as."""

    original: str
    changed: str
    kind: str  # number, date, entity, negation, certainty, attribution, quote, claim
    status: str  # altered, dropped, added
    before: str
    after: str
    meta: dict = field(default_factory=dict)


def change_number(sentence: str, rng: random.Random) -> Mutation | None:
    """Replace one number (not a year) with a clearly different one."""
    candidates = [m for m in _NUMBER.finditer(sentence) if not _YEAR.fullmatch(m.group(0))]
    if not candidates:
        return None
    match = rng.choice(candidates)
    digits = match.group(0)
    value = float(digits.replace(",", "")) if "," in digits else float(digits)
    factor = rng.choice((2, 3, 5, 10))
    new_value = value * factor if rng.random() < 0.5 or value < 10 else value + rng.choice((7, 13, 25))
    new = f"{new_value:,.0f}" if new_value == int(new_value) else f"{new_value:,.1f}"
    if "," not in digits:
        new = new.replace(",", "")
    return _replace(sentence, match, new, "number")


def change_date(sentence: str, rng: random.Random) -> Mutation | None:
    """Move a month name or a year."""
    month = _MONTH.search(sentence)
    if month:
        other = rng.choice([m for m in MONTHS if m != month.group(0)])
        return _replace(sentence, month, other, "date")
    year = _YEAR.search(sentence)
    if year:
        return _replace(sentence, year, str(int(year.group(0)) + rng.choice((-3, -2, -1, 1, 2, 3))), "date")
    return None


def swap_entity(sentence: str, rng: random.Random) -> Mutation | None:
    """Replace a capitalised name inside the sentence with another name."""
    candidates = [m for m in _NAME.finditer(sentence) if m.group(1).split()[0] not in MONTHS]
    if not candidates:
        return None
    match = rng.choice(candidates)
    return _replace(sentence, match, rng.choice([n for n in NAMES if n not in sentence]), "entity", group=1)


def remove_entity(sentence: str, rng: random.Random) -> Mutation | None:
    """Drop one member of a list of names ('A, B and C' -> 'A and C')."""
    match = re.search(r"\b([A-Z][\w-]+), ([A-Z][\w-]+) and ([A-Z][\w-]+)\b", sentence)
    if not match:
        return None
    dropped = match.group(2)
    changed = sentence[: match.start()] + f"{match.group(1)} and {match.group(3)}" + sentence[match.end():]
    return Mutation(sentence, changed, "entity", "dropped", dropped, "")


def flip_negation(sentence: str, rng: random.Random) -> Mutation | None:
    """Remove a negation, or add 'not' after the first auxiliary."""
    negation = _NOT.search(sentence)
    if negation:
        changed = (sentence[: negation.start()] + sentence[negation.end():]).replace("  ", " ")
        return Mutation(sentence, changed, "negation", "altered", negation.group(0).strip(), "")
    auxiliary = re.search(r"\b(" + "|".join(AUXILIARIES) + r")\b(?! not)", sentence)
    if not auxiliary:
        return None
    return _replace(sentence, auxiliary, f"{auxiliary.group(0)} not", "negation")


def add_hedge(sentence: str, rng: random.Random) -> Mutation | None:
    """Put a hedge before the main verb phrase, or in front of the sentence."""
    hedge = rng.choice(HEDGES)
    if any(h in sentence.lower() for h in HEDGES):
        return None
    auxiliary = re.search(r"\b(" + "|".join(AUXILIARIES) + r")\b", sentence)
    if auxiliary:
        return _replace(sentence, auxiliary, f"{auxiliary.group(0)} {hedge}", "certainty", before=auxiliary.group(0))
    changed = f"{hedge.capitalize()}, {sentence[0].lower()}{sentence[1:]}"
    return Mutation(sentence, changed, "certainty", "altered", "", hedge)


def remove_hedge(sentence: str, rng: random.Random) -> Mutation | None:
    """Delete an existing hedge word."""
    match = re.search(r"\b(" + "|".join(HEDGES + ("may", "might")) + r")\b ?", sentence)
    if not match:
        return None
    word = match.group(1)
    replacement = "will " if word.lower() in ("may", "might") else ""
    changed = sentence[: match.start()] + replacement + sentence[match.end():]
    return Mutation(sentence, changed, "certainty", "altered", word, replacement.strip())


def swap_speaker(sentence: str, rng: random.Random) -> Mutation | None:
    """Change who said it: 'X said' -> 'Y said'."""
    match = re.search(r"(?:,|\.|\") ((?:the |a |an )?[\w ]{2,40}?) (" + "|".join(REPORTING_VERBS) + r")\b", sentence)
    if not match:
        match = re.search(r"\b(" + "|".join(REPORTING_VERBS) + r") ((?:the |a |an )?[A-Z][\w]+(?: [A-Z][\w]+)?)", sentence)
        if not match:
            return None
        speaker_group = 2
    else:
        speaker_group = 1
    speaker = match.group(speaker_group)
    other = rng.choice([s for s in SPEAKERS if s.lower() != speaker.lower()])
    return _replace(sentence, match, other, "attribution", group=speaker_group)


def paraphrase_quote(sentence: str, rng: random.Random) -> Mutation | None:
    """Turn a direct quote into reported speech by removing the quote marks."""
    match = _QUOTE.search(sentence)
    if not match:
        return None
    inner = match.group(1).strip().rstrip(",.")
    changed = sentence[: match.start()] + "that " + inner[0].lower() + inner[1:] + sentence[match.end():]
    return Mutation(sentence, changed, "quote", "altered", match.group(0), inner)


SENTENCE_PERTURBATIONS = {
    "number": change_number,
    "date": change_date,
    "entity_swap": swap_entity,
    "entity_removed": remove_entity,
    "negation": flip_negation,
    "hedge_added": add_hedge,
    "hedge_removed": remove_hedge,
    "speaker": swap_speaker,
    "quote": paraphrase_quote,
}


@dataclass(frozen=True)
class DocumentCase:
    """A reference document and a version with dropped, added and moved sentences."""

    reference: tuple[str, ...]
    version: tuple[str, ...]
    dropped: frozenset[int]  # reference sentence ids with no counterpart
    added: frozenset[int]  # version sentence ids with no counterpart
    moved: frozenset[int]  # version sentence ids that moved
    sentence_changes: tuple[tuple[int, int, Mutation], ...]  # (ref id, version id, mutation)


def perturb_document(sentences: list[str], fillers: list[str], rng: random.Random,
                     n_drop: int = 2, n_add: int = 2, n_move: int = 1, n_changes: int = 3) -> DocumentCase:
    """Drop, add, move and alter sentences of a document, keeping the truth."""
    ids = list(range(len(sentences)))
    dropped = set(rng.sample(ids, min(n_drop, max(len(ids) - 2, 0))))
    kept = [i for i in ids if i not in dropped]
    order = list(kept)
    moved_ref: set[int] = set()
    for _ in range(n_move):
        if len(order) < 4:
            break
        i = rng.randrange(len(order))
        item = order.pop(i)
        j = rng.choice([k for k in range(len(order) + 1) if abs(k - i) > 1])
        order.insert(j, item)
        moved_ref.add(item)
    version: list[tuple[int | None, str]] = [(i, sentences[i]) for i in order]
    for filler in rng.sample(fillers, min(n_add, len(fillers))):
        version.insert(rng.randrange(len(version) + 1), (None, filler))
    changes = []
    candidates = [pos for pos, (ref, _) in enumerate(version) if ref is not None]
    rng.shuffle(candidates)
    for pos in candidates:
        if len(changes) >= n_changes:
            break
        ref, text = version[pos]
        name = rng.choice(sorted(SENTENCE_PERTURBATIONS))
        mutation = SENTENCE_PERTURBATIONS[name](text, rng)
        if mutation is not None and mutation.status == "altered":
            version[pos] = (ref, mutation.changed)
            changes.append((ref, pos, mutation))
    return DocumentCase(
        reference=tuple(sentences),
        version=tuple(text for _, text in version),
        dropped=frozenset(dropped),
        added=frozenset(pos for pos, (ref, _) in enumerate(version) if ref is None),
        moved=frozenset(pos for pos, (ref, _) in enumerate(version) if ref in moved_ref),
        sentence_changes=tuple(changes),
    )


def _replace(sentence: str, match: re.Match, new: str, kind: str, group: int = 0, before: str | None = None) -> Mutation:
    start, end = match.span(group)
    changed = sentence[:start] + new + sentence[end:]
    return Mutation(sentence, changed, kind, "altered", before if before is not None else match.group(group), new)


def demetr_items(perturbation: str | None = None) -> list[dict]:
    """DEMETR German/French items whose perturbation applied (optionally one perturbation only)."""
    with gzip.open(DATA / "demetr-de-fr" / "demetr_de_fr.jsonl.gz", "rt", encoding="utf-8") as handle:
        items = [json.loads(line) for line in handle]
    return [x for x in items if x["pert_check"] and (perturbation is None or x["pert_name"] == perturbation)]


def demetr_parallel() -> list[dict]:
    """One row per DEMETR item: src_sent (de/fr), eng_sent, mt_sent, language."""
    seen, rows = set(), []
    for item in demetr_items():
        if item["id"] not in seen:
            seen.add(item["id"])
            rows.append({"id": item["id"], "src": item["src_sent"], "eng": item["eng_sent"], "mt": item["mt_sent"],
                         "language": "de" if item["lang_tag"] == "german" else "fr"})
    return rows


def wmt21_segments() -> list[dict]:
    """WMT21 en-de news segments: source, system, target, reference, in file order."""
    with gzip.open(DATA / "wmt-mqm-ende" / "newstest2021_ende_mqm_segments.tsv.gz", "rt", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def wmt21_sources() -> list[str]:
    """The English WMT21 source sentences, in document order."""
    seen, sources = set(), []
    for row in wmt21_segments():
        if row["seg_id"] not in seen:
            seen.add(row["seg_id"])
            sources.append(row["source"])
    return sources


def checkthat_objective(language: str = "english") -> list[str]:
    """Objective (OBJ) training sentences of CheckThat! 2025 (non-commercial: benchmarks only)."""
    folder = DATA / "checkthat_subjectivity" / language
    suffix = "en" if language == "english" else "de"
    with open(folder / f"train_{suffix}.tsv", encoding="utf-8") as handle:
        return [row["sentence"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                if row.get("label") == "OBJ"]


def news_sentences() -> list[str]:
    """Real English news sentences from DEMETR, WMT21 and CheckThat!, de-duplicated, in a fixed order."""
    pool = [row["eng"] for row in demetr_parallel()] + wmt21_sources() + checkthat_objective()
    seen, unique = set(), []
    for sentence in pool:
        if sentence not in seen and len(sentence.split()) >= 6:
            seen.add(sentence)
            unique.append(sentence)
    return unique
