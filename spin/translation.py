"""Translation quality: MQM-style error spans, quality scores, and whether a version is a (machine) translation.

A verification desk needs to know whether a version is a translation, of what, how faithful it is
and exactly where meaning broke. Everything here runs offline and every error is a span:

- **Accuracy** errors (mistranslated numbers, dates, currencies, names and negations; omitted and
  added statements) come from :func:`spin.mutations.compare_texts`, mapped onto MQM categories by
  :func:`errors_from_mutations`. Names are also checked for their form: wrong case, split or merged,
  turned into a common word, garbled by a transliteration round trip.
- **Untranslated** spans: sentences in another language, and single words that belong to another
  supported language far more than to the text's own (wordfreq).
- **Fluency**: duplicated phrases, broken or unbalanced quotes and brackets, machine-translation
  artefacts (``spin/data/<lang>/mt_artefacts.txt``), words that exist but are implausible (rare
  words, unknown words, unseen compounds), and text that does not parse as a sentence.
- **Terminology / literal renderings**: set phrases and domain terms rendered word for word
  (``spin/data/<lang>/literal_renderings.txt``).

Scores follow MQM (Freitag et al. 2021): Major 5, Minor 1, Minor punctuation 0.1, Non-translation
25; ``quality = 100 − penalty per 100 source words``, clipped to 0–100, with an adequacy component
(Accuracy, Terminology, Non-translation) and a fluency component (Fluency). Same-language
comparisons also report chrF (sacrebleu). Neural metrics (COMET, MetricX) are not used: they need
model downloads.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from sacrebleu.metrics import CHRF
from sklearn.base import BaseEstimator, TransformerMixin
from wordfreq import zipf_frequency

from spin.claims import find_entities, parse_number_words
from spin.language import lemmatize, sentences_table, tokenize
from spin.mutations import compare_texts
from spin.resources import SUPPORTED_LANGUAGES, word_list, word_table
from spin.settings import default_settings

TRANSLATION_COLUMNS = (
    "article_id", "reference", "is_translation", "from_language", "round_trip", "quality", "adequacy",
    "fluency", "machine_translation_likelihood", "reasons", "chrf",
)
ERROR_COLUMNS = ("start", "end", "text", "source_start", "source_end", "category", "severity", "detail")
TABLE_ERROR_COLUMNS = ("article_id", *ERROR_COLUMNS)

MAJOR = "Major"
MINOR = "Minor"
MISTRANSLATION = "Accuracy/Mistranslation"
OMISSION = "Accuracy/Omission"
ADDITION = "Accuracy/Addition"
UNTRANSLATED = "Accuracy/Untranslated"
NON_TRANSLATION = "Non-translation"
TERMINOLOGY = "Terminology/Inappropriate for context"
GRAMMAR = "Fluency/Grammar"
PUNCTUATION = "Fluency/Punctuation"
SPELLING = "Fluency/Spelling"
REPETITION = "Fluency/Repetition"
INCONSISTENCY = "Fluency/Inconsistency"
WORD_CHOICE = "Fluency/Word choice"

SAME_LANGUAGE = "same-language"
CROSS_LINGUAL = "cross-lingual"
NO_SOURCE = "no-source"

# (status, kind) of a mutation row -> (category, severity, what it means for a translation).
# Kept rows and kinds not listed here are not errors. Anchors inside an omitted or added
# statement are not counted twice.
MUTATION_ERRORS: Mapping[tuple[str, str], tuple[str, str, str]] = {
    ("altered", "number"): (MISTRANSLATION, MAJOR, "number rendered wrongly"),
    ("altered", "date"): (MISTRANSLATION, MAJOR, "date rendered wrongly"),
    ("altered", "entity"): (MISTRANSLATION, MAJOR, "name replaced or mangled"),
    ("altered", "negation"): (MISTRANSLATION, MAJOR, "negation lost or added"),
    ("altered", "quote"): (MISTRANSLATION, MINOR, "quotation rendered differently"),
    ("altered", "attribution"): (MISTRANSLATION, MINOR, "attribution changed"),
    ("altered", "certainty"): (MISTRANSLATION, MINOR, "certainty changed"),
    ("altered", "claim"): (MISTRANSLATION, MINOR, "statement changed"),
    ("dropped", "claim"): (OMISSION, MAJOR, "statement omitted"),
    ("dropped", "number"): (OMISSION, MAJOR, "number omitted"),
    ("dropped", "date"): (OMISSION, MINOR, "date omitted"),
    ("dropped", "entity"): (OMISSION, MINOR, "name omitted"),
    ("dropped", "quote"): (OMISSION, MAJOR, "quotation omitted"),
    ("dropped", "attribution"): (OMISSION, MINOR, "attribution omitted"),
    ("dropped", "certainty"): (OMISSION, MINOR, "hedge or booster omitted"),
    ("dropped", "negation"): (MISTRANSLATION, MAJOR, "negation lost"),
    ("added", "claim"): (ADDITION, MAJOR, "statement added"),
    ("added", "number"): (ADDITION, MINOR, "number added"),
    ("added", "date"): (ADDITION, MINOR, "date added"),
    ("added", "entity"): (ADDITION, MINOR, "name added"),
    ("added", "quote"): (ADDITION, MINOR, "quotation added"),
    ("added", "attribution"): (ADDITION, MINOR, "attribution added"),
    ("added", "certainty"): (ADDITION, MINOR, "hedge or booster added"),
    ("added", "negation"): (MISTRANSLATION, MAJOR, "negation added"),
}

# Checks whose findings count as evidence of machine translation, and their weight; the others
# (omissions, additions, changed numbers) say how faithful a text is, not who translated it.
MT_SIGNALS: Mapping[str, float] = {
    "name_form": 1.0,
    "name_case": 1.0,
    "artefact": 1.0,
    "repetition": 1.0,
    "literal": 1.0,
    "unparsed": 1.0,
    "untranslated": 1.0,
    "non_word": 0.5,
    "rare_word": 0.5,
    "quote": 0.5,
}
# Kinds of garble that set a round trip apart from an ordinary rewrite in the same language.
ROUND_TRIP_SIGNALS = frozenset({"name_form", "name_case", "literal", "artefact", "repetition", "unparsed"})

# Median log ratio of character lengths (target / source) of translations, per language pair:
# en→de 0.15 on newstest2021 and WMT23 (research note, section 4.0); the other pairs are
# their inverses and the en→fr value measured the same way on DEMETR (fr→en, 100 items).
EXPECTED_LENGTH_LOG_RATIO: Mapping[tuple[str, str], float] = {
    ("en", "de"): 0.15, ("de", "en"): -0.15,
    ("en", "fr"): 0.17, ("fr", "en"): -0.17,
    ("de", "fr"): 0.02, ("fr", "de"): -0.02,
}

_QUOTE_PAIRS = {
    "en": (("“", "”"), ("«", "»"), ("„", "“"), ('"', '"')),
    "de": (("„", "“"), ("»", "«"), ("“", "”"), ("«", "»"), ('"', '"')),
    "fr": (("«", "»"), ("“", "”"), ("„", "“"), ('"', '"')),
}
_NAME_FOLDS = (("th", "s"), ("ph", "p"), ("l", "r"), ("v", "b"), ("w", "b"), ("f", "p"), ("z", "j"),
               ("c", "k"), ("q", "k"), ("y", "i"))
# Across languages names are respelled by convention (Congress/Kongress, Africa/Afrika, Donbas/Donbass),
# so only the confusions no spelling convention makes count there.
_CROSS_LINGUAL_NAME_FOLDS = (("l", "r"), ("v", "b"))
_ENUMERATOR = re.compile(r"(?:^|[\s:;,])(?:[a-z]|\d{1,2}|[ivx]{1,4})$")  # "a)", "2)", "iv)" enumerations
_SENTENCE_INITIAL = re.compile(r"(?:^|[.!?…]\s+|\n\s*|[\"“”„«»‚‘(\[—–-]\s*)$")
_LINKING = ("", "s", "es", "n", "en", "e")
_CHRF = CHRF()


@dataclass(frozen=True)
class TranslationError:
    """One error span: offsets into the target text (empty for omissions) and into the source text."""

    start: int | None
    end: int | None
    text: str
    source_start: int | None
    source_end: int | None
    category: str
    severity: str
    detail: str
    check: str = field(default="mutation", compare=False)


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    text: str
    kind: str
    language: str


# --------------------------------------------------------------------------- settings and data


def _settings(settings: Mapping | None = None) -> Mapping:
    return (settings or default_settings())["translation"]


@lru_cache(maxsize=None)
def _literal_entries(language: str) -> tuple[tuple[tuple[str, ...], str, str], ...]:
    """(pattern words, usual rendering, kind) of ``literal_renderings.txt``; words as lemmas."""
    entries = []
    for row in word_table(language, "literal_renderings"):
        words = tuple(_word_key(word, language) if word not in ("*", "<num>", "<year>") else word
                      for word in row[0].lower().split())
        entries.append((words, row[1] if len(row) > 1 else "", row[2] if len(row) > 2 else "idiom"))
    return tuple(entries)


@lru_cache(maxsize=None)
def _artefact_patterns(language: str) -> tuple[tuple[re.Pattern, str, str], ...]:
    return tuple((re.compile(row[0]), row[1], row[2]) for row in word_table(language, "mt_artefacts"))


@lru_cache(maxsize=200_000)
def _zipf(word: str, language: str) -> float:
    return zipf_frequency(word, language)


@lru_cache(maxsize=200_000)
def _word_key(word: str, language: str) -> str:
    """A word's lemma, lower-cased, for matching set phrases in any inflection."""
    return lemmatize(word.lower(), language).lower()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[tuple[int, int, str]]:
    return [token for token in tokenize(text) if any(ch.isalpha() for ch in token[2])]


# --------------------------------------------------------------------------- scoring


def error_weight(category: str, severity: str, settings: Mapping | None = None) -> float:
    """MQM weight of one error: Non-translation 25, Major 5, Minor punctuation 0.1, other Minor 1."""
    config = _settings(settings)
    if category == NON_TRANSLATION:
        return config["non_translation_weight"]
    if severity == MAJOR:
        return config["major_weight"]
    if category == PUNCTUATION:
        return config["minor_punctuation_weight"]
    return config["minor_weight"]


def is_adequacy_error(category: str) -> bool:
    """Accuracy, Terminology and Non-translation errors change meaning; Fluency errors do not."""
    return category.startswith(("Accuracy", "Terminology", NON_TRANSLATION))


def score_errors(errors: Iterable[TranslationError], words: int, settings: Mapping | None = None) -> dict:
    """penalty (per 100 words), quality, adequacy and fluency (0–100) of a list of errors."""
    if words <= 0:
        return {"penalty": math.nan, "quality": math.nan, "adequacy": math.nan, "fluency": math.nan}
    adequacy = fluency = 0.0
    for error in errors:
        weight = error_weight(error.category, error.severity, settings)
        if is_adequacy_error(error.category):
            adequacy += weight
        else:
            fluency += weight
    per_word = 100.0 / words

    def clip(penalty: float) -> float:
        return float(min(100.0, max(0.0, 100.0 - penalty * per_word)))

    return {
        "penalty": (adequacy + fluency) * per_word,
        "quality": clip(adequacy + fluency),
        "adequacy": clip(adequacy),
        "fluency": clip(fluency),
    }


def chrf(hypothesis: str, reference: str) -> float:
    """Document chrF (sacrebleu defaults, 0–100) of two texts in the same language."""
    if not hypothesis.strip() or not reference.strip():
        return math.nan
    return float(_CHRF.sentence_score(hypothesis, [reference]).score)


# --------------------------------------------------------------------------- accuracy: mutations


def errors_from_mutations(mutations: pd.DataFrame, same_language: bool = True,
                          settings: Mapping | None = None) -> list[TranslationError]:
    """Translation errors from mutation rows (status, kind, offsets), mapped by :data:`MUTATION_ERRORS`.

    Offsets of ``start``/``end`` are into the translation, ``source_start``/``source_end`` into the
    source. An anchor dropped (added) inside a statement that is itself dropped (added) is not
    counted again. Within one language, a kept statement whose wording departs from the source
    (sentence chrF below ``divergence_max_chrf``) is a Minor mistranslation; across languages a
    name added is not an error (the name finder cannot tell German nouns from names).
    """
    if mutations is None or mutations.empty:
        return []
    rows = mutations.to_dict("records")
    if not same_language:
        rows = [row for row in rows if not (row["status"] == "added" and row["kind"] == "entity")]
    rows, unmatched = _pair_unmatched_statements(rows)
    if same_language:
        unmatched += _divergence_errors(rows, _settings(settings)["divergence_max_chrf"])
    whole = {
        status: [(row[start], row[end]) for row in rows if row["status"] == status and row["kind"] == "claim"]
        for status, start, end in (("dropped", "source_start", "source_end"), ("added", "start", "end"))
    }
    errors = []
    for row in rows:
        mapped = MUTATION_ERRORS.get((row["status"], row["kind"]))
        if mapped is None:
            continue
        if row["kind"] != "claim" and row["status"] in whole:
            span = (row["source_start"], row["source_end"]) if row["status"] == "dropped" else (row["start"], row["end"])
            if _inside(span, whole[row["status"]]):
                continue
        category, severity, what = mapped
        detail = _mutation_detail(what, row.get("detail"))
        text = row.get("version_text") if row["status"] != "dropped" else row.get("source_text")
        errors.append(TranslationError(
            start=_offset(row.get("start")), end=_offset(row.get("end")), text=str(text) if _present(text) else "",
            source_start=_offset(row.get("source_start")), source_end=_offset(row.get("source_end")),
            category=category, severity=severity, detail=detail, check=f"mutation_{row['kind']}",
        ))
    return errors + unmatched


def _divergence_errors(rows: list[dict], max_chrf: float) -> list[TranslationError]:
    errors = []
    for row in rows:
        if row["kind"] != "claim" or row["status"] not in ("kept", "altered"):
            continue
        source, version = str(row.get("source_text") or ""), str(row.get("version_text") or "")
        score = chrf(version, source)
        if score < max_chrf:
            errors.append(TranslationError(
                _offset(row["start"]), _offset(row["end"]), version, _offset(row["source_start"]),
                _offset(row["source_end"]), MISTRANSLATION, MINOR,
                f"wording departs from the source statement (chrF {score:.0f})", "mutation_claim"))
    return errors


def _pair_unmatched_statements(rows: list[dict]) -> tuple[list[dict], list[TranslationError]]:
    """A source statement and a version statement left unaligned at the same place (between the
    same aligned statements) and of comparable length are most likely one statement rendered too
    freely to be matched, not an omission plus an addition: they become one Minor mistranslation."""
    links = sorted((row["source_start"], row["start"]) for row in rows
                   if row["kind"] == "claim" and row["status"] in ("kept", "altered")
                   and _present(row["source_start"]) and _present(row["start"]))
    source_marks, target_marks = [link[0] for link in links], sorted(link[1] for link in links)
    gaps: dict[int, tuple[list[dict], list[dict]]] = defaultdict(lambda: ([], []))
    for row in rows:
        if row["kind"] == "claim" and row["status"] == "dropped" and _present(row["source_start"]):
            gaps[bisect.bisect(source_marks, row["source_start"])][0].append(row)
        elif row["kind"] == "claim" and row["status"] == "added" and _present(row["start"]):
            gaps[bisect.bisect(target_marks, row["start"])][1].append(row)
    paired: set[int] = set()
    errors = []
    for dropped, added in gaps.values():
        for source_row, target_row in zip(dropped, added):
            source_length = len(str(source_row.get("source_text") or ""))
            target_length = len(str(target_row.get("version_text") or ""))
            if not (0.5 <= (target_length + 1) / (source_length + 1) <= 2.0):
                continue
            paired.update((id(source_row), id(target_row)))
            errors.append(TranslationError(
                _offset(target_row["start"]), _offset(target_row["end"]), str(target_row.get("version_text") or ""),
                _offset(source_row["source_start"]), _offset(source_row["source_end"]), MISTRANSLATION, MINOR,
                "statement not matched to its source statement (rendered freely or wrongly)", "mutation_claim"))
    return [row for row in rows if id(row) not in paired], errors


def _mutation_detail(what: str, detail) -> str:
    """The mutation's own detail when it already names the kind of change, else prefixed with it."""
    if not _present(detail):
        return what
    return str(detail) if what.split()[0] in str(detail).lower() else f"{what}: {detail}"


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NA and value != ""


def _offset(value) -> int | None:
    return int(value) if _present(value) else None


def _inside(span: tuple, spans: list[tuple]) -> bool:
    start, end = span
    if not (_present(start) and _present(end)):
        return False
    return any(_present(s) and _present(e) and s <= start and end <= e for s, e in spans)


# --------------------------------------------------------------------------- accuracy: name forms


def name_key(name: str, folds: Sequence[tuple[str, str]] = _NAME_FOLDS) -> str:
    """A name as a round trip through another script or language may garble it: lower case,
    accents folded, easily confused letters merged (l/r, v/b, f/p, th/s …), doubled letters collapsed."""
    key = _fold(name)
    for old, new in folds:
        key = key.replace(old, new)
    key = re.sub(r"[^a-z]", "", key)
    return re.sub(r"(.)\1+", r"\1", key)


def name_form_errors(source_text: str, source_language: str, target_text: str,
                     target_language: str) -> list[TranslationError]:
    """Names of the source that the target spells in another form: wrong case, split or merged,
    turned into a common word, or garbled the way a transliteration round trip garbles them."""
    names: dict[str, tuple[set[str], tuple[int, int]]] = {}
    for entity in find_entities(source_text, source_language):
        lead = re.match(r"(?:[^\W\d_]*[a-zà-ÿ][^\W\d_]*\s+)*", entity.text).end()  # "of Apple" -> "Apple"
        surface = re.sub(r"(?:['’]s|['’])$", "", entity.text[lead:])
        if len(surface) < 3:
            continue
        start = entity.start + lead
        forms, span = names.setdefault(_fold(surface), (set(), (start, start + len(surface))))
        forms.add(surface)
    words = _words(target_text)
    initial = _initial_positions(target_text, words)
    errors: list[TranslationError] = []
    for folded, (forms, (source_start, source_end)) in names.items():
        errors.extend(_case_errors(target_text, target_language, forms, folded, source_start, source_end, initial,
                                   cross_lingual=source_language != target_language))
        errors.extend(_spacing_errors(target_text, forms, folded, source_start, source_end))
        if " " not in folded:
            folds = _NAME_FOLDS if source_language == target_language else _CROSS_LINGUAL_NAME_FOLDS
            errors.extend(_transliteration_errors(words, forms, folded, source_start, source_end, folds))
    return errors


def _case_errors(text, language, forms, folded, source_start, source_end, initial, cross_lingual) -> list[TranslationError]:
    """Occurrences of a name that differ from it in case only. Not counted: a capital forced by the
    sentence start; a lower-case form when the text never writes the name as the source does (a
    common noun such as German "Session" rendered "session"); across languages a frequent word of
    the target language spelled like the name (ALS/als)."""
    errors = []
    casefolded = {form.casefold() for form in forms}
    written_as_source = any(re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text) for form in forms)
    for match in re.finditer(rf"(?<!\w){re.escape(folded)}(?!\w)", _fold_keep_length(text)):
        surface = text[match.start():match.end()]
        if surface in forms or surface.casefold() not in casefolded or _in_upper_line(text, match.start()):
            continue
        if match.start() in initial and (surface.islower() or _shape(surface) == "title"):
            continue
        if surface.islower() and (not written_as_source or (cross_lingual and _zipf(surface, language) >= 5.0)):
            continue
        common = surface.islower() and _zipf(surface, language) >= 3.0
        detail = (f"name “{min(forms)}” turned into the common word “{surface}”" if common
                  else f"name “{min(forms)}” written “{surface}”")
        errors.append(TranslationError(match.start(), match.end(), surface, source_start, source_end,
                                       MISTRANSLATION, MINOR, detail, "name_form"))
    return errors


def _spacing_errors(text, forms, folded, source_start, source_end) -> list[TranslationError]:
    """The name split by a space or merged from its words (Databricks/Data bricks, Open AI/OpenAI);
    hyphenation is a spelling convention and does not count."""
    letters = re.sub(r"\s", "", folded)
    if len(letters) < 4:
        return []
    pattern = r"(?<!\w)" + r" ?".join(re.escape(ch) for ch in letters) + r"(?!\w)"
    errors = []
    for match in re.finditer(pattern, _fold_keep_length(text)):
        surface = text[match.start():match.end()]
        if _fold(surface) == folded:
            continue
        what = "split" if surface.count(" ") > folded.count(" ") else "merged"
        errors.append(TranslationError(match.start(), match.end(), surface, source_start, source_end,
                                       MISTRANSLATION, MINOR, f"name “{min(forms)}” {what} as “{surface}”",
                                       "name_form"))
    return errors


def _transliteration_errors(words, forms, folded, source_start, source_end, folds) -> list[TranslationError]:
    """Capitalised words that equal the name under the confusions ``folds`` but are spelled differently
    (beyond accents and doubled letters)."""
    key = name_key(folded, folds)
    plain = name_key(folded, ())
    if len(key) < 3:
        return []
    errors = []
    for start, end, word in words:
        if word[:1].isupper() and name_key(word, ()) != plain and name_key(word, folds) == key:
            errors.append(TranslationError(start, end, word, source_start, source_end, MISTRANSLATION, MAJOR,
                                           f"name “{min(forms)}” garbled as “{word}” (transliteration)",
                                           "name_form"))
    return errors


def _fold_keep_length(text: str) -> str:
    """Casefolded, accent-free text with the same length as ``text`` (offsets stay valid)."""
    out = []
    for ch in text:
        folded = _fold(ch)
        out.append(folded if len(folded) == 1 else ch.lower()[:1] or ch)
    return "".join(out)


def _in_upper_line(text: str, position: int) -> bool:
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) > 10 and sum(ch.isupper() for ch in letters) > 0.8 * len(letters)


def _initial_positions(text: str, words: list[tuple[int, int, str]]) -> set[int]:
    return {start for start, _, _ in words if _SENTENCE_INITIAL.search(text[max(0, start - 4):start]) or start == 0}


def case_inconsistency_errors(text: str, language: str, settings: Mapping | None = None) -> list[TranslationError]:
    """Names written in more than one case in the same text (Meta / META / meta): the minority forms.

    Sentence-initial words and all-capital lines are not considered; a word whose lower-case form
    is common in the language (Zipf ≥ ``name_case_max_zipf``) only counts when it also appears in
    capitals (META against Meta).
    """
    config = _settings(settings)
    words = _words(text)
    initial = _initial_positions(text, words)
    shapes: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for start, end, word in words:
        if len(word) < 3 or start in initial or _in_upper_line(text, start) or not word.isalpha():
            continue
        shapes[word.casefold()].append((start, end, word))
    errors = []
    for folded, found in shapes.items():
        by_shape = Counter(_shape(word) for _, _, word in found)
        if len(by_shape) < 2 or not ({"title", "upper", "mixed"} & set(by_shape)):
            continue
        if set(by_shape) == {"lower", "title"} and (language == "de" or _zipf(folded, language) >= config["name_case_max_zipf"]):
            continue
        usual = "title" if "title" in by_shape else max(by_shape, key=lambda shape: by_shape[shape])
        usual_form = next(word for _, _, word in found if _shape(word) == usual)
        for start, end, word in found:
            if _shape(word) != usual:
                errors.append(TranslationError(start, end, word, None, None, INCONSISTENCY, MINOR,
                                               f"“{word}” elsewhere written “{usual_form}”", "name_case"))
    return errors


def name_variant_errors(text: str, language: str) -> list[TranslationError]:
    """Names spelled two ways in one text that a transliteration round trip confuses (Llama / Rama):
    the rarer spelling is reported. Only capitalised words that are not sentence-initial count."""
    words = _words(text)
    initial = _initial_positions(text, words)
    spellings: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for start, end, word in words:
        word = re.sub(r"(?:['’]s|['’])$", "", word)
        if start in initial or not word[:1].isupper() or not word.isalpha() or len(word) < 4:
            continue
        spellings[name_key(word)].append((start, start + len(word), word))
    errors = []
    for found in spellings.values():
        counts = Counter(_fold(word) for _, _, word in found)
        if len(counts) < 2:
            continue
        usual = max(counts, key=lambda spelling: (counts[spelling], spelling))
        usual_form = next(word for _, _, word in found if _fold(word) == usual)
        errors.extend(TranslationError(start, end, word, None, None, INCONSISTENCY, MINOR,
                                       f"name “{word}” elsewhere spelled “{usual_form}” (transliteration)", "name_form")
                      for start, end, word in found if _fold(word) != usual)
    return errors


def _shape(word: str) -> str:
    if word.isupper():
        return "upper"
    if word.islower():
        return "lower"
    if word[:1].isupper() and word[1:].islower():
        return "title"
    return "mixed"


# --------------------------------------------------------------------------- untranslated spans


def untranslated_errors(sentences: Sequence[_Sentence], language: str, source_language: str | None,
                        settings: Mapping | None = None) -> list[TranslationError]:
    """Sentences in another language, and words that belong to another supported language.

    When more than ``non_translation_share`` of the words are in another language the text was
    not translated at all: those sentences become Non-translation errors (MQM weight 25).
    """
    config = _settings(settings)
    errors = []
    for sentence in sentences:
        words = _words(sentence.text)
        if (sentence.language in SUPPORTED_LANGUAGES and sentence.language != language
                and len(words) >= config["sentence_language_min_words"]):
            what = "left in the source language" if sentence.language == source_language else f"in {sentence.language}"
            errors.append(TranslationError(sentence.start, sentence.end, sentence.text, None, None, UNTRANSLATED,
                                           MAJOR, f"sentence {what}", "untranslated"))
            continue
        errors.extend(_foreign_word_errors(sentence, words, language, config))
    total = sum(len(_words(sentence.text)) for sentence in sentences)
    foreign = sum(len(_words(error.text)) for error in errors)
    if total and foreign > config["non_translation_share"] * total:
        return [replace(error, category=NON_TRANSLATION, detail=error.detail + "; the text is not translated")
                if error.severity == MAJOR else error for error in errors]
    return errors


def _foreign_word_errors(sentence: _Sentence, words, language: str, config) -> list[TranslationError]:
    others = [other for other in SUPPORTED_LANGUAGES if other != language]
    runs: list[list[tuple[int, int, str, str]]] = []
    for start, end, word in words:
        if len(word) < 3 or not word.isalpha():
            continue
        own = _zipf(word.lower(), language)
        best, other = max((_zipf(word.lower(), other), other) for other in others)
        if best >= config["foreign_word_min_zipf"] and best - own >= config["foreign_word_zipf_margin"]:
            if runs and runs[-1][-1][3] == other and re.fullmatch(r"[\s\-]+", sentence.text[runs[-1][-1][1] - sentence.start: start - sentence.start] or "x"):
                runs[-1].append((start, end, word, other))
            else:
                runs.append([(start, end, word, other)])
    errors = []
    for run in runs:
        start, end = sentence.start + run[0][0], sentence.start + run[-1][1]
        text = sentence.text[run[0][0]:run[-1][1]]
        severity = MAJOR if len(run) >= 3 else MINOR
        errors.append(TranslationError(start, end, text, None, None, UNTRANSLATED, severity,
                                       f"{'words' if len(run) > 1 else 'word'} in {run[0][3]}", "untranslated"))
    return errors


# --------------------------------------------------------------------------- fluency checks


def repetition_errors(text: str, language: str, settings: Mapping | None = None) -> list[TranslationError]:
    """Duplicated phrases: a phrase repeated at once or after a few function words ("hundreds of
    terabytes of hundreds of terabytes"), and a word doubled ("the the"), except words listed as
    repeatable. Parallel phrases ("a few days, a few weeks") are not duplicates."""
    config = _settings(settings)
    words = _words_and_numbers(text)
    lower = [word.lower() for _, _, word in words]
    repeatable = word_list(language, "repeatable_words")
    taken: list[tuple[int, int]] = []
    errors = []
    for size in range(config["repeat_max_words"], 0, -1):
        for i in range(len(words) - size):
            phrase = lower[i:i + size]
            gaps = range(0, 1) if size == 1 else range(0, config["repeat_max_gap"] + 1)
            for gap in gaps:
                j = i + size + gap
                if lower[j:j + size] != phrase or _same_sentence_break(text, words[i][0], words[j + size - 1][1]):
                    continue
                if any(_zipf(word, language) < config["repeat_content_max_zipf"] for word in lower[i + size:j]):
                    continue
                if size == 1 and (phrase[0] in repeatable or not words[i][2].isalpha() or not words[i][2].islower()
                                  or text[words[i][1]:words[j][0]].strip()):
                    continue
                if size > 1 and all(_zipf(word, language) >= config["repeat_content_max_zipf"] or len(word) < 3
                                    for word in phrase):
                    continue
                start, end = words[j][0], words[j + size - 1][1]
                if any(s < end and start < e for s, e in taken):
                    continue
                taken.append((words[i][0], end))
                errors.append(TranslationError(start, end, text[start:end], None, None, REPETITION, MINOR,
                                               f"duplicated phrase “{text[start:end]}”", "repetition"))
                break
    return sorted(errors, key=lambda error: error.start)


def _same_sentence_break(text: str, start: int, end: int) -> bool:
    return bool(re.search(r"[.!?]\s|\n", text[start:end]))


def quote_errors(text: str, language: str) -> list[TranslationError]:
    """Broken or unbalanced quotation marks and brackets, paragraph by paragraph.

    A quotation left open at the end of a paragraph is accepted when the next paragraph opens
    with the same mark (the convention for quotations running over several paragraphs).
    """
    pairs = _QUOTE_PAIRS.get(language, _QUOTE_PAIRS["en"])
    closers = {close: open_ for open_, close in pairs}
    errors = []
    paragraphs = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text)]
    for index, (offset, paragraph) in enumerate(paragraphs):
        stack: list[tuple[str, int]] = []
        for position, ch in enumerate(paragraph):
            if ch == "(" or ch == "[":
                stack.append((ch, position))
            elif ch in ")]":
                expected = "(" if ch == ")" else "["
                if stack and stack[-1][0] == expected:
                    stack.pop()
                elif not (ch == ")" and _ENUMERATOR.search(paragraph[:position])):
                    errors.append(_mark_error(text, offset + position, f"closing “{ch}” without an opening one"))
            elif ch == '"' or ch in closers or any(ch == open_ for open_, _ in pairs):
                if stack and _closes(stack[-1][0], ch, pairs):
                    stack.pop()
                elif any(ch == open_ for open_, _ in pairs):
                    stack.append((ch, position))
                elif stack and stack[-1][0] in dict(pairs):
                    errors.append(_mark_error(text, offset + position,
                                              f"quotation opened with “{stack[-1][0]}” closed with “{ch}”"))
                    stack.pop()
                else:
                    errors.append(_mark_error(text, offset + position, f"closing “{ch}” without an opening one"))
        following = paragraphs[index + 1][1].lstrip()[:1] if index + 1 < len(paragraphs) else ""
        for mark, position in stack:
            if mark in dict(pairs) and following == mark:
                continue
            what = "bracket" if mark in "([" else "quotation"
            errors.append(_mark_error(text, offset + position, f"{what} opened with “{mark}” is never closed"))
    return sorted(errors, key=lambda error: error.start)


def _closes(opener: str, ch: str, pairs) -> bool:
    return any(open_ == opener and close == ch for open_, close in pairs)


def _mark_error(text: str, position: int, detail: str) -> TranslationError:
    """A punctuation error on one mark, shown with the words up to the end of its sentence."""
    match = re.compile(r"[^.!?\n]{0,60}").match(text, position + 1)
    end = match.end() if match else position + 1
    return TranslationError(position, end, text[position:end], None, None, PUNCTUATION, MINOR, detail, "quote")


def artefact_errors(text: str, language: str) -> list[TranslationError]:
    """Matches of the language's machine-translation artefact patterns (``mt_artefacts.txt``)."""
    errors = []
    for pattern, category, detail in _artefact_patterns(language):
        for match in pattern.finditer(text):
            start, end = _widen_to_words(text, match.start(), match.end())
            errors.append(TranslationError(start, end, text[start:end], None, None, category, MINOR, detail,
                                           "artefact"))
    return sorted(errors, key=lambda error: error.start)


def _widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def literal_rendering_errors(text: str, language: str) -> list[TranslationError]:
    """Set phrases and domain terms rendered word for word (``literal_renderings.txt``)."""
    words = _words_and_numbers(text)
    keys = [(_word_key(word, language), word.lower()) for _, _, word in words]
    errors = []
    for pattern, usual, kind in _literal_entries(language):
        size = len(pattern)
        for i in range(len(words) - size + 1):
            if all(_matches(part, keys[i + k], words[i + k][2]) for k, part in enumerate(pattern)):
                start, end = words[i][0], words[i + size - 1][1]
                if any(error.start < end and start < error.end for error in errors):
                    continue
                category = TERMINOLOGY if kind in ("finance", "legal", "tech") else MISTRANSLATION
                what = {"idiom": "set phrase rendered literally", "false_friend": "false friend"}.get(
                    kind, f"{kind} term rendered literally")
                errors.append(TranslationError(start, end, text[start:end], None, None, category, MINOR,
                                               f"{what}; usually “{usual}”", "literal"))
    return sorted(errors, key=lambda error: error.start)


def _words_and_numbers(text: str) -> list[tuple[int, int, str]]:
    return [token for token in tokenize(text) if any(ch.isalnum() for ch in token[2])]


def _matches(part: str, keys: tuple[str, str], word: str) -> bool:
    if part == "*":
        return True
    if part == "<year>":
        return bool(re.fullmatch(r"(?:19|20)\d\d", word))
    if part == "<num>":
        return word.replace(",", "").replace(".", "").isdigit() or parse_number_words(word, "en") is not None
    return part in keys


def implausible_word_errors(text: str, language: str, settings: Mapping | None = None) -> list[TranslationError]:
    """Lower-case words that are unknown to wordfreq (non-words, unseen compounds in en/fr) or so
    rare that they are implausible in running news text. German compounds of known words pass."""
    config = _settings(settings)
    errors = []
    for start, end, word in _words(text):
        if not word.isalpha() or not word.islower() or len(word) < config["rare_word_min_chars"]:
            continue
        frequency = _zipf(word, language)
        if frequency >= config["rare_word_max_zipf"]:
            continue
        if frequency > 0:
            errors.append(TranslationError(start, end, word, None, None, WORD_CHOICE, MINOR,
                                           f"rare word (Zipf {frequency:.1f}), implausible here", "rare_word"))
            continue
        if _zipf(_word_key(word, language), language) > 0:
            continue
        parts = _compound_parts(word, language, config["compound_part_min_zipf"])
        if parts and language == "de":
            continue
        detail = f"unseen compound “{'+'.join(parts)}”" if parts else "not a known word"
        errors.append(TranslationError(start, end, word, None, None, SPELLING, MINOR, detail, "non_word"))
    return errors


def _compound_parts(word: str, language: str, min_zipf: float) -> tuple[str, str] | None:
    for cut in range(3, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        if _zipf(tail, language) < min_zipf:
            continue
        for link in _LINKING:
            stem = head[: len(head) - len(link)] if link and head.endswith(link) else head
            if len(stem) >= 3 and _zipf(stem, language) >= min_zipf:
                return stem, tail
    return None


def unparsed_sentence_errors(sentences: Sequence[_Sentence], language: str) -> list[TranslationError]:
    """Body sentences that do not parse as sentences: they start in lower case, or end on an
    article, conjunction or possessive (a sentence cut short)."""
    dangling = word_list(language, "dangling_words")
    errors = []
    for sentence in sentences:
        words = _words(sentence.text)
        if sentence.kind != "body" or len(words) < 3:
            continue
        first = words[0][2]
        if first[:1].islower() and first.islower() and sentence.text.lstrip("\"'“„«‚‘([—–- ")[:1].islower():
            errors.append(TranslationError(sentence.start, sentence.end, sentence.text, None, None, GRAMMAR, MINOR,
                                           f"sentence starts with lower-case “{first}”", "unparsed"))
            continue
        restart = _lower_case_restart(sentence.text, language)
        if restart is not None:
            start = sentence.start + restart
            errors.append(TranslationError(start, sentence.end, sentence.text[restart:], None, None, GRAMMAR, MINOR,
                                           f"sentence goes on in lower case after a full stop: "
                                           f"“{sentence.text[restart:].split()[0]}”", "unparsed"))
            continue
        last = words[-1][2].lower()
        tail = sentence.text[words[-1][1]:].strip()
        if last in dangling and tail[:1] in (".", "!", "?"):
            errors.append(TranslationError(sentence.start, sentence.end, sentence.text, None, None, GRAMMAR, MINOR,
                                           f"sentence ends on “{words[-1][2]}”", "unparsed"))
    return errors


def _lower_case_restart(text: str, language: str) -> int | None:
    """Offset of a lower-case word right after a sentence-final mark that is not an abbreviation's."""
    abbreviations = _abbreviations(language)
    for match in re.finditer(r"(\S+?)([.!?])\s+(?=[^\W\d_A-ZÀ-ÖØ-Þ])", text):
        token = match.group(1)
        if match.group(2) == "." and (re.sub(r"\W", "", token).isdigit() or len(token.strip("(\"'“")) <= 1
                                      or (token + ".").lower() in abbreviations):
            continue
        if text[match.end():match.end() + 1].islower():
            return match.end()
    return None


@lru_cache(maxsize=None)
def _abbreviations(language: str) -> frozenset[str]:
    return frozenset(entry.replace(" ", "").lower() for entry in word_list(language, "abbreviations"))


# --------------------------------------------------------------------------- machine translation


def intrinsic_errors(text: str, language: str, sentences: Sequence[_Sentence] | None = None,
                     source_language: str | None = None, settings: Mapping | None = None) -> list[TranslationError]:
    """Every error found in the text alone (no comparison text): untranslated words and sentences,
    duplicated phrases, quotes, artefacts, literal renderings, implausible words, unparsed sentences."""
    if sentences is None:
        sentences = sentence_rows(text, language)
    return [
        *untranslated_errors(sentences, language, source_language, settings),
        *repetition_errors(text, language, settings),
        *quote_errors(text, language),
        *artefact_errors(text, language),
        *literal_rendering_errors(text, language),
        *implausible_word_errors(text, language, settings),
        *unparsed_sentence_errors(sentences, language),
    ]


def sentence_rows(text: str, language: str) -> list[_Sentence]:
    """The text's sentences with their kind and their own language."""
    table = sentences_table(pd.DataFrame([{"article_id": "", "text": text, "language": language}]))
    return [_Sentence(int(row.start), int(row.end), row.text, row.kind, row.language) for row in table.itertuples()]


def machine_translation_likelihood(text: str, language: str, source_text: str | None = None,
                                   source_language: str | None = None,
                                   settings: Mapping | None = None) -> tuple[float, list[str]]:
    """How likely (0–1) a text is machine-translated, with the reasons.

    Evidence: garbled or inconsistently written names, machine-translation artefacts, duplicated
    phrases, literal renderings of set phrases, sentences that do not parse, untranslated words,
    non-words and broken quotes, per 100 words. Given the source, a length ratio close to the
    usual one for the language pair (literal translation) adds to it.
    """
    if not text or not _words(text) or language not in SUPPORTED_LANGUAGES:
        return math.nan, []
    errors = intrinsic_errors(text, language, source_language=source_language, settings=settings)
    errors += case_inconsistency_errors(text, language, settings) + name_variant_errors(text, language)
    if source_text and source_text.strip() and source_language in SUPPORTED_LANGUAGES:
        errors += name_form_errors(source_text, source_language, text, language)
    return likelihood_from_errors(errors, len(_words_and_numbers(text)), text, language, source_text, source_language,
                                  settings)


def likelihood_from_errors(errors: Sequence[TranslationError], words: int, text: str, language: str,
                           source_text: str | None = None, source_language: str | None = None,
                           settings: Mapping | None = None) -> tuple[float, list[str]]:
    """machine_translation_likelihood from errors already found (see there)."""
    config = _settings(settings)
    if words <= 0:
        return math.nan, []
    by_check: dict[str, list[TranslationError]] = defaultdict(list)
    for error in errors:
        if error.check in MT_SIGNALS:
            by_check[error.check].append(error)
    signal = sum(MT_SIGNALS[check] * len(found) for check, found in by_check.items()) * 100.0 / words
    reasons = [_reason(check, found) for check, found in sorted(by_check.items(), key=lambda item: -len(item[1]))]
    literal = _literalness(text, language, source_text, source_language)
    if literal is not None:
        signal += config["mt_literalness_weight"] * literal
        if literal > 0.5:
            reasons.append(f"length ratio to the source close to the usual one for {source_language}→{language} "
                           "(a literal translation)")
    return float(1.0 - math.exp(-signal / config["mt_signal_scale"])), reasons


def _literalness(text: str, language: str, source_text: str | None, source_language: str | None) -> float | None:
    """1 when the word-count ratio to the source is exactly the usual one, falling to 0 at ±20 %."""
    expected = EXPECTED_LENGTH_LOG_RATIO.get((source_language, language)) if source_language else None
    if expected is None or not source_text or not source_text.strip():
        return None
    ratio = math.log((len(text) + 1) / (len(source_text) + 1))
    return max(0.0, 1.0 - abs(ratio - expected) / 0.2)


_REASONS = {
    "name_form": "names garbled or in the wrong form",
    "name_case": "names written in inconsistent case",
    "artefact": "machine-translation artefacts",
    "repetition": "duplicated phrases",
    "literal": "set phrases or terms rendered literally",
    "unparsed": "sentences that do not parse",
    "untranslated": "untranslated words or sentences",
    "non_word": "unknown words",
    "rare_word": "implausibly rare words",
    "quote": "broken or unbalanced quotes",
}


def _reason(check: str, found: list[TranslationError]) -> str:
    examples = list(dict.fromkeys(error.text.strip()[:40] for error in found))[:3]
    return f"{len(found)} {_REASONS[check]}: " + ", ".join(f"“{example}”" for example in examples)


# --------------------------------------------------------------------------- assessment


def assess_translation(source_text: str | None, source_language: str | None, target_text: str,
                       target_language: str, settings: Mapping | None = None,
                       target_sentences: Sequence[_Sentence] | None = None) -> tuple[dict, pd.DataFrame]:
    """Assess ``target_text`` as a translation of ``source_text`` (same language or across languages).

    Returns ``(summary, errors)``. ``summary`` holds mode (same-language / cross-lingual /
    no-source when none is given), quality, adequacy, fluency (0–100), penalty (MQM
    points per 100 source words), words, counts per category, chrf (same language only) and
    machine_translation_likelihood with its reasons. ``errors`` has the columns
    :data:`ERROR_COLUMNS`, offsets into ``target_text`` and ``source_text``.
    """
    has_source = bool(source_text and source_text.strip()) and source_language in SUPPORTED_LANGUAGES
    mode = NO_SOURCE if not has_source else SAME_LANGUAGE if source_language == target_language else CROSS_LINGUAL
    if not target_text or not _words(target_text) or target_language not in SUPPORTED_LANGUAGES:
        return _empty_summary(mode), _errors_frame([])
    sentences = target_sentences if target_sentences is not None else sentence_rows(target_text, target_language)
    errors = intrinsic_errors(target_text, target_language, sentences,
                              source_language if has_source else None, settings)
    if has_source:
        names = name_form_errors(source_text, source_language, target_text, target_language)
        garbled = {_fold(error.text if error.source_start is None else source_text[error.source_start:error.source_end])
                   for error in names}
        mutation_errors = [error for error in errors_from_mutations(
            compare_texts(source_text, source_language, target_text, target_language),
            same_language=mode == SAME_LANGUAGE, settings=settings)
            if not (error.check == "mutation_entity" and error.category == OMISSION and _fold(error.text) in garbled)]
        errors = mutation_errors + names + errors
    else:
        errors = errors + case_inconsistency_errors(target_text, target_language, settings) + name_variant_errors(
            target_text, target_language)
    errors = _without_overlaps(errors, settings)
    target_words = len(_words_and_numbers(target_text))
    words = len(_words_and_numbers(source_text)) if has_source else target_words
    summary = {"mode": mode, "words": words, **score_errors(errors, words, settings)}
    if mode == NO_SOURCE:
        summary.update(quality=math.nan, adequacy=math.nan)  # meaning cannot be checked without the source
    summary["chrf"] = chrf(target_text, source_text) if mode == SAME_LANGUAGE else math.nan
    likelihood, reasons = likelihood_from_errors(
        errors, target_words, target_text, target_language,
        source_text if has_source else None, source_language if has_source else None, settings)
    summary["machine_translation_likelihood"] = likelihood
    summary["reasons"] = reasons
    summary["categories"] = dict(Counter(error.category for error in errors))
    summary["major"] = sum(error.severity == MAJOR for error in errors)
    summary["minor"] = sum(error.severity == MINOR for error in errors)
    summary["checks"] = dict(Counter(error.check for error in errors))
    return summary, _errors_frame(errors)


def _without_overlaps(errors: list[TranslationError], settings) -> list[TranslationError]:
    """One error per stretch of text and top-level category: the heaviest wins."""
    ranked = sorted(errors, key=lambda error: -error_weight(error.category, error.severity, settings))
    kept: list[TranslationError] = []
    for error in ranked:
        if any(_overlap(error, other) for other in kept):
            continue
        kept.append(error)
    return sorted(kept, key=lambda error: (error.start if error.start is not None else -1,
                                           error.source_start if error.source_start is not None else -1))


def _overlap(a: TranslationError, b: TranslationError) -> bool:
    """Two errors of one top-level category (Accuracy, Fluency …) on mostly the same span (a name
    inside a whole-sentence error is a finding of its own)."""
    if a.category.split("/")[0] != b.category.split("/")[0] and NON_TRANSLATION not in (a.category, b.category):
        return False
    if a.start is not None and b.start is not None:
        spans = (a.start, a.end), (b.start, b.end)
    elif a.start is None and b.start is None and a.source_start is not None and b.source_start is not None:
        spans = (a.source_start, a.source_end), (b.source_start, b.source_end)
    else:
        return False
    (a_start, a_end), (b_start, b_end) = spans
    shared = min(a_end, b_end) - max(a_start, b_start)
    return shared > 0 and shared >= 0.5 * max(a_end - a_start, b_end - b_start)


def _empty_summary(mode: str) -> dict:
    return {"mode": mode, "words": 0, "penalty": math.nan, "quality": math.nan, "adequacy": math.nan,
            "fluency": math.nan, "chrf": math.nan, "machine_translation_likelihood": math.nan, "reasons": [],
            "categories": {}, "major": 0, "minor": 0, "checks": {}}


def _errors_frame(errors: Iterable[TranslationError]) -> pd.DataFrame:
    records = [{column: getattr(error, column) for column in ERROR_COLUMNS} for error in errors]
    frame = pd.DataFrame(records, columns=list(ERROR_COLUMNS))
    for column in ("start", "end", "source_start", "source_end"):
        frame[column] = frame[column].astype("Int64")
    for column in ("text", "category", "severity", "detail"):
        frame[column] = frame[column].astype("str")
    return frame


# --------------------------------------------------------------------------- family tables


def translation_table(articles: pd.DataFrame, sentences: pd.DataFrame | None = None, reference: str | None = None,
                      reference_text: str | None = None, reference_language: str | None = None,
                      settings: Mapping | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``translation`` and ``translation_errors`` tables of a family.

    ``reference`` is the article_id of the family's reference (its source); a reconstructed
    reference that is not an article (the consensus) is passed as ``reference_text`` and
    ``reference_language`` (``reference`` then names it). Without any, versions are assessed
    without one (no-source mode: fluency only, quality and adequacy empty) and the family's language
    is the one most versions are written in.

    A version in another language than the reference is a translation from it; a version in the
    same language is a round trip when its machine_translation_likelihood reaches
    ``round_trip_min_likelihood`` with at least ``round_trip_min_kinds`` kinds of garble. Quality,
    adequacy, fluency and errors are given for translations only; chrF for same-language ones.
    """
    config = _settings(settings)
    usable = articles[articles["language"].isin(SUPPORTED_LANGUAGES)] if not articles.empty else articles
    if usable.empty:
        return _translation_frame([]), _table_errors_frame([])
    texts = dict(zip(usable["article_id"], usable["text"]))
    languages = dict(zip(usable["article_id"], usable["language"]))
    if reference in texts and reference_text is None:
        reference_text, reference_language = texts[reference], languages[reference]
    has_reference = bool(reference_text and reference_text.strip()) and reference_language in SUPPORTED_LANGUAGES
    if not has_reference:
        reference_text = reference_language = None
    rows, error_frames = [], []
    for article_id, text in texts.items():
        language = languages[article_id]
        family_language = reference_language if has_reference else _family_language(usable)
        own_sentences = _article_sentences(sentences, article_id, text, language)
        summary, errors = assess_translation(reference_text, reference_language, text, language, settings,
                                             own_sentences) if article_id != reference else \
            assess_translation(None, None, text, language, settings, own_sentences)
        kinds = {check for check in summary["checks"] if check in ROUND_TRIP_SIGNALS}
        crosses = family_language is not None and language != family_language
        round_trip = (article_id != reference and not crosses and summary["machine_translation_likelihood"] >= config["round_trip_min_likelihood"]
                      and len(kinds) >= config["round_trip_min_kinds"])
        is_translation = bool(crosses or round_trip)
        rows.append({
            "article_id": article_id,
            "reference": reference if has_reference and article_id != reference else "",
            "is_translation": is_translation,
            "from_language": family_language if is_translation else "",
            "round_trip": bool(round_trip),
            "quality": summary["quality"] if is_translation else math.nan,
            "adequacy": summary["adequacy"] if is_translation else math.nan,
            "fluency": summary["fluency"] if is_translation else math.nan,
            "machine_translation_likelihood": summary["machine_translation_likelihood"],
            "reasons": summary["reasons"],
            "chrf": summary["chrf"],
        })
        if is_translation and not errors.empty:
            error_frames.append(errors.assign(article_id=article_id))
    return _translation_frame(rows), _table_errors_frame(error_frames)


def _family_language(articles: pd.DataFrame) -> str | None:
    """The language most versions are written in; a tie goes to the earliest published (else first) version's."""
    if len(articles) < 2:
        return None
    ordered = articles
    if "published" in articles.columns:
        published = pd.to_datetime(articles["published"], errors="coerce", utc=True)
        ordered = articles.assign(_published=published).sort_values("_published", kind="stable", na_position="last")
    counts = Counter(ordered["language"])
    best = max(counts.values())
    return next(language for language in ordered["language"] if counts[language] == best)


def _article_sentences(sentences: pd.DataFrame | None, article_id: str, text: str, language: str) -> list[_Sentence]:
    if sentences is None or sentences.empty or "language" not in sentences.columns:
        return sentence_rows(text, language)
    own = sentences[sentences["article_id"] == article_id]
    if own.empty:
        return sentence_rows(text, language)
    return [_Sentence(int(row.start), int(row.end), str(row.text), str(row.kind),
                      str(row.language) if isinstance(row.language, str) and row.language else language)
            for row in own.itertuples()]


def _translation_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(TRANSLATION_COLUMNS))
    for column in ("is_translation", "round_trip"):
        frame[column] = frame[column].astype(bool)
    for column in ("quality", "adequacy", "fluency", "machine_translation_likelihood", "chrf"):
        frame[column] = frame[column].astype(float)
    return frame


def _table_errors_frame(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        return _errors_frame([]).assign(article_id=pd.Series(dtype="str"))[list(TABLE_ERROR_COLUMNS)]
    return pd.concat(frames, ignore_index=True)[list(TABLE_ERROR_COLUMNS)]


# --------------------------------------------------------------------------- scikit-learn


class TranslationQuality(TransformerMixin, BaseEstimator):
    """Scores (source, target) pairs: quality, adequacy, fluency, penalty, chrf and
    machine_translation_likelihood, one row per pair (see :func:`assess_translation`).

    ``X`` is a DataFrame with columns ``source`` and ``target`` (or a sequence of pairs); an
    empty ``source`` assesses the target alone (no-source mode).
    """

    def __init__(self, source_language: str = "en", target_language: str = "de", settings=None):
        self.source_language = source_language
        self.target_language = target_language
        self.settings = settings

    def fit(self, X, y=None):
        self.n_features_in_ = 2
        return self

    def transform(self, X) -> pd.DataFrame:
        pairs = X[["source", "target"]].itertuples(index=False) if isinstance(X, pd.DataFrame) else X
        records = []
        for source, target in pairs:
            summary, _ = assess_translation(source or None, self.source_language, target or "", self.target_language,
                                            self.settings)
            records.append({column: summary[column] for column in self.get_feature_names_out()})
        return pd.DataFrame(records, columns=list(self.get_feature_names_out()))

    def get_feature_names_out(self, input_features=None):
        return np.array(["quality", "adequacy", "fluency", "penalty", "chrf", "machine_translation_likelihood"])
