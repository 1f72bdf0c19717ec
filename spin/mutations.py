"""What each version kept, dropped, added or altered against a reference, with the words that prove it.

A version's sentences are aligned with the reference's (:mod:`spin.align`); each link's claim
units (:mod:`spin.claims`) are compared: numbers, dates, names, quotes, speakers, hedges and
boosters, and polarity. A paraphrase is not an alteration; a changed number, date, name,
speaker, certainty or polarity is. Every row carries a span in the reference (``source_*``)
and a span in the version, both character offsets into the article's ``text``, so it can be
checked by reading the two spans. Works across languages: values are compared after
normalisation, never as words.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import pandas as pd
from rapidfuzz import fuzz

from spin.align import align_sentences
from spin.claims import entity_families, extract_claims, find_negations, same_entity
from spin.language import split_sentences

MUTATION_COLUMNS = (
    "article_id", "reference", "status", "kind", "source_start", "source_end", "source_text",
    "start", "end", "version_text", "detail",
)
GROUP_COLUMNS = ("group_id", "article_id", "claim_id", "status")
STATUSES = ("kept", "dropped", "added", "altered")
KINDS = ("number", "date", "entity", "quote", "attribution", "certainty", "negation", "claim")
NOT_CLAIMS = frozenset({"heading"})  # sentence kinds that carry no claim of their own
_RELATIVE_TOLERANCE = 1e-9  # float noise only: 503 vs 501 is a change
_QUOTE_MIN_WORDS = 3
_SAME_SPEAKER_RATIO = 70
_SAME_QUOTE_RATIO = 60
_CROSS_LINGUAL_NAME_RATIO = 80


@dataclass(frozen=True)
class Unit:
    """One sentence of an article with the claims of all its clauses pooled."""

    sent_id: int
    start: int
    end: int
    text: str
    kind: str
    language: str
    claim_id: int
    numbers: tuple = ()
    dates: tuple = ()
    entities: tuple = ()
    quotes: tuple = ()
    attributions: tuple = ()
    certainty: tuple = ()
    negated: bool = False


@dataclass(frozen=True)
class Side:
    """One article seen by the comparison: its units by sentence id and its whole text."""

    article_id: str
    language: str
    text: str
    units: Mapping[int, Unit]
    entity_keys: frozenset = field(default_factory=frozenset)
    words: frozenset = field(default_factory=frozenset)


# ---------------------------------------------------------------------------------------------
# Public API


def compare_texts(source_text: str, source_language: str, target_text: str, target_language: str,
                  published: str | None = None) -> pd.DataFrame:
    """Mutations of ``target_text`` against ``source_text``; offsets index each text.

    The standalone form of :func:`mutations_table` for two texts (used by translation checks).
    """
    sides = []
    for article_id, text, language in (("source", source_text, source_language), ("target", target_text, target_language)):
        sentences = pd.DataFrame(
            [{"article_id": article_id, "sent_id": k, "start": s.start, "end": s.end, "text": s.text,
              "kind": s.kind, "language": language} for k, s in enumerate(split_sentences(text, language))],
            columns=["article_id", "sent_id", "start", "end", "text", "kind", "language"],
        )
        claims = extract_claims(text, language, published).assign(article_id=article_id)
        sides.append(build_side(article_id, language, text, sentences, claims))
    families = entity_families(_all_keys(sides))
    reference, version = (_canonical_side(side, families) for side in sides)
    links = _links_by_alignment(reference, version)
    return _frame(compare_sides(reference, version, links), "target", "source")


def mutations_table(
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    claims: pd.DataFrame,
    pairs: Iterable[tuple[str, str]],
    alignment: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The ``mutations`` table: every (reference, article_id) pair compared.

    ``pairs`` lists (reference, version) article ids: the family's reference against every
    version, and each stemma edge (parent, child). Links come from ``alignment`` when it holds
    the pair, else sentences are aligned here.
    """
    sides = _sides(articles, sentences, claims)
    families = entity_families(_all_keys(sides.values()))
    canonical = {article_id: _canonical_side(side, families) for article_id, side in sides.items()}
    frames = []
    for reference_id, article_id in pairs:
        if reference_id not in canonical or article_id not in canonical or reference_id == article_id:
            continue
        reference, version = canonical[reference_id], canonical[article_id]
        links = _links_from_table(alignment, reference_id, article_id)
        if links is None:
            links = _links_by_alignment(reference, version)
        frames.append(_frame(compare_sides(reference, version, links), article_id, reference_id))
    if not frames:
        return empty_mutations()
    return pd.concat(frames, ignore_index=True)


def claim_groups(mutations: pd.DataFrame, claims: pd.DataFrame, sentences: pd.DataFrame, reference: str) -> pd.DataFrame:
    """The ``claim_groups`` table: one family-level id per reference claim, followed in every version.

    A reference sentence's group says, per version, whether its claim was kept, altered or
    dropped; a sentence a version added forms a group of its own (``added``). Only rows of
    ``mutations`` against ``reference`` are used (not the stemma edges).
    """
    first_claim = _first_claim_ids(claims)
    locate = _sentence_locator(sentences)
    claim_sentences = sentences[(sentences["article_id"] == reference) & ~sentences["kind"].isin(NOT_CLAIMS)]
    rows = [{"group_id": _group_id(int(s.sent_id)), "article_id": reference,
             "claim_id": first_claim.get((reference, int(s.sent_id))), "status": "kept"}
            for s in claim_sentences.itertuples()]
    against = mutations[mutations["reference"] == reference]
    for article_id, changes in against.groupby("article_id", sort=True):
        statuses: dict[str, tuple[str, int | None]] = {}
        for change in changes.itertuples():
            sent_id = locate(article_id, change.start)
            claim_id = first_claim.get((article_id, sent_id)) if sent_id is not None else None
            if change.kind == "claim" and change.status == "added":
                statuses[f"a-{article_id}-{sent_id:03d}"] = ("added", claim_id)
                continue
            ref_sent = locate(reference, change.source_start)
            if ref_sent is None:
                continue
            status = change.status if change.kind == "claim" else "altered"
            group = _group_id(ref_sent)
            if group in statuses:
                previous_status, previous_claim = statuses[group]
                status, claim_id = _merge_status(previous_status, status), previous_claim if claim_id is None else claim_id
            statuses[group] = (status, claim_id)
        rows += [{"group_id": group, "article_id": article_id, "claim_id": claim_id, "status": status}
                 for group, (status, claim_id) in sorted(statuses.items())]
    return pd.DataFrame(rows, columns=list(GROUP_COLUMNS)).astype({"claim_id": "Int64"})


def empty_mutations() -> pd.DataFrame:
    """A mutations table with no rows and the documented columns."""
    return _frame([], "", "")


# ---------------------------------------------------------------------------------------------
# Building the sides


def build_side(article_id: str, language: str, text: str, sentences: pd.DataFrame, claims: pd.DataFrame) -> Side:
    """An article's sentences with their pooled claims."""
    pooled: dict[int, dict] = {}
    for claim in claims.sort_values(["sent_id", "claim_id"]).itertuples():
        unit = pooled.setdefault(int(claim.sent_id), {
            "claim_id": int(claim.claim_id), "numbers": [], "dates": [], "entities": [], "quotes": [],
            "attributions": [], "certainty": [], "negated": False,
        })
        unit["numbers"] += list(claim.numbers or [])
        unit["dates"] += list(claim.dates or [])
        unit["entities"] += list(claim.entities or [])
        unit["quotes"] += [q for q in (claim.quotes or []) if q not in unit["quotes"]]
        unit["attributions"] += list(claim.attribution or [])
        unit["certainty"] += list(claim.certainty or [])
        unit["negated"] = unit["negated"] or bool(claim.negated)
    units = {}
    for sentence in sentences.sort_values("sent_id").itertuples():
        sent_id = int(sentence.sent_id)
        found = pooled.get(sent_id, {"claim_id": -1})
        units[sent_id] = Unit(
            sent_id=sent_id, start=int(sentence.start), end=int(sentence.end), text=sentence.text,
            kind=sentence.kind, language=language, claim_id=found["claim_id"],
            numbers=tuple(found.get("numbers", ())), dates=tuple(found.get("dates", ())),
            entities=tuple(found.get("entities", ())), quotes=tuple(found.get("quotes", ())),
            attributions=tuple(found.get("attributions", ())), certainty=tuple(found.get("certainty", ())),
            negated=found.get("negated", False),
        )
    keys = frozenset(e["key"] for unit in units.values() for e in unit.entities)
    return Side(article_id, language, text, units, keys, _folded_words(text))


def _sides(articles: pd.DataFrame, sentences: pd.DataFrame, claims: pd.DataFrame) -> dict[str, Side]:
    sides = {}
    sentence_groups = dict(tuple(sentences.groupby("article_id", sort=False)))
    claim_groups_by_article = dict(tuple(claims.groupby("article_id", sort=False))) if not claims.empty else {}
    for article in articles.itertuples():
        if article.article_id not in sentence_groups:
            continue
        own_claims = claim_groups_by_article.get(article.article_id, claims.iloc[0:0])
        sides[article.article_id] = build_side(
            article.article_id, article.language, article.text, sentence_groups[article.article_id], own_claims
        )
    return sides


def _all_keys(sides: Iterable[Side]) -> list[str]:
    return [e["key"] for side in sides for unit in side.units.values() for e in unit.entities]


def _canonical_side(side: Side, families: Mapping[str, str]) -> Side:
    """The side with every entity key replaced by its family key."""
    units = {
        sent_id: Unit(**{**unit.__dict__, "entities": tuple({**e, "key": families.get(e["key"], e["key"])} for e in unit.entities)})
        for sent_id, unit in side.units.items()
    }
    keys = frozenset(families.get(key, key) for key in side.entity_keys)
    return Side(side.article_id, side.language, side.text, units, keys, side.words)


# ---------------------------------------------------------------------------------------------
# Links


def _links_by_alignment(reference: Side, version: Side) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    ref_ids = sorted(reference.units)
    ver_ids = sorted(version.units)
    if not ref_ids or not ver_ids:
        return [((i,), ()) for i in ref_ids] + [((), (j,)) for j in ver_ids]
    links = align_sentences([reference.units[i].text for i in ref_ids], reference.language,
                            [version.units[j].text for j in ver_ids], version.language)
    return [(tuple(ref_ids[i] for i in link.a_ids), tuple(ver_ids[j] for j in link.b_ids)) for link in links.itertuples()]


def _links_from_table(alignment: pd.DataFrame | None, reference: str, article_id: str):
    if alignment is None or alignment.empty:
        return None
    rows = alignment[(alignment["reference"] == reference) & (alignment["article_id"] == article_id)]
    if rows.empty:
        return None
    links = []
    for _, link in rows.groupby("link_id", sort=True):
        refs = tuple(sorted({int(x) for x in link["ref_sent"] if not _missing(x)}))
        sents = tuple(sorted({int(x) for x in link["sent_id"] if not _missing(x)}))
        links.append((refs, sents))
    return links


# ---------------------------------------------------------------------------------------------
# Comparison


def compare_sides(reference: Side, version: Side, links: Sequence[tuple[tuple[int, ...], tuple[int, ...]]]) -> list[dict]:
    """Change rows for every link between a reference and a version."""
    rows: list[dict] = []
    for ref_ids, ver_ids in links:
        ref_units = [reference.units[i] for i in ref_ids if _is_claim(reference.units[i])]
        ver_units = [version.units[j] for j in ver_ids if _is_claim(version.units[j])]
        if not ver_units:
            rows += [_claim_row("dropped", unit, None, "claim not in the version") for unit in ref_units]
            continue
        if not ref_units:
            rows += [_claim_row("added", None, unit, "claim not in the reference") for unit in ver_units]
            continue
        changes = _compare_link(ref_units, ver_units, reference, version)
        if changes:
            rows += changes
        else:
            same = " ".join(u.text for u in ref_units) == " ".join(u.text for u in ver_units)
            rows.append(_claim_row("kept", _span_unit(ref_units), _span_unit(ver_units), "kept verbatim" if same else "kept"))
    return rows


def _is_claim(unit: Unit) -> bool:
    """Headings and sentences without a word or a digit carry no claim."""
    return unit.kind not in NOT_CLAIMS and any(ch.isalnum() for ch in unit.text)


def _compare_link(ref_units: list[Unit], ver_units: list[Unit], reference: Side, version: Side) -> list[dict]:
    same_language = reference.language == version.language
    return (
        _compare_numbers(ref_units, ver_units)
        + _compare_dates(ref_units, ver_units)
        + _compare_entities(ref_units, ver_units, reference, version, same_language)
        + _compare_quotes(ref_units, ver_units, same_language)
        + _compare_attributions(ref_units, ver_units, reference, same_language)
        + _compare_certainty(ref_units, ver_units)
        + _compare_negation(ref_units, ver_units)
    )


def _located(units: list[Unit], field_name: str) -> list[tuple[Unit, dict]]:
    return [(unit, item) for unit in units for item in getattr(unit, field_name)]


# Numbers ---------------------------------------------------------------------------------------


def _number_class(number: dict) -> tuple:
    kind = number.get("kind", "cardinal")
    family = {"range": "cardinal", "approximate": "cardinal"}.get(kind, kind)
    return family, number.get("unit") or ""


def _close(a: dict, b: dict, end: str) -> bool:
    """Equal values, or a scaled amount rounded ('1.5 billion' for 1.52 billion)."""
    x, y = a[end], b[end]
    if x == y:
        return True
    if math.isnan(x) or math.isnan(y):
        return False
    if abs(x - y) <= _RELATIVE_TOLERANCE * max(abs(x), abs(y)):
        return True
    return (a.get("scale", 1) >= 1e6 and _rounded_equal(x, y)) or (b.get("scale", 1) >= 1e6 and _rounded_equal(y, x))


def _rounded_equal(coarse: float, fine: float) -> bool:
    """'1.5 billion' against '1.52 billion': equal at the coarser value's precision."""
    if coarse == 0:
        return False
    digits = len(f"{abs(coarse):.15g}".replace(".", "").replace("-", "").strip("0").split("e")[0])
    magnitude = math.floor(math.log10(abs(coarse)))
    step = 10 ** (magnitude - max(digits, 1) + 1)
    return digits <= 2 and abs(round(fine / step) * step - coarse) < step / 1e6 and abs(fine - coarse) < step / 2


def _same_number(a: dict, b: dict) -> bool:
    if a.get("kind") in ("ordinal", "multiplier") or b.get("kind") in ("ordinal", "multiplier"):
        if a.get("kind") != b.get("kind"):
            return False
    if "approximate" in (a.get("kind"), b.get("kind")):  # "thousands of", "des centaines de": same order of magnitude
        return _magnitude(a["low"]) == _magnitude(b["low"])
    if _thousands_ambiguous(a, b) or _thousands_ambiguous(b, a):
        return True
    return _close(a, b, "low") and _close(a, b, "high") and _compatible_currency(a, b)


_DOT_THOUSANDS = re.compile(r"\d\.\d{3}(?!\d)")


def _thousands_ambiguous(a: dict, b: dict) -> bool:
    """'272.000' read as a decimal in English is 272,000 written with a German separator."""
    return bool(_DOT_THOUSANDS.search(a.get("text", ""))) and math.isclose(a["low"] * 1000, b["low"]) and math.isclose(a["high"] * 1000, b["high"])


def _magnitude(value: float) -> int:
    return math.floor(math.log10(abs(value))) if value else 0


def _compatible_currency(a: dict, b: dict) -> bool:
    return not a.get("currency") or not b.get("currency") or a["currency"] == b["currency"]


def _describe_number(number: dict) -> str:
    def show(value: float) -> str:
        for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
            if abs(value) >= scale:
                return f"{value / scale:g} {word}"
        return f"{value:g}"

    value = show(number["low"]) if number["low"] == number["high"] else f"{show(number['low'])}–{show(number['high'])}"
    if number.get("kind") == "percent" and number.get("unit") != "%":
        value += " %"
    elif number.get("kind") == "ordinal":
        value = f"#{number['low']:g}"
    elif number.get("kind") == "multiplier":
        value = f"×{number['low']:g}"
    prefix = "~" if number.get("approximate") or number.get("kind") == "approximate" else ""
    suffix = " ".join(part for part in (number.get("unit"), number.get("currency")) if part)
    return f"{prefix}{value}" + (f" {suffix}" if suffix else "")


def _is_year(number: dict) -> bool:
    return (number.get("kind") == "cardinal" and number["low"] == number["high"] and number["low"] == int(number["low"])
            and 1900 <= number["low"] <= 2100 and not number.get("unit") and not number.get("currency"))


def _years(units: list[Unit]) -> set[int]:
    return {_date_parts(d)["year"] for u in units for d in u.dates if _date_parts(d)["year"]}


def _year_numbers(units: list[Unit]) -> set[int]:
    return {int(n["low"]) for u in units for n in u.numbers if _is_year(n)}


def _compare_numbers(ref_units, ver_units) -> list[dict]:
    ref_years, ver_years = _years(ref_units), _years(ver_units)
    ref = [(u, n) for u, n in _located(ref_units, "numbers") if not (_is_year(n) and n["low"] in ver_years)]
    ver = [(u, n) for u, n in _located(ver_units, "numbers") if not (_is_year(n) and n["low"] in ref_years)]
    ref_left, ver_left = _match(ref, ver, lambda a, b: _same_number(a, b))
    rows = []
    for (r_unit, r_num), (v_unit, v_num) in _pair_leftovers(ref_left, ver_left, _number_class):
        rows.append(_item_row("altered", "number", r_unit, r_num, v_unit, v_num,
                              f"{_describe_number(r_num)} → {_describe_number(v_num)}"))
    context_ref, context_ver = _span_unit(ref_units), _span_unit(ver_units)
    for r_unit, r_num in ref_left:
        if r_num.get("kind") != "ordinal":
            rows.append(_item_row("dropped", "number", r_unit, r_num, context_ver, None, f"number {_describe_number(r_num)} not in the version"))
    for v_unit, v_num in ver_left:
        if v_num.get("kind") != "ordinal":
            rows.append(_item_row("added", "number", context_ref, None, v_unit, v_num, f"number {_describe_number(v_num)} not in the reference"))
    return rows


def _match(ref: list, ver: list, same) -> tuple[list, list]:
    """Remove matched pairs; return what is left on each side, in order."""
    ver_left = list(ver)
    ref_left = []
    for r_unit, r_item in ref:
        partner = next((k for k, (_, v_item) in enumerate(ver_left) if same(r_item, v_item)), None)
        if partner is None:
            ref_left.append((r_unit, r_item))
        else:
            ver_left.pop(partner)
    return ref_left, ver_left


def _pair_leftovers(ref_left: list, ver_left: list, key) -> list:
    """Pair unmatched items of the same class, in order; remove them from both lists."""
    pairs = []
    for r in list(ref_left):
        partner = next((v for v in ver_left if key(v[1]) == key(r[1])), None)
        if partner is not None:
            pairs.append((r, partner))
            ref_left.remove(r)
            ver_left.remove(partner)
    return pairs


# Dates -----------------------------------------------------------------------------------------

_DATE_FIELDS = ("year", "month", "day", "quarter")


def _date_parts(date: dict) -> dict:
    resolved = date.get("resolved") or ""
    parts = {name: date.get(name) for name in _DATE_FIELDS}
    if resolved[:4].isdigit() and not parts["year"]:
        parts["year"] = int(resolved[:4])
    if len(resolved) >= 7 and resolved[5:7].isdigit() and not parts["month"]:
        parts["month"] = int(resolved[5:7])
    return parts


def _same_date(a: dict, b: dict) -> bool:
    pa, pb = _date_parts(a), _date_parts(b)
    shared = [name for name in _DATE_FIELDS if pa[name] and pb[name]]
    if not shared:
        return (a.get("relative") or "") == (b.get("relative") or "") and not any(pa.values()) and not any(pb.values())
    return all(pa[name] == pb[name] for name in shared)


def _describe_date(date: dict) -> str:
    if date.get("resolved"):
        return date["resolved"]
    parts = _date_parts(date)
    if parts["quarter"]:
        return f"Q{parts['quarter']} {parts['year'] or ''}".strip()
    month = calendar.month_name[parts["month"]] if parts["month"] else ""
    shown = " ".join(str(part) for part in (parts["day"], month, parts["year"]) if part)
    return shown or date.get("relative") or date.get("text", "")


def _year_only(date: dict) -> int | None:
    parts = _date_parts(date)
    return parts["year"] if parts["year"] and not (parts["month"] or parts["day"] or parts["quarter"]) else None


def _compare_dates(ref_units, ver_units) -> list[dict]:
    """Dates compared on the parts both give; a bare year the other side wrote as a number is kept."""
    ref_numbers, ver_numbers = _year_numbers(ref_units), _year_numbers(ver_units)
    ref = [(u, d) for u, d in _located(ref_units, "dates") if _year_only(d) not in ver_numbers]
    ver = [(u, d) for u, d in _located(ver_units, "dates") if _year_only(d) not in ref_numbers]
    ref_left, ver_left = _match(ref, ver, _same_date)
    rows = []
    for (r_unit, r_date), (v_unit, v_date) in _pair_leftovers(ref_left, ver_left, lambda d: "date"):
        rows.append(_item_row("altered", "date", r_unit, r_date, v_unit, v_date,
                              f"{_describe_date(r_date)} → {_describe_date(v_date)}"))
    context_ref, context_ver = _span_unit(ref_units), _span_unit(ver_units)
    rows += [_item_row("dropped", "date", u, d, context_ver, None, f"date {_describe_date(d)} not in the version") for u, d in ref_left]
    rows += [_item_row("added", "date", context_ref, None, u, d, f"date {_describe_date(d)} not in the reference") for u, d in ver_left]
    return rows


# Names -----------------------------------------------------------------------------------------


def _same_name(a: str, b: str, same_language: bool) -> bool:
    if same_entity(a, b):
        return True
    return not same_language and fuzz.ratio(a, b) >= _CROSS_LINGUAL_NAME_RATIO


def _known_in(key: str, side: Side, same_language: bool) -> bool:
    return any(_same_name(key, other, same_language) for other in side.entity_keys)


def _folded_words(text: str) -> frozenset[str]:
    """The text's words, casefolded and without accents."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return frozenset(re.findall(r"\w+", "".join(ch for ch in folded if not unicodedata.combining(ch))))


def _mentioned(name: str, words_of_text: frozenset[str]) -> bool:
    """Every longer word of the name occurs among a text's folded words (any case, inflected or not)."""
    words = [w for w in _folded_words(name) if len(w) >= 3]
    if not words and "." in name:  # "U.S." ~ "US"
        words = [re.sub(r"\W", "", name.casefold())]
    return bool(words) and all(
        w in words_of_text or any(o.startswith(w[:5]) and abs(len(o) - len(w)) <= 3 for o in words_of_text if len(w) >= 5)
        for w in words
    )


def _compare_entities(ref_units, ver_units, reference: Side, version: Side, same_language: bool) -> list[dict]:
    ref = _unique_entities(_located(ref_units, "entities"))
    ver = _unique_entities(_located(ver_units, "entities"))
    ref_left, ver_left = _match(ref, ver, lambda a, b: _same_name(a["key"], b["key"], same_language))
    # A name the other text has elsewhere was moved or replaced by a pronoun: not a change here.
    ref_left = [(u, e) for u, e in ref_left if not (_known_in(e["key"], version, same_language) or _mentioned(e["text"], version.words))]
    ver_left = [(u, e) for u, e in ver_left if not (_known_in(e["key"], reference, same_language) or _mentioned(e["text"], reference.words))]
    if ref_left and ver_left:
        if len(ref_left) == 1 and len(ver_left) == 1:
            (r_unit, r_ent), (v_unit, v_ent) = ref_left[0], ver_left[0]
            return [_item_row("altered", "entity", r_unit, r_ent, v_unit, v_ent, f"name changed: {r_ent['text']} → {v_ent['text']}")]
        detail = "entity list: " + " ".join([f"+{e['text']}" for _, e in ver_left] + [f"−{e['text']}" for _, e in ref_left])
        return [_item_row("altered", "entity", ref_left[0][0], ref_left[0][1], ver_left[0][0], ver_left[0][1], detail)]
    context_ref, context_ver = _span_unit(ref_units), _span_unit(ver_units)
    rows = [_item_row("dropped", "entity", u, e, context_ver, None, f"name {e['text']} not in the version") for u, e in ref_left]
    rows += [_item_row("added", "entity", context_ref, None, u, e, f"name {e['text']} not in the reference") for u, e in ver_left]
    return rows


def _unique_entities(located: list) -> list:
    seen, unique = set(), []
    for unit, entity in located:
        if entity["key"] not in seen:
            seen.add(entity["key"])
            unique.append((unit, entity))
    return unique


# Quotes and speakers ---------------------------------------------------------------------------


def _real_quotes(units: list[Unit]) -> list[tuple[Unit, dict]]:
    return [(u, q) for u, q in _located(units, "quotes")
            if len(u.text[max(q["inner_start"] - u.start, 0): q["inner_end"] - u.start].split()) >= _QUOTE_MIN_WORDS
            or len(q.get("text", "").split()) >= _QUOTE_MIN_WORDS + 1]


def _compare_quotes(ref_units, ver_units, same_language: bool) -> list[dict]:
    ref, ver = _real_quotes(ref_units), _real_quotes(ver_units)
    if ref and not ver:
        unit, quote = ref[0]
        return [_item_row("altered", "quote", unit, quote, _span_unit(ver_units), None, f"direct quote → paraphrase: {_short(quote['text'])}")]
    if ver and not ref:
        unit, quote = ver[0]
        return [_item_row("altered", "quote", _span_unit(ref_units), None, unit, quote, f"paraphrase → direct quote: {_short(quote['text'])}")]
    if ref and ver and same_language:
        r_unit, r_quote = ref[0]
        best = max(ver, key=lambda item: fuzz.token_set_ratio(r_quote["text"], item[1]["text"]))
        if fuzz.token_set_ratio(r_quote["text"], best[1]["text"]) < _SAME_QUOTE_RATIO:
            return [_item_row("altered", "quote", r_unit, r_quote, best[0], best[1],
                              f"quote wording changed: {_short(r_quote['text'])} → {_short(best[1]['text'])}")]
    return []


def _speaker_key(attribution: dict, unit: Unit) -> str:
    keys = [e["key"] for e in unit.entities
            if attribution["speaker_start"] <= e["start"] < attribution["speaker_end"] + 1]
    return keys[0] if keys else attribution.get("speaker", "").casefold().strip()


def _stems(speaker: str) -> set[str]:
    """First five letters of the speaker's longer words: 'die Polizei' ~ 'Polizeiangaben'."""
    return {word[:5] for word in speaker.replace("-", " ").split() if len(word) >= 4}


def _same_speaker(a: str, b: str, a_named: bool, b_named: bool, same_language: bool) -> bool:
    if a == b or a in b or b in a or _stems(a) & _stems(b):
        return True
    if same_language or (a_named and b_named):
        return same_entity(a, b) or fuzz.ratio(a, b) >= _SAME_SPEAKER_RATIO
    return True  # common-noun speakers in two languages cannot be compared without a dictionary


def _compare_attributions(ref_units, ver_units, reference: Side, same_language: bool) -> list[dict]:
    """A changed speaker, a claim stripped of its attribution, or a newly named source."""
    ref = _located(ref_units, "attributions")
    ver = _located(ver_units, "attributions")
    if ref and not ver:
        unit, attribution = ref[0]
        if _mentioned(attribution.get("speaker", ""), _folded_words(" ".join(u.text for u in ver_units))):
            return []
        return [_item_row("dropped", "attribution", unit, attribution, _span_unit(ver_units), None,
                          f"attribution removed: {attribution['text']}")]
    if ver and not ref:
        invented = [(u, a) for u, a in ver if _named(a, u) and not _known_in(_speaker_key(a, u), reference, same_language)]
        if not invented:
            return []
        unit, attribution = invented[0]
        return [_item_row("added", "attribution", _span_unit(ref_units), None, unit, attribution,
                          f"attribution added: {attribution['text']}")]
    ref_keys = [(u, a, _speaker_key(a, u), _named(a, u)) for u, a in ref]
    ver_keys = [(u, a, _speaker_key(a, u), _named(a, u)) for u, a in ver]
    for r_unit, r_att, r_key, r_named in ref_keys:
        if any(_same_speaker(r_key, v_key, r_named, v_named, same_language) for _, _, v_key, v_named in ver_keys):
            continue
        v_unit, v_att, _, _ = ver_keys[0]
        return [_item_row("altered", "attribution", r_unit, r_att, v_unit, v_att,
                          f"speaker changed: {r_att['speaker']} → {v_att['speaker']}", span="speaker")]
    return []


def _named(attribution: dict, unit: Unit) -> bool:
    return any(attribution["speaker_start"] <= e["start"] < attribution["speaker_end"] + 1 for e in unit.entities)


# Certainty and polarity ------------------------------------------------------------------------


def _compare_certainty(ref_units, ver_units) -> list[dict]:
    rows = []
    for kind, word in (("hedge", "hedge"), ("booster", "booster")):
        ref = [(u, c) for u, c in _located(ref_units, "certainty") if c["kind"] == kind]
        ver = [(u, c) for u, c in _located(ver_units, "certainty") if c["kind"] == kind]
        if ref and not ver:
            unit, cue = ref[0]
            rows.append(_item_row("altered", "certainty", unit, cue, _span_unit(ver_units), None, f"{word} '{cue['text']}' removed"))
        elif ver and not ref:
            unit, cue = ver[0]
            rows.append(_item_row("altered", "certainty", _span_unit(ref_units), None, unit, cue, f"{word} '{cue['text']}' added"))
    return rows


def _compare_negation(ref_units, ver_units) -> list[dict]:
    ref_negated = any(u.negated for u in ref_units)
    ver_negated = any(u.negated for u in ver_units)
    if ref_negated == ver_negated:
        return []
    if ref_negated:
        unit, cue = _negation_cue(ref_units)
        return [_item_row("altered", "negation", unit, cue, _span_unit(ver_units), None, f"negation '{cue['text']}' removed")]
    unit, cue = _negation_cue(ver_units)
    return [_item_row("altered", "negation", _span_unit(ref_units), None, unit, cue, f"negation '{cue['text']}' added")]


def _negation_cue(units: list[Unit]) -> tuple[Unit, dict]:
    for unit in units:
        if unit.negated:
            cues = find_negations(unit.text, unit.language)
            if cues:
                cue = cues[0]
                return unit, {"start": unit.start + cue.start, "end": unit.start + cue.end, "text": cue.text}
            return unit, {"start": unit.start, "end": unit.end, "text": unit.text}
    raise ValueError("no negated unit")


# ---------------------------------------------------------------------------------------------
# Rows


def _span_unit(units: list[Unit]) -> Unit | None:
    """One unit spanning several consecutive ones (for n–1 links)."""
    if not units:
        return None
    if len(units) == 1:
        return units[0]
    first, last = min(units, key=lambda u: u.start), max(units, key=lambda u: u.end)
    return Unit(first.sent_id, first.start, last.end, " … ".join(u.text for u in units), first.kind, first.language, first.claim_id)


def _claim_row(status: str, ref: Unit | None, ver: Unit | None, detail: str) -> dict:
    return {
        "status": status, "kind": "claim",
        "source_start": ref.start if ref else None, "source_end": ref.end if ref else None,
        "source_text": ref.text if ref else "",
        "start": ver.start if ver else None, "end": ver.end if ver else None,
        "version_text": ver.text if ver else "", "detail": detail,
    }


def _item_row(status, kind, ref_unit, ref_item, ver_unit, ver_item, detail, span: str = "") -> dict:
    """A change row whose spans are the items' own (or the whole sentence when an item is absent)."""
    def bounds(unit, item):
        if item is not None and span == "speaker" and "speaker_start" in item:
            return item["speaker_start"], item["speaker_end"], item["speaker"]
        if item is not None:
            return item["start"], item["end"], item.get("text", "")
        if unit is not None:
            return unit.start, unit.end, unit.text
        return None, None, ""

    source_start, source_end, source_text = bounds(ref_unit, ref_item)
    start, end, version_text = bounds(ver_unit, ver_item)
    return {"status": status, "kind": kind, "source_start": source_start, "source_end": source_end,
            "source_text": source_text, "start": start, "end": end, "version_text": version_text, "detail": detail}


def _frame(rows: list[dict], article_id: str, reference: str) -> pd.DataFrame:
    table = pd.DataFrame([{"article_id": article_id, "reference": reference, **row} for row in rows], columns=list(MUTATION_COLUMNS))
    return table.astype({"source_start": "Int64", "source_end": "Int64", "start": "Int64", "end": "Int64"})


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------
# claim_groups helpers


def _group_id(ref_sent: int) -> str:
    return f"c{ref_sent:03d}"


def _first_claim_ids(claims: pd.DataFrame) -> dict[tuple[str, int], int]:
    if claims.empty:
        return {}
    first = claims.sort_values("claim_id").groupby(["article_id", "sent_id"], sort=False)["claim_id"].first()
    return {(article_id, int(sent_id)): int(claim_id) for (article_id, sent_id), claim_id in first.items()}


def _sentence_locator(sentences: pd.DataFrame):
    spans = defaultdict(list)
    for row in sentences.itertuples():
        spans[row.article_id].append((int(row.start), int(row.end), int(row.sent_id)))

    def locate(article_id: str, offset) -> int | None:
        if _missing(offset):
            return None
        for start, end, sent_id in spans.get(article_id, ()):
            if start <= int(offset) < max(end, start + 1):
                return sent_id
        return None

    return locate


_STATUS_RANK = {"kept": 0, "added": 1, "altered": 2, "dropped": 3}


def _merge_status(first: str, second: str) -> str:
    return max(first, second, key=lambda status: _STATUS_RANK[status])


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))
