"""Editorialising: per-sentence and per-article scores, each with the cues that produced it.

A sentence's score is built from cues a reader can check: loaded and evaluative words,
intensifiers and superlatives, hedges and speculation, sensational framing, rhetorical
questions and exclamations, addressing the reader, prescriptive statements, scare quotes,
unattributed judgements and explicit opinion markers. Every cue has a weight from the
hand-written lexicons in ``spin/data/<lang>/editorial_*.txt``; negation and intensifiers
change the weight of the word they bear on, and cues in reported speech (an attributed
quotation, indirect speech, German Konjunktiv I) weigh ``attributed_weight`` times less,
because they are not the writer's voice. The score is ``1 - exp(-sum / score_scale)``.

The formula needs no training data. :class:`EditorialClassifier` learns a better calibrated
probability from labelled sentences, using the same cues as features.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from spin.claims import find_attributions, find_certainty, find_negations, find_quotes
from spin.errors import InputError
from spin.language import tokenize
from spin.resources import SUPPORTED_LANGUAGES, word_list, word_table
from spin.settings import default_settings

CUE_KINDS = (
    "loaded", "intensifier", "hedge", "sensational", "rhetorical", "reader_address",
    "prescriptive", "scare_quote", "unattributed_judgement", "opinion",
)
EDITORIAL_COLUMNS = ("article_id", "sent_id", "score", "attributed", "cues")
SENTENCE_COLUMNS = ("sent_id", "score", "attributed", "cues")
SUMMARY_COLUMNS = (
    "article_id", "score", "headline_score", "share_editorial", *(f"rate_{kind}" for kind in CUE_KINDS),
)
_LEXICON_FILES = (
    ("editorial_loaded", "loaded"),
    ("editorial_intensifiers", "intensifier"),
    ("editorial_hedges", "hedge"),
    ("editorial_sensational", "sensational"),
    ("editorial_prescriptive", "prescriptive"),
    ("editorial_reader", "reader_address"),
    ("editorial_opinion", "opinion"),
    ("editorial_scare", "scare_quote"),
    ("editorial_reported", "reported"),
)
_REPORTED = "reported"  # speakerless reported-speech markers: not a cue, they move cues out of the writer's voice
_EVALUATIVE = frozenset({"loaded", "sensational"})
_CLOSING_BEFORE_ATTRIBUTION = tuple(",:;—–-\"'”“»«’")
_CLAUSE_BREAK = re.compile(r"[.;:!?()\[\]\"“”„«»]")
_MARKS = re.compile(r"[?!]+")
_INITIAL_AFTER = frozenset("\"“„«‘‚(:—–")
_DOUBLE_QUOTES = frozenset("“”„«»\"")
_OPENERS = " \t\n\"“”„«»'’‘‚-–—"


# --------------------------------------------------------------------------- lexicons


@dataclass(frozen=True)
class _Word:
    """One word of a lexicon entry: ``prefix`` matches any ending, ``exact_case`` the written case only."""

    text: str
    prefix: bool = False
    exact_case: bool = False


@dataclass(frozen=True)
class _Entry:
    words: tuple[_Word, ...]
    weight: float
    kind: str


@dataclass(frozen=True, eq=False)
class _Lexicon:
    """Every editorial entry of one language, indexed by its first word."""

    exact: Mapping[str, tuple[_Entry, ...]]
    prefixes: Mapping[str, tuple[_Entry, ...]]
    prefix_lengths: tuple[int, ...]
    copulas: frozenset[str]
    mention_words: frozenset[str]
    compounds: bool  # German: an evaluative noun or adjective also counts as the head of a compound


def _normal(word: str) -> str:
    return word.lower().replace("’", "'")


def parse_entry(entry: str) -> tuple[_Word, ...]:
    """The words of a lexicon entry, split the way :func:`spin.language.tokenize` splits text."""
    words: list[_Word] = []
    for part in entry.split():
        exact_case = part.startswith("=")
        prefix = part.endswith("*")
        part = part.strip("=*")
        if part.endswith(("'", "’")):
            pieces = [part]  # an elision such as "j'": the tokenizer keeps it on the next word
        else:
            pieces = [token for _, _, token in tokenize(part)]
        for index, piece in enumerate(pieces):
            text = piece if exact_case else _normal(piece)
            words.append(_Word(text, prefix and index == len(pieces) - 1, exact_case))
    return tuple(words)


@lru_cache(maxsize=None)
def lexicon_entries(language: str) -> tuple[tuple[str, float, str], ...]:
    """(entry, weight, kind) of every editorial lexicon entry of a language, in file order."""
    rows = []
    for name, kind in _LEXICON_FILES:
        for row in word_table(language, name):
            weight = float(row[1]) if len(row) > 1 and row[1] else 1.0
            rows.append((row[0], weight, kind))
    return tuple(rows)


@lru_cache(maxsize=None)
def _lexicon(language: str) -> _Lexicon:
    exact: dict[str, list[_Entry]] = {}
    prefixes: dict[str, list[_Entry]] = {}
    for text, weight, kind in lexicon_entries(language):
        words = parse_entry(text)
        if not words:
            continue
        entry = _Entry(words, weight, kind)
        first = words[0]
        key = _normal(first.text)
        if first.prefix:
            prefixes.setdefault(key, []).append(entry)
        else:
            exact.setdefault(key, []).append(entry)
    lengths = tuple(sorted({len(key) for key in prefixes}, reverse=True))
    return _Lexicon(
        {k: tuple(v) for k, v in exact.items()},
        {k: tuple(v) for k, v in prefixes.items()},
        lengths,
        frozenset(_normal(word) for word in word_list(language, "editorial_copulas")),
        frozenset(_normal(word) for word in word_list(language, "editorial_mention")),
        language == "de",
    )


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    norm: str
    initial: bool  # first word of its sentence (or right after an opening quote or colon there)


@dataclass(frozen=True)
class _Match:
    first: int  # token index
    last: int  # token index, inclusive
    entry: _Entry


def _word_matches(word: _Word, token: _Token) -> bool:
    if word.exact_case:
        return not token.initial and (token.text.startswith(word.text) if word.prefix else token.text == word.text)
    return token.norm.startswith(word.text) if word.prefix else token.norm == word.text


@lru_cache(maxsize=200_000)
def _entries_starting(lexicon: _Lexicon, word: str) -> tuple[_Entry, ...]:
    """Every entry whose first word matches ``word`` exactly or as a prefix (cached per word).

    A word no entry starts with may still hold an evaluative word: as a part of a hyphenated
    word ("Panik-Propheten", "ultra-radical") or, in German, as the head of a compound
    ("Regierungschaos"); those one-word entries are returned too.
    """
    found = _entries_for(lexicon, word)
    if found:
        return found
    parts = [part for part in word.split("-") if part] if "-" in word else []
    heads = [word[cut:] for cut in range(3, len(word) - 4)] if lexicon.compounds and "-" not in word else []
    for piece in parts + heads:
        inner = tuple(
            _Entry((_Word(word),), entry.weight, entry.kind)
            for entry in _entries_for(lexicon, piece, whole=piece in heads)
            if len(entry.words) == 1 and entry.kind in _EVALUATIVE
        )
        if inner:
            return inner
    return ()


def _entries_for(lexicon: _Lexicon, word: str, whole: bool = False) -> tuple[_Entry, ...]:
    """Entries matching ``word``; with ``whole``, a prefix entry only when at most 3 letters follow it."""
    found = list(lexicon.exact.get(word, ()))
    for length in lexicon.prefix_lengths:
        if length <= len(word) and (not whole or len(word) - length <= 3):
            found.extend(lexicon.prefixes.get(word[:length], ()))
    if whole:
        found = [e for e in found if len(e.words[0].text) >= 5]
    return tuple(found)


def _specificity(entry: _Entry) -> tuple[int, int, int]:
    """Longer entries first, then entries with fewer open endings, then longer prefixes."""
    return (len(entry.words), -sum(w.prefix for w in entry.words), sum(len(w.text) for w in entry.words))


def _match_lexicon(tokens: Sequence[_Token], lexicon: _Lexicon) -> list[_Match]:
    """Left to right, the most specific entry at each word; weight-0 entries (exceptions) are
    returned too, so that they block what they cover."""
    matches: list[_Match] = []
    i = 0
    while i < len(tokens):
        best: _Entry | None = None
        for entry in _entries_starting(lexicon, tokens[i].norm):
            n = len(entry.words)
            if i + n > len(tokens) or (best is not None and _specificity(entry) <= _specificity(best)):
                continue
            if all(_word_matches(word, tokens[i + k]) for k, word in enumerate(entry.words)):
                best = entry
        if best is None:
            i += 1
            continue
        matches.append(_Match(i, i + len(best.words) - 1, best))
        i += len(best.words)
    return matches


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class EditorialCue:
    """One piece of evidence: a span of the text, its kind, its effective weight and whose voice it is."""

    start: int
    end: int
    text: str
    kind: str
    weight: float
    attributed: bool = False
    negated: bool = False

    def record(self, offset: int = 0) -> dict:
        """The cue as a plain dict, offsets shifted by ``offset``."""
        return {
            "start": self.start + offset, "end": self.end + offset, "text": self.text, "kind": self.kind,
            "weight": round(self.weight, 4), "attributed": self.attributed, "negated": self.negated,
        }


@dataclass(frozen=True)
class SentenceScore:
    """The editorial score of one sentence with its cues (offsets into the scored text)."""

    score: float
    attributed: bool
    cues: tuple[EditorialCue, ...]


def _settings(settings: Mapping | None) -> Mapping:
    return default_settings()["editorial"] if settings is None else settings


def check_language(language: str) -> str:
    """The language code if spin scores it; an :class:`InputError` otherwise (never silently English)."""
    code = str(language).strip().lower()
    if code not in SUPPORTED_LANGUAGES:
        raise InputError("language", f"editorialising is scored for en, de and fr, not {language!r}")
    return code


def _tokens(text: str, span: tuple[int, int]) -> list[_Token]:
    start, end = span
    tokens = []
    for s, e, word in tokenize(text[start:end]):
        before = start + s - 1
        while before >= start and text[before].isspace():
            before -= 1
        initial = before < start or text[before] in _INITIAL_AFTER
        tokens.append(_Token(start + s, start + e, word, _normal(word), initial))
    return tokens


@dataclass(frozen=True)
class _Speech:
    """Where reported speech lies in a text: quotations credited to someone and speaker + verb spans."""

    quotes: tuple[tuple[int, int], ...]  # inner spans of quotations that are someone's words
    attributions: tuple[tuple[int, int], ...]
    short_quotes: tuple[tuple[int, int], ...]  # uncredited short quotations, marks included
    all_quotes: tuple[tuple[int, int], ...]  # inner spans of every quotation


@lru_cache(maxsize=None)
def _attribution_words(language: str) -> frozenset[str]:
    """Words without which spin.claims finds no speaker: reporting verbs and first words of markers."""
    words = {_normal(row[0]) for row in word_table(language, "reporting_verbs")}
    for row in word_table(language, "attribution_markers"):
        first = tokenize(row[0])
        if first:
            words.add(_normal(first[0][2]))
    return frozenset(words)


def _find_speech(text: str, language: str, spans: Sequence[tuple[int, int]], settings: Mapping) -> _Speech:
    gate = _attribution_words(language)
    needed = any(_normal(word) in gate for _, _, word in tokenize(text))
    attributions = find_attributions(text, language) if needed else []
    reach = settings["attribution_reach"]
    mention_words = _lexicon(language).mention_words
    speech, short, every = [], [], []
    marks_used: set[int] = set()
    for quote in find_quotes(text):
        every.append((quote.inner_start, quote.inner_end))
        marks_used.update((quote.start, quote.end - 1))
        inner = text[quote.inner_start:quote.inner_end]
        words = len(tokenize(inner))
        if not words:
            continue
        sentence = next(((s, e) for s, e in spans if s <= quote.start < e), (quote.start, quote.end))
        credited = any(
            0 <= a.start - quote.end <= reach or 0 <= quote.start - a.end <= reach
            or sentence[0] <= a.start < sentence[1]
            for a in attributions
        )
        if credited or words >= settings["min_speech_words"]:
            speech.append((quote.inner_start, quote.inner_end))
        elif words <= settings["max_scare_quote_words"] and not _title_like(inner, language):
            before = tokenize(text[sentence[0]:quote.start])
            if not before or _normal(before[-1][2]) not in mention_words:
                short.append((quote.start, quote.end))
    for start, end in spans:
        speech.extend(_continued_quotation(text, start, end, marks_used))
    return _Speech(tuple(speech), tuple((a.start, a.end) for a in attributions), tuple(short), tuple(every))


def _continued_quotation(text: str, start: int, end: int, marks_used: set[int]) -> list[tuple[int, int]]:
    """A quotation running into or out of this sentence: an unmatched opening mark at its start
    or an unmatched closing mark at its end (the rest of the quotation is in another sentence)."""
    sentence = text[start:end]
    body = sentence.strip()
    if not body:
        return []
    first = start + len(sentence) - len(sentence.lstrip())
    last = start + len(sentence.rstrip()) - 1
    found = []
    if text[first] in _DOUBLE_QUOTES and first not in marks_used:
        found.append((first + 1, end))
    for position in (last, last - 1):
        if position > first and text[position] in _DOUBLE_QUOTES and position not in marks_used:
            found.append((start, position))
            break
    return found


def _title_like(inner: str, language: str) -> bool:
    """A quoted name or title ("Oppenheimer", "The Last Supper"), not a scare quote."""
    words = [w for _, _, w in tokenize(inner)]
    capitalised = all(w[:1].isupper() for w in words)
    return capitalised and (len(words) > 1 or language != "de")


def _inside(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _voice(cue_start: int, cue_end: int, text: str, sentence: tuple[int, int],
           speech: _Speech, attributions: list[tuple[int, int]], reported: bool) -> bool:
    """True when a span is reported speech rather than the writer's own voice."""
    if _inside(cue_start, cue_end, speech.quotes):
        return True
    if any(s < cue_end and cue_start < e for s, e in attributions):
        return False  # the speaker's description is the writer's
    for a_start, a_end in attributions:
        if cue_start >= a_end:
            return True  # "X said (that) ...", "Laut X ...", "Selon X, ..."
        before = text[sentence[0]:a_start].rstrip()
        if before.endswith(_CLOSING_BEFORE_ATTRIBUTION):
            return True  # "..., the minister said"
    return reported


def _score_spans(text: str, spans: Sequence[tuple[int, int]], language: str, settings: Mapping) -> list[SentenceScore]:
    """Score each sentence span of ``text``; quotations and speakers are found across the whole text."""
    lexicon = _lexicon(language)
    speech = _find_speech(text, language, spans, settings)
    negations = [(c.start, c.end) for c in find_negations(text, language)]
    certainty = find_certainty(text, language)
    return [
        _score_sentence(text, span, language, lexicon, speech, negations, certainty, settings)
        for span in spans
    ]


def _score_sentence(text, span, language, lexicon, speech, negations, certainty, settings) -> SentenceScore:
    tokens = _tokens(text, span)
    if not tokens:
        return SentenceScore(math.nan, False, ())
    s, e = span
    matches = _match_lexicon(tokens, lexicon)
    reported = any(m.entry.kind == _REPORTED and m.entry.weight > 0 for m in matches)
    attributions = [(a, b) for a, b in speech.attributions if s <= a < e]
    in_quotes = sum(max(0, min(b, e) - max(a, s)) for a, b in speech.quotes)
    attributed = bool(attributions) or reported or in_quotes * 2 >= (e - s)

    def voice(start: int, end: int) -> bool:
        return _voice(start, end, text, span, speech, attributions, reported)

    raw = _lexical_cues(text, tokens, matches, negations, settings)
    raw += _certainty_cues(certainty, raw, s, e, tokens, matches, settings)
    raw += _mark_cues(text, span, speech, settings)
    raw += _scare_cues(text, speech, span, attributions, reported, settings)
    cues = [_with_voice(cue, voice(cue.start, cue.end)) for cue in raw]
    if not attributions and not reported:
        cues += _judgement_cues(text, tokens, cues, lexicon, settings)
    cues.sort(key=lambda c: (c.start, c.end))
    factor = settings["attributed_weight"]
    total = sum(c.weight * (factor if c.attributed else 1.0) for c in cues)
    score = 1.0 - math.exp(-total / settings["score_scale"])
    return SentenceScore(round(score, 6), attributed, tuple(cues))


def _with_voice(cue: EditorialCue, attributed: bool) -> EditorialCue:
    return EditorialCue(cue.start, cue.end, cue.text, cue.kind, cue.weight, attributed, cue.negated)


def _negation_before(tokens: Sequence[_Token], first: int, negations, window: int) -> tuple[int, int] | None:
    """The negation ending at most ``window`` words before token ``first``."""
    if first == 0:
        return None
    reach_start, cue_start = tokens[max(0, first - window)].start, tokens[first].start
    return next(((a, b) for a, b in negations if reach_start <= b <= cue_start), None)


def _lexical_cues(text, tokens, matches, negations, settings) -> list[EditorialCue]:
    """Cues of the lexicon matches, with negation and intensifiers applied to the words they bear on."""
    window = settings["modifier_window"]
    cues: list[EditorialCue] = []
    previous: tuple[_Match, EditorialCue] | None = None
    for match in matches:
        kind = match.entry.kind
        if kind == _REPORTED or match.entry.weight == 0:
            continue
        start, end = tokens[match.first].start, tokens[match.last].end
        weight, negated = match.entry.weight, False
        boosted_by = previous[1] if previous and previous[1].kind == "intensifier" and previous[0].last >= match.first - 2 else None
        if kind in _EVALUATIVE and boosted_by is not None:
            weight *= settings["softened_factor"] if boosted_by.negated else settings["intensified_factor"]
        elif kind in _EVALUATIVE or kind == "intensifier":
            negation = _negation_before(tokens, match.first, negations, window)
            if negation and not (previous and previous[1].end > negation[0]):
                negated, start = True, min(start, negation[0])
                weight *= settings["negated_intensifier_factor"] if kind == "intensifier" else settings["negated_factor"]
        cue = EditorialCue(start, end, text[start:end], kind, weight, negated=negated)
        cues.append(cue)
        previous = (match, cue)
    return cues


def _certainty_cues(certainty, lexical, s, e, tokens, matches, settings) -> list[EditorialCue]:
    """Hedges and boosters found by spin.claims that no editorial entry (or reported-speech marker) covers."""
    taken = [(c.start, c.end) for c in lexical]
    taken += [(tokens[m.first].start, tokens[m.last].end) for m in matches if m.entry.kind == _REPORTED or m.entry.weight == 0]
    weights = {"hedge": ("hedge", settings["certainty_hedge_weight"]), "booster": ("intensifier", settings["certainty_booster_weight"])}
    found = []
    for cue in certainty:
        if not (s <= cue.start and cue.end <= e) or cue.kind not in weights:
            continue
        if any(a < cue.end and cue.start < b for a, b in taken):
            continue
        kind, weight = weights[cue.kind]
        if weight > 0:
            found.append(EditorialCue(cue.start, cue.end, cue.text, kind, weight))
    return found


def _mark_cues(text, span, speech, settings) -> list[EditorialCue]:
    """Questions and exclamations: the clause up to each ``?``/``!`` outside quotations."""
    s, e = span
    cues = []
    clause_start = s
    for mark in _MARKS.finditer(text, s, e):
        if any(a < mark.end() and mark.start() <= b for a, b in speech.all_quotes):
            clause_start = mark.end()
            continue
        weight = max(settings["question_weight"] if "?" in mark.group() else 0.0,
                     settings["exclamation_weight"] if "!" in mark.group() else 0.0)
        clause = text[clause_start:mark.start()]
        start = clause_start + len(clause) - len(clause.lstrip(_OPENERS))
        cues.append(EditorialCue(start, mark.end(), text[start:mark.end()], "rhetorical", weight))
        clause_start = mark.end()
    return cues


def _scare_cues(text, speech, span, attributions, reported, settings) -> list[EditorialCue]:
    """Short quotations nobody is credited with, in a sentence without a speaker."""
    if attributions or reported:
        return []
    s, e = span
    return [
        EditorialCue(q_start, q_end, text[q_start:q_end], "scare_quote", settings["scare_quote_weight"])
        for q_start, q_end in speech.short_quotes
        if s <= q_start and q_end <= e
    ]


def _judgement_cues(text, tokens, cues, lexicon, settings) -> list[EditorialCue]:
    """An evaluative word shortly after a copula, in the writer's voice: "the plan is absurd"."""
    window = settings["judgement_window"]
    index = {t.start: i for i, t in enumerate(tokens)}
    found = []
    for cue in cues:
        if cue.kind not in _EVALUATIVE or cue.attributed or cue.start not in index:
            continue
        first = index[cue.start]
        for back in range(first - 1, max(-1, first - window - 2), -1):
            if _CLAUSE_BREAK.search(text, tokens[back].end, tokens[back + 1].start):
                break
            if tokens[back].norm in lexicon.copulas:
                start = tokens[back].start
                found.append(EditorialCue(start, cue.end, text[start:cue.end], "unattributed_judgement", settings["judgement_weight"]))
                break
    return found


def score_text(text: str, spans: Sequence[tuple[int, int]], language: str, settings: Mapping | None = None) -> list[SentenceScore]:
    """Score the sentences at ``spans`` of ``text`` (offsets of cues are offsets into ``text``)."""
    language = check_language(language)
    return _score_spans(text, spans, language, _settings(settings))


def score_sentences(sentences: Sequence[str], language: str, settings: Mapping | None = None) -> pd.DataFrame:
    """One row per sentence: ``sent_id`` (position), ``score`` 0-1, ``attributed`` and ``cues``.

    Each cue is a dict with ``start``/``end`` (offsets into that sentence), ``text``, ``kind``,
    ``weight`` (after negation, intensifiers) and ``attributed`` (reported speech, counted
    ``attributed_weight`` times less). A sentence without words scores NaN.

    >>> score_sentences(["This is a shameful betrayal."], "en").score.round(2).tolist()
    [0.73]
    """
    language = check_language(language)
    config = _settings(settings)
    rows = []
    for position, sentence in enumerate(sentences):
        sentence = "" if sentence is None else str(sentence)
        result = score_text(sentence, [(0, len(sentence))], language, config)[0]
        rows.append((position, result.score, result.attributed, [c.record() for c in result.cues]))
    frame = pd.DataFrame(rows, columns=list(SENTENCE_COLUMNS))
    return frame.astype({"sent_id": "int64", "score": "float64", "attributed": "bool"})


# --------------------------------------------------------------------------- tables


def _article_text(rows: pd.DataFrame) -> str:
    """The article text rebuilt from its sentences at their offsets (gaps become spaces)."""
    length = int(rows["end"].max()) if len(rows) else 0
    chars = [" "] * length
    for start, text in zip(rows["start"], rows["text"]):
        text = str(text)
        chars[int(start):int(start) + len(text)] = text
    return "".join(chars)


def editorial_table(sentences: pd.DataFrame, settings: Mapping | None = None, classifier=None) -> pd.DataFrame:
    """The ``editorial`` table: one row per scored sentence, cue offsets into the article text.

    ``sentences`` is the sentences table (article_id, sent_id, start, end, text, kind,
    language). Quotations and speakers are found across each article, so a quotation that
    spans several sentences is reported speech in all of them. Sentences in an unsupported
    language are not scored (no row). With a fitted ``classifier`` (an
    :class:`EditorialClassifier`) its probability replaces the formula's score; the cues
    stay the same.
    """
    config = _settings(settings)
    empty = pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(EDITORIAL_COLUMNS, ("str", "int64", "float64", "bool", "object"))})
    if sentences is None or sentences.empty:
        return empty
    rows = []
    for article_id, article in sentences.groupby("article_id", sort=False):
        languages = article["language"].astype(str).str.strip().str.lower()
        for language in [l for l in SUPPORTED_LANGUAGES if (languages == l).any()]:
            part = article[languages == language].sort_values("start")
            text = _article_text(part)
            spans = list(zip(part["start"].astype(int), part["end"].astype(int)))
            scores = score_text(text, spans, language, config)
            probabilities = _classifier_scores(classifier, part["text"].astype(str).tolist(), language)
            for index, (sent_id, result) in enumerate(zip(part["sent_id"], scores)):
                score = result.score if probabilities is None or math.isnan(result.score) else float(probabilities[index])
                rows.append((article_id, int(sent_id), score, result.attributed, [c.record() for c in result.cues]))
    if not rows:
        return empty
    frame = pd.DataFrame(rows, columns=list(EDITORIAL_COLUMNS))
    return frame.astype({"sent_id": "int64", "score": "float64", "attributed": "bool"})


def _classifier_scores(classifier, texts: list[str], language: str):
    if classifier is None or not texts:
        return None
    return classifier.predict_proba(pd.DataFrame({"sentence": texts, "language": language}))[:, 1]


def editorial_summary(editorial: pd.DataFrame, sentences: pd.DataFrame, settings: Mapping | None = None) -> pd.DataFrame:
    """The ``editorial_summary`` table: one row per version with scored sentences.

    ``score`` is the word-weighted mean score of the body sentences (all sentences when there
    is no body), ``headline_score`` the headline's score (NaN without a headline),
    ``share_editorial`` the share of body sentences scoring at least ``editorial_threshold``,
    and ``rate_<kind>`` the cues of each kind in the writer's own voice per 100 words.
    """
    config = _settings(settings)
    columns = list(SUMMARY_COLUMNS)
    if editorial is None or editorial.empty or sentences is None or sentences.empty:
        return pd.DataFrame({c: pd.Series(dtype="str" if c == "article_id" else "float64") for c in columns})
    info = sentences[["article_id", "sent_id", "kind", "text"]]
    merged = editorial.merge(info, on=["article_id", "sent_id"], how="left")
    rows = []
    for article_id, part in merged.groupby("article_id", sort=False):
        part = part[part["score"].notna()]
        words = part["text"].astype(str).map(lambda t: len(tokenize(t))).astype(float)
        is_headline = part["kind"].astype(str).eq("headline")
        body = ~is_headline if (~is_headline).any() else pd.Series(True, index=part.index)
        body_words = words[body]
        score = float(np.average(part.loc[body, "score"], weights=body_words)) if body_words.sum() > 0 else math.nan
        headline = float(part.loc[is_headline, "score"].max()) if is_headline.any() else math.nan
        share = float((part.loc[body, "score"] >= config["editorial_threshold"]).mean()) if body.any() else math.nan
        counts = dict.fromkeys(CUE_KINDS, 0)
        for cues in part["cues"]:
            for cue in cues:
                if not cue.get("attributed") and cue["kind"] in counts:
                    counts[cue["kind"]] += 1
        total_words = float(words.sum())
        rates = [100.0 * counts[k] / total_words if total_words else math.nan for k in CUE_KINDS]
        rows.append((article_id, score, headline, share, *rates))
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- trainable model

_FEATURE_NAMES = (
    *(f"{kind}" for kind in CUE_KINDS),
    *(f"{kind}_attributed" for kind in CUE_KINDS),
    "score", "attributed", "log_words", "digits_per_word", "capitalised_per_word", "mean_word_length",
    *(f"language_{code}" for code in SUPPORTED_LANGUAGES),
)
_DIGIT = re.compile(r"\d")
_POSITIVE_LABELS = frozenset({"subj", "biased", "1", "true", "yes"})


def _sentences_and_languages(X, default_language: str) -> tuple[list[str], list[str]]:
    """Sentences and their languages from a list of strings or a DataFrame (sentence[, language])."""
    if isinstance(X, pd.DataFrame):
        if "sentence" not in X.columns:
            raise InputError("X", "a DataFrame needs a 'sentence' column (and optionally 'language')")
        sentences = ["" if pd.isna(s) else str(s) for s in X["sentence"]]
        if "language" in X.columns:
            languages = [default_language if pd.isna(l) or not str(l).strip() else str(l) for l in X["language"]]
        else:
            languages = [default_language] * len(sentences)
    elif isinstance(X, pd.Series):
        sentences = ["" if pd.isna(s) else str(s) for s in X]
        languages = [default_language] * len(sentences)
    else:
        sentences = ["" if s is None else str(s) for s in X]
        languages = [default_language] * len(sentences)
    return sentences, [check_language(l) for l in languages]


def cue_features(sentences: Sequence[str], languages: Sequence[str], settings: Mapping | None = None) -> np.ndarray:
    """One row of :data:`_FEATURE_NAMES` per sentence: cue weights per kind (writer's voice,
    then reported speech), the score, length and a few signs of factual reporting."""
    config = _settings(settings)
    rows = np.zeros((len(sentences), len(_FEATURE_NAMES)))
    kind_index = {kind: i for i, kind in enumerate(CUE_KINDS)}
    base = 2 * len(CUE_KINDS)
    for i, (sentence, language) in enumerate(zip(sentences, languages)):
        result = score_text(sentence, [(0, len(sentence))], language, config)[0]
        for cue in result.cues:
            rows[i, kind_index[cue.kind] + (len(CUE_KINDS) if cue.attributed else 0)] += cue.weight
        words = [w for _, _, w in tokenize(sentence)]
        n = max(len(words), 1)
        rows[i, base] = 0.0 if math.isnan(result.score) else result.score
        rows[i, base + 1] = float(result.attributed)
        rows[i, base + 2] = math.log1p(len(words))
        rows[i, base + 3] = len(_DIGIT.findall(sentence)) / n
        rows[i, base + 4] = sum(w[:1].isupper() for w in words[1:]) / n
        rows[i, base + 5] = sum(len(w) for w in words) / n
        rows[i, base + 6 + SUPPORTED_LANGUAGES.index(language)] = 1.0
    return rows


class EditorialFeatures(TransformerMixin, BaseEstimator):
    """Scikit-learn transformer: the editorial cues of each sentence as numeric features.

    Parameters
    ----------
    language : str, default="en"
        Language of sentences given as a list (a DataFrame may carry a ``language`` column).

    Examples
    --------
    >>> EditorialFeatures().fit_transform(["A shameful, absurd plan."]).shape
    (1, 29)
    """

    def __init__(self, language: str = "en"):
        self.language = language

    def fit(self, X, y=None):
        """Nothing to learn; records the number of features."""
        self.n_features_out_ = len(_FEATURE_NAMES)
        return self

    def transform(self, X):
        """Cue features of each sentence, one row per sentence."""
        check_is_fitted(self, "n_features_out_")
        sentences, languages = _sentences_and_languages(X, self.language)
        return cue_features(sentences, languages)

    def get_feature_names_out(self, input_features=None):
        """Names of the feature columns."""
        return np.asarray(_FEATURE_NAMES, dtype=object)


class EditorialClassifier(ClassifierMixin, BaseEstimator):
    """Editorialising (subjective) versus neutral reporting, learned from labelled sentences.

    Features are the editorial cues of :class:`EditorialFeatures` (standardised) and,
    with ``text_features``, TF-IDF word 1-2-grams and character 2-5-grams (lower-cased); a
    class-balanced logistic regression (liblinear) combines them. Labels may be ``SUBJ``/``OBJ``, ``1``/``0`` or booleans.

    Parameters
    ----------
    language : str, default="en"
        Language of sentences given as a list (a DataFrame may carry a ``language`` column).
    C : float, default=1.0
        Inverse regularisation strength of the logistic regression.
    text_features : bool, default=True
        Add TF-IDF word and character n-grams to the cue features.
    max_features : int, default=30000
        Most word n-grams, and most character n-grams, kept.
    threshold : float, default=0.5
        Probability of the editorialising class from which :meth:`predict` says so.

    Examples
    --------
    >>> model = EditorialClassifier(text_features=False).fit(
    ...     ["What a shameful, absurd plan!", "The council met on Tuesday."] * 5, ["SUBJ", "OBJ"] * 5)
    >>> model.predict(["An utterly shameful decision!"]).tolist()
    ['SUBJ']
    """

    def __init__(self, language: str = "en", C: float = 1.0, text_features: bool = True,
                 max_features: int = 30000, threshold: float = 0.5):
        self.language = language
        self.C = C
        self.text_features = text_features
        self.max_features = max_features
        self.threshold = threshold

    def _design(self, sentences, languages, fit: bool):
        from scipy import sparse

        cues = cue_features(sentences, languages)
        blocks = [sparse.csr_matrix(self.scaler_.fit_transform(cues) if fit else self.scaler_.transform(cues))]
        for vectorizer in self.vectorizers_:
            blocks.append(vectorizer.fit_transform(sentences) if fit else vectorizer.transform(sentences))
        return sparse.hstack(blocks).tocsr()

    def fit(self, X, y):
        """Learn from sentences ``X`` (list or DataFrame) and their labels ``y``."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        sentences, languages = _sentences_and_languages(X, self.language)
        labels = np.asarray(y)
        if len(labels) != len(sentences):
            raise InputError("y", f"{len(labels)} labels for {len(sentences)} sentences")
        self.classes_ = np.unique(labels)
        if len(self.classes_) != 2:
            raise InputError("y", f"needs exactly two labels, found {len(self.classes_)}: {list(self.classes_)[:5]}")
        positive = [i for i, c in enumerate(self.classes_) if str(c).strip().lower() in _POSITIVE_LABELS]
        self.positive_index_ = positive[0] if len(positive) == 1 else 1
        target = (labels == self.classes_[self.positive_index_]).astype(int)
        self.scaler_ = StandardScaler()
        self.vectorizers_ = [
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_features=self.max_features),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, max_features=self.max_features),
        ] if self.text_features else []
        self.model_ = LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear")
        self.model_.fit(self._design(sentences, languages, fit=True), target)
        self.n_features_in_ = 1
        return self

    def decision_probability(self, X) -> np.ndarray:
        """Probability that each sentence is editorialising."""
        check_is_fitted(self, "model_")
        sentences, languages = _sentences_and_languages(X, self.language)
        if not sentences:
            return np.zeros(0)
        return self.model_.predict_proba(self._design(sentences, languages, fit=False))[:, 1]

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        p = self.decision_probability(X)
        return np.column_stack([1 - p, p] if self.positive_index_ == 1 else [p, 1 - p])

    def predict(self, X) -> np.ndarray:
        """The editorialising label where its probability reaches ``threshold``, else the other."""
        p = self.decision_probability(X)
        other = 1 - self.positive_index_
        return np.where(p >= self.threshold, self.classes_[self.positive_index_], self.classes_[other])

    def save(self, path) -> Path:
        """Write the fitted model with skops (no pickle); returns the path."""
        import skops.io as sio

        check_is_fitted(self, "model_")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        sio.dump(self, path)
        return path

    @classmethod
    def load(cls, path) -> "EditorialClassifier":
        """Read a model written by :meth:`save`; see :func:`load_classifier`."""
        return load_classifier(path)


# Every type a saved EditorialClassifier holds; loading refuses anything else.
TRUSTED_TYPES = (
    "spin.editorial.EditorialClassifier",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "numpy.float64",
    "numpy.int64",
    "numpy.str_",
    "numpy.dtype",
    "builtins.type",
)


def load_classifier(path) -> EditorialClassifier:
    """A saved :class:`EditorialClassifier`, checked to hold only :data:`TRUSTED_TYPES`."""
    import skops.io as sio

    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such model file")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # skops raises several kinds on a file that is not a skops archive
        raise InputError(str(path), f"not a spin editorial model ({exc})") from None
    unexpected = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unexpected:
        raise InputError(str(path), f"refusing to load a model holding unexpected types: {', '.join(unexpected)}")
    model = sio.load(path, trusted=list(TRUSTED_TYPES))
    if not isinstance(model, EditorialClassifier):
        raise InputError(str(path), f"holds a {type(model).__name__}, not an EditorialClassifier")
    return model


# --------------------------------------------------------------------------- training from a file

_LABELS = {"subj": 1, "1": 1, "obj": 0, "0": 0}


def read_labelled_tsv(path) -> pd.DataFrame:
    """A TSV of labelled sentences (columns sentence, label, optional language) as a DataFrame
    with ``sentence``, ``label`` (1 = editorialising) and ``language``; :class:`InputError` on
    anything unusable, naming the line."""
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise InputError(name, "no such file")
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(name, f"cannot read as UTF-8 text ({exc})") from None
    lines = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if not lines:
        raise InputError(name, "is empty; expected a header line with the columns sentence and label")
    header = [field.strip().lower() for field in lines[0][1].split("\t")]
    missing = [column for column in ("sentence", "label") if column not in header]
    if missing:
        raise InputError(name, f"needs the tab-separated columns sentence and label (optional: language); "
                               f"the header has {', '.join(header) or 'nothing'}")
    column = {key: header.index(key) for key in ("sentence", "label", "language") if key in header}
    rows = []
    for number, line in lines[1:]:
        fields = line.split("\t")
        if len(fields) <= max(column["sentence"], column["label"]):
            raise InputError(name, f"line {number}: expected {len(header)} tab-separated fields, found {len(fields)}")
        sentence = _unquote(fields[column["sentence"]].strip())
        label = fields[column["label"]].strip().lower()
        if not sentence:
            raise InputError(name, f"line {number}: empty sentence")
        if label not in _LABELS:
            raise InputError(name, f"line {number}: label must be SUBJ or OBJ (or 1 or 0), not {fields[column['label']].strip()!r}")
        language = fields[column["language"]].strip().lower() if "language" in column and column["language"] < len(fields) else ""
        language = language or "en"
        if language not in SUPPORTED_LANGUAGES:
            raise InputError(name, f"line {number}: language {language!r} is not supported (en, de, fr)")
        rows.append((sentence, _LABELS[label], language))
    frame = pd.DataFrame(rows, columns=["sentence", "label", "language"])
    if frame.empty:
        raise InputError(name, "has a header but no sentences")
    if frame["label"].nunique() < 2:
        raise InputError(name, "needs sentences of both labels (SUBJ and OBJ) to learn from")
    return frame


def _unquote(field: str) -> str:
    """A field written with CSV quoting ("He said ""no"".") back to its text."""
    if len(field) >= 2 and field[0] == field[-1] == '"' and '""' in field:
        return field[1:-1].replace('""', '"')
    return field


def train_from_tsv(path, out_path, **params) -> dict:
    """Fit an :class:`EditorialClassifier` on a labelled TSV, save it with skops to ``out_path``
    and return statistics (rows, labels, languages, 5-fold cross-validated macro-F1)."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    data = read_labelled_tsv(path)
    X, y = data[["sentence", "language"]], data["label"].to_numpy()
    model = EditorialClassifier(**params)
    smallest = int(np.bincount(y).min())
    cv_f1 = None
    if smallest >= 5:
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
        cv_f1 = float(cross_val_score(model, X, y, cv=folds, scoring="f1_macro").mean())
    model.fit(X, y)
    saved = model.save(out_path)
    return {
        "rows": int(len(data)),
        "subjective": int(y.sum()),
        "objective": int(len(y) - y.sum()),
        "languages": {k: int(v) for k, v in data["language"].value_counts().items()},
        "cv_macro_f1": None if cv_f1 is None else round(cv_f1, 4),
        "model": str(saved),
    }
