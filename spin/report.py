"""One self-contained HTML report of a family, with the evidence highlighted in each version's own words.

The report is a single file: inline CSS and inline SVG figures, no script, no request of any kind
(a Content-Security-Policy forbids them), readable from a USB stick. Every piece of article text,
title, URL and manifest field is escaped, so markup inside an article shows as text.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from spin import __version__
from spin import figures
from spin.figures import is_blank

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
REPORT_FIGURES = (
    ("editorialising", figures.editorialising_by_sentence,
     "Each row is a version, each cell a sentence in reading order; darker means more editorial. "
     "Headlines are outlined; the number on the right is the version's overall score."),
    ("claim_survival", figures.claim_survival_matrix,
     "Each column is one claim followed across the versions: kept, altered (~), dropped (×) or added (+)."),
    ("number_name_changes", figures.number_and_name_changes,
     "Numbers, dates and names each version altered, dropped or added against the reference."),
    ("readability", figures.readability_by_version,
     "Reading ease in each language's own formula (higher is easier), then the formulas that apply to some "
     "languages only, each shown for the versions it applies to."),
    ("translation_errors", figures.translation_errors_by_category,
     "Translation errors found in each translated version, by category, with its quality estimate."),
    ("derivation_tree", figures.derivation_tree,
     "Who derives from whom: each arrow is labelled with the kind of derivation and how sure spin is."),
)
EDITORIAL_LEVELS = 4  # sentence tints: score bands of 1/4 above the lowest
FACT_KINDS = ("number", "date", "entity", "quote")
KIND_NOUNS = {"number": "number", "date": "date", "entity": "name", "quote": "quote", "attribution": "attribution",
              "certainty": "certainty marker", "negation": "negation", "claim": "claim"}
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SVG_NS = "{http://www.w3.org/2000/svg}"
_SVG_ELEMENTS = frozenset({
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
    "defs", "clipPath", "use", "title", "desc", "linearGradient", "radialGradient", "stop", "pattern", "image",
})
_URL_REFERENCE = re.compile(r"url\(\s*#([^)\s]+)\s*\)")
_NO_SENTENCE = ("", None, None)


@dataclass(frozen=True)
class Span:
    """A stretch of text to highlight: offsets into the text, a CSS class and a tooltip."""

    start: Any
    end: Any
    kind: str
    note: str = ""


def escape(value: Any) -> str:
    """Text safe to put in HTML (element content or a quoted attribute); blanks become ''."""
    if is_blank(value):
        return ""
    return html.escape(_CONTROL.sub("\ufffd", str(value)), quote=True)


def _offset(value: Any) -> int | None:
    if is_blank(value) or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def highlight(text: str, spans: Iterable[Span]) -> str:
    """HTML of ``text`` with each span wrapped in ``<mark class=kind title=note>``.

    Overlapping spans are split at every boundary and nested, so the markup is always well
    formed; offsets out of range are clipped, unreadable ones ignored. A span of length zero
    (an omission) becomes a visible caret at its position.
    """
    text = "" if is_blank(text) else str(text)
    length = len(text)
    ranged, carets = [], {}
    for order, span in enumerate(spans):
        start, end = _offset(span.start), _offset(span.end)
        if start is None:
            continue
        caret = end is None or end <= start
        start = min(max(start, 0), length)
        end = start if caret else min(max(end, start), length)
        if end > start:
            ranged.append((start, -end, order, span))
        elif caret:
            carets.setdefault(start, []).append(span)
    ranged.sort(key=lambda item: item[:3])
    bounds = sorted({0, length, *carets, *(s for s, _, _, _ in ranged), *(-e for _, e, _, _ in ranged)})
    pieces = []
    for left, right in zip(bounds, bounds[1:] + [None]):
        pieces.extend(f'<mark class="{escape(span.kind)} gap" title="{escape(span.note)}">&#8248;</mark>'
                      for span in carets.get(left, ()))
        if right is None:
            break
        piece = escape(text[left:right])
        for start, negative_end, _, span in reversed(ranged):
            if start <= left and -negative_end >= right:
                piece = f'<mark class="{escape(span.kind)}" title="{escape(span.note)}">{piece}</mark>'
        pieces.append(piece)
    return "".join(pieces)


def _clip(spans: Iterable[Span], start: int, end: int) -> list[Span]:
    """Spans that touch [start, end), shifted to offsets within that stretch."""
    shifted = []
    for span in spans:
        left, right = _offset(span.start), _offset(span.end)
        if left is None:
            continue
        right = left if right is None else right
        if right >= start and left <= end and (left < end or right == left == end):
            shifted.append(Span(max(left, start) - start, min(right, end) - start, span.kind, span.note))
    return shifted


def _decoded(value: Any) -> Any:
    """A list or record stored as JSON text (as read back from CSV), decoded; anything else unchanged."""
    if isinstance(value, str) and value.strip()[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def describe(value: Any) -> str:
    """A cell (text, number, JSON list or record) as one line of plain text."""
    value = _decoded(value)
    if is_blank(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "; ".join(f"{key}: {describe(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple, set)):
        return ", ".join(describe(item) for item in value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _number(value: Any, digits: int = 2, suffix: str = "") -> str:
    if is_blank(value):
        return "—"
    try:
        return f"{float(value):.{digits}f}{suffix}"
    except (TypeError, ValueError):
        return escape(value)


def _flag(value: Any) -> bool:
    """A boolean cell: blank counts as false."""
    return not is_blank(value) and bool(value)


def _evidence_text(value: Any) -> str:
    """Evidence as the words that carry it: the ``text`` of each record, else the whole cell."""
    texts = [describe(record.get("text")) for record in _records(value) if isinstance(record, dict) and record.get("text")]
    return " · ".join(texts) if texts else describe(value)


def _records(value: Any) -> list:
    """A cell holding records (cues, reasons) as a list."""
    value = _decoded(value)
    if isinstance(value, dict):
        return [value]
    return list(value) if isinstance(value, (list, tuple)) else []


class _Family:
    """Read-only views over the analysis tables for one report, indexed once per table."""

    def __init__(self, analysis: Any):
        self.tables = getattr(analysis, "tables", analysis)
        self.run = dict(getattr(analysis, "run", {}) or {})
        self.settings = figures.settings_of(analysis)
        self.reference = figures.family_reference(analysis)
        self.ids = figures.versions(analysis)
        self.labels = figures.version_labels(analysis, list(dict.fromkeys(self.ids + self._other_ids())))
        articles = self.table("articles")
        self.articles = {str(row["article_id"]): row for row in articles.to_dict("records")} if "article_id" in articles else {}
        mutations = figures.against_reference(self.table("mutations"), self.reference)
        self.family_reference = (str(mutations["reference"].iloc[0])
                                 if not mutations.empty and "reference" in mutations.columns else self.reference)
        self._index: dict[tuple[str, str], dict[str, pd.DataFrame]] = {}
        self._memo: dict[tuple, Any] = {}

    def _other_ids(self) -> list[str]:
        names = [self.reference] if self.reference else []
        stemma = self.table("stemma")
        if {"parent", "child"} <= set(stemma.columns):
            names += [str(v) for v in pd.concat([stemma["parent"], stemma["child"]]).dropna()]
        return names

    def table(self, name: str) -> pd.DataFrame:
        table = self.tables.get(name)
        return table if isinstance(table, pd.DataFrame) else pd.DataFrame()

    def rows(self, name: str, article_id: Any, column: str = "article_id") -> pd.DataFrame:
        """The rows of a table whose ``column`` is ``article_id`` (an empty frame when none)."""
        table = self.table(name)
        if table.empty or column not in table.columns:
            return table.iloc[0:0]
        if (name, column) not in self._index:
            self._index[name, column] = dict(iter(table.groupby(table[column].astype(str), sort=False)))
        return self._index[name, column].get(str(article_id), table.iloc[0:0])

    def row(self, name: str, article_id: Any) -> dict:
        rows = self.rows(name, article_id)
        return rows.iloc[0].to_dict() if not rows.empty else {}

    def memo(self, key: tuple, compute) -> Any:
        """``compute()`` once per key for this report."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def text(self, article_id: Any) -> str:
        text = self.articles.get(str(article_id), {}).get("text")
        return "" if is_blank(text) else str(text)

    def label(self, article_id: Any) -> str:
        return self.labels.get(str(article_id), str(article_id))

    def anchor(self, article_id: str) -> str:
        return f"v{self.ids.index(article_id) + 1}" if article_id in self.ids else ""

    def changes(self, article_id: str, reference: Any) -> pd.DataFrame:
        """The mutations of a version against ``reference``."""
        rows = self.rows("mutations", article_id)
        if rows.empty or "reference" not in rows.columns:
            return rows
        return rows[rows["reference"].astype(str) == str(reference)]

    def family_changes(self, article_id: str) -> pd.DataFrame:
        """The mutations of a version against the family's reference."""
        return self.memo(("changes", article_id), lambda: self.changes(article_id, self.family_reference))

    def parent(self, article_id: str) -> dict:
        rows = self.rows("stemma", article_id, column="child")
        return rows.iloc[0].to_dict() if not rows.empty else {}


def _link(family: _Family, article_id: Any) -> str:
    article_id = str(article_id)
    anchor = family.anchor(article_id)
    label = escape(family.label(article_id))
    return f'<a href="#{anchor}">{label}</a>' if anchor else label


def _lang_attribute(language: Any) -> str:
    language = "" if is_blank(language) else str(language)
    return f' lang="{language}"' if _LANGUAGE_CODE.match(language) else ""


# ---- spans of evidence -------------------------------------------------------------------------


def _locate(text: str, start: Any, end: Any, expected: Any, within: tuple[int, int] | None = None) -> tuple[Any, Any]:
    """Offsets of ``expected`` in ``text``: as given when they match, else shifted by the sentence
    start (offsets relative to a sentence), else the first occurrence inside ``within``."""
    expected = "" if is_blank(expected) else str(expected)
    left, right = _offset(start), _offset(end)
    if not expected or left is None:
        return start, end
    if right is not None and text[left:right] == expected:
        return left, right
    if within is not None:
        base = within[0]
        if right is not None and text[base + left: base + right] == expected:
            return base + left, base + right
        found = text.find(expected, within[0], within[1] + len(expected))
        if found >= 0:
            return found, found + len(expected)
    return start, end


def _sentence_bounds(family: _Family, article_id: str) -> dict:
    sentences = family.rows("sentences", article_id)
    if not {"sent_id", "start", "end"} <= set(sentences.columns):
        return {}
    return {sent_id: (int(start), int(end)) for sent_id, start, end in zip(sentences["sent_id"], sentences["start"], sentences["end"])
            if _offset(start) is not None and _offset(end) is not None}


def _editorial_spans(family: _Family, article_id: str) -> list[Span]:
    editorial = family.rows("editorial", article_id)
    if editorial.empty:
        return []
    text, bounds = family.text(article_id), _sentence_bounds(family, article_id)
    spans = []
    for row in editorial.to_dict("records"):
        within = bounds.get(row.get("sent_id"))
        score = row.get("score")
        if within and not is_blank(score):
            level = min(EDITORIAL_LEVELS, int(float(score) * EDITORIAL_LEVELS + 1e-9))
            if level:
                attributed = " (attributed)" if _flag(row.get("attributed")) else ""
                spans.append(Span(*within, f"ed{level}", f"sentence editorialising {float(score):.2f}{attributed}"))
        for cue in _records(row.get("cues")):
            if isinstance(cue, dict):
                start, end = _locate(text, cue.get("start"), cue.get("end"), cue.get("text"), within)
                spans.append(Span(start, end, "cue", f"editorial cue: {describe(cue.get('kind'))}"))
    return spans


def _change_note(row: dict) -> str:
    detail = describe(row.get("detail"))
    kind = describe(row.get("kind"))
    source = describe(row.get("source_text"))
    note = f"{row.get('status', '')} {KIND_NOUNS.get(kind, kind)}"
    if source:
        note += f"; reference: {source}"
    return note + (f"; {detail}" if detail else "")


def _change_spans(family: _Family, article_id: str, changes: pd.DataFrame) -> list[Span]:
    text = family.text(article_id)
    spans = []
    for row in changes.to_dict("records"):
        status = str(row.get("status", ""))
        if status in ("altered", "added"):
            start, end = _locate(text, row.get("start"), row.get("end"), row.get("version_text"))
            spans.append(Span(start, end, status, _change_note(row)))
    return spans


def _source_spans(changes: pd.DataFrame) -> list[Span]:
    """Where the reference text holds what a version dropped or altered."""
    spans = []
    for row in changes.to_dict("records"):
        status = str(row.get("status", ""))
        if status in ("altered", "dropped"):
            spans.append(Span(row.get("source_start"), row.get("source_end"), f"src-{status}", _change_note(row)))
    return spans


def _error_spans(family: _Family, article_id: str) -> list[Span]:
    text = family.text(article_id)
    spans = []
    for row in family.rows("translation_errors", article_id).to_dict("records"):
        start, end = _locate(text, row.get("start"), row.get("end"), row.get("text"))
        note = f"translation error: {describe(row.get('category'))} ({describe(row.get('severity'))}) {describe(row.get('detail'))}"
        spans.append(Span(start, end, "error", note.strip()))
    return spans


def _downstream_spans(family: _Family) -> list[Span]:
    """On the reference's own text: the numbers, dates, names and quotes other versions dropped or altered."""
    changes = figures.against_reference(family.table("mutations"), family.reference)
    if changes.empty or not {"article_id", "status"} <= set(changes.columns):
        return []
    if "kind" in changes.columns:
        changes = changes[changes["kind"].isin(FACT_KINDS)]
    spans = []
    for article_id, rows in changes.groupby(changes["article_id"].astype(str), sort=False):
        spans += [Span(span.start, span.end, "later", f"in {family.label(article_id)}: {span.note}")
                  for span in _source_spans(rows)]
    return spans


def _version_spans(family: _Family, article_id: str) -> list[Span]:
    def compute() -> list[Span]:
        spans = _editorial_spans(family, article_id) + _error_spans(family, article_id)
        if article_id == family.reference:
            return spans + _downstream_spans(family)
        return spans + _change_spans(family, article_id, family.family_changes(article_id))

    return family.memo(("spans", article_id), compute)


# ---- side by side --------------------------------------------------------------------------------


def _sentences_of(family: _Family, article_id: str) -> dict:
    """sent_id -> (text, start, end) of a version, or of the reconstructed source when the id is
    not a version (the consensus table has no offsets)."""
    def compute() -> dict:
        if article_id not in family.articles and {"sent_id", "text"} <= set(family.table("consensus").columns):
            return {row["sent_id"]: (row["text"], None, None) for row in family.table("consensus").to_dict("records")}
        sentences = family.rows("sentences", article_id)
        if not {"sent_id", "text"} <= set(sentences.columns):
            return {}
        return {row["sent_id"]: (row["text"], row.get("start"), row.get("end")) for row in sentences.to_dict("records")}

    return family.memo(("sentences", article_id), compute)


def side_by_side(analysis: Any, article_id: str) -> pd.DataFrame:
    """A version against its family reference, one row per alignment link in reading order.

    Columns: link_id, ref_sents, reference_text, sent_ids, version_text, score, method.
    A sentence without counterpart has an empty list and empty text on the other side.
    """
    family = analysis if isinstance(analysis, _Family) else _Family(analysis)
    columns = ["link_id", "ref_sents", "reference_text", "sent_ids", "version_text", "score", "method"]
    alignment = figures.against_reference(family.table("alignment"), family.reference)
    if alignment.empty or "article_id" not in alignment.columns:
        return pd.DataFrame(columns=columns)
    links = alignment[alignment["article_id"].astype(str) == article_id].to_dict("records")
    reference = str(links[0].get("reference", family.reference)) if links else family.reference
    reference_sentences = _sentences_of(family, reference) if reference else {}
    version_sentences = _sentences_of(family, article_id)
    grouped: dict[Any, list[dict]] = {}
    for position, link in enumerate(links):
        grouped.setdefault(link.get("link_id", position), []).append(link)
    rows = []
    for link_id, parts in grouped.items():
        ref_sents = [s for s in dict.fromkeys(part.get("ref_sent") for part in parts) if not is_blank(s)]
        sent_ids = [s for s in dict.fromkeys(part.get("sent_id") for part in parts) if not is_blank(s)]
        scores = [float(part["score"]) for part in parts if not is_blank(part.get("score"))]
        rows.append({
            "link_id": link_id,
            "ref_sents": ref_sents,
            "reference_text": " ".join(str(reference_sentences.get(s, _NO_SENTENCE)[0]) for s in ref_sents),
            "sent_ids": sent_ids,
            "version_text": " ".join(str(version_sentences.get(s, _NO_SENTENCE)[0]) for s in sent_ids),
            "score": max(scores) if scores else np.nan,
            "method": describe(parts[0].get("method")),
        })
    return pd.DataFrame(rows, columns=columns)


def _sentence_html(article_text: str, sentence: tuple, spans: list[Span]) -> str:
    """One sentence (text, start, end) highlighted with the article's spans, or plain when offsets are unknown."""
    text, start, end = sentence
    start, end = _offset(start), _offset(end)
    if start is None or end is None or not article_text:
        return escape(text)
    return highlight(article_text[start:end], _clip(spans, start, end))


def _side_by_side_html(family: _Family, article_id: str) -> str:
    table = side_by_side(family, article_id)
    if table.empty:
        return '<p class="none">No sentence alignment with the reference is available for this version.</p>'
    reference = family.reference or ""
    reference_sentences = _sentences_of(family, reference)
    version_sentences = _sentences_of(family, article_id)
    reference_text, version_text = family.text(reference), family.text(article_id)
    changes = family.family_changes(article_id)
    reference_spans, version_spans = _source_spans(changes), _version_spans(family, article_id)
    rows = []
    for link in table.to_dict("records"):
        left = " ".join(_sentence_html(reference_text, reference_sentences.get(s, _NO_SENTENCE), reference_spans)
                        for s in link["ref_sents"])
        right = " ".join(_sentence_html(version_text, version_sentences.get(s, _NO_SENTENCE), version_spans)
                         for s in link["sent_ids"])
        left_cell = f"<td>{left}</td>" if link["ref_sents"] else '<td class="none">(added: no counterpart in the reference)</td>'
        right_cell = f"<td>{right}</td>" if link["sent_ids"] else '<td class="none">(dropped: no counterpart in this version)</td>'
        score = f"{_number(link['score'])}<br><small>{escape(link['method'])}</small>"
        rows.append(f"<tr>{left_cell}{right_cell}<td class=\"num\">{score}</td></tr>")
    unmatched = sum(1 for link in table.to_dict("records") if not link["ref_sents"] or not link["sent_ids"])
    return (
        f"<details class=\"side\"><summary>Side by side with {escape(family.label(reference))}, sentence by sentence "
        f"({len(table)} links, {unmatched} without counterpart)</summary>"
        f"<table class=\"side\"><thead><tr><th>Reference {escape(family.label(reference))}</th>"
        f"<th>This version</th><th>Match</th></tr></thead><tbody>{''.join(rows)}</tbody></table></details>"
    )


# ---- sections ------------------------------------------------------------------------------------


def _claim_counts(family: _Family, article_id: str) -> dict:
    groups = family.rows("claim_groups", article_id)
    if groups.empty or "status" not in groups.columns:
        return {}
    return groups["status"].astype(str).value_counts().to_dict()


def _readability_cell(ease: pd.DataFrame, article_id: str) -> str:
    rows = ease[ease["article_id"] == article_id]
    if rows.empty or is_blank(rows["value"].iloc[0]):
        return "—"
    return f"{_number(rows['value'].iloc[0], 1)}<br><small>{escape(rows['formula'].iloc[0])}</small>"


def _translation_cell(family: _Family, article_id: str) -> str:
    row = family.row("translation", article_id)
    if not row:
        return "—"
    if not _flag(row.get("is_translation")):
        return "not a translation"
    origin = describe(row.get("from_language"))
    trip = " (round trip)" if _flag(row.get("round_trip")) else ""
    return f"{_number(row.get('quality'), 0, '/100')}<br><small>from {escape(origin) or '?'}{trip}</small>"


def _parent_cell(family: _Family, article_id: str) -> str:
    edge = family.parent(article_id)
    if not edge:
        return "root" if not family.table("stemma").empty else "—"
    relation = escape(describe(edge.get("relation")).replace("_", " "))
    return f"{_link(family, edge.get('parent'))}<br><small>{relation}, {_number(edge.get('confidence'))}</small>"


def _credit_cell(family: _Family, article_id: str) -> str:
    row = family.row("credits", article_id)
    if not row or is_blank(row.get("credits_source")):
        return "—"
    evidence = _evidence_text(row.get("evidence"))
    answer = "yes" if _flag(row.get("credits_source")) else "no"
    return f'<span title="{escape(evidence)}">{answer}</span>' + (f"<br><small>{escape(evidence[:80])}</small>" if evidence else "")


def _overview_table(family: _Family) -> str:
    ease = figures.reading_ease(family.table("readability"))
    header = ("<tr><th>Version</th><th>Language</th><th>Role</th>"
              "<th>Readability<br><small>reading ease, 0–100, higher is easier</small></th>"
              "<th>Editorialising<br><small>0–1</small></th>"
              "<th>Translation quality</th><th>Parent in the tree</th><th>Credits source</th>"
              "<th>Claims<br><small>kept / altered / dropped / added</small></th></tr>")
    rows = []
    for article_id in family.ids:
        article = family.articles.get(article_id, {})
        role = escape(article.get("role")) + (" · reference" if article_id == family.reference else "")
        summary = family.row("editorial_summary", article_id)
        counts = _claim_counts(family, article_id)
        claims = " / ".join(str(counts.get(status, 0)) for status in ("kept", "altered", "dropped", "added")) if counts else "—"
        title = escape(article.get("title"))
        rows.append(
            f"<tr><td>{_link(family, article_id)}" + (f"<br><small>{title}</small>" if title else "") + "</td>"
            f"<td>{escape(article.get('language'))}</td><td>{role}</td>"
            f"<td class=\"num\">{_readability_cell(ease, article_id)}</td>"
            f"<td class=\"num\">{_number(summary.get('score'))}</td>"
            f"<td class=\"num\">{_translation_cell(family, article_id)}</td>"
            f"<td>{_parent_cell(family, article_id)}</td><td>{_credit_cell(family, article_id)}</td>"
            f"<td class=\"num\">{claims}</td></tr>"
        )
    return f"<table class=\"overview\"><thead>{header}</thead><tbody>{''.join(rows)}</tbody></table>"


def _brief(family: _Family, article_id: str) -> str:
    """A few plain sentences on what happened to this version."""
    notes = []
    if article_id == family.reference:
        notes.append("This is the reference the other versions are compared with.")
    changes = family.family_changes(article_id)
    if not changes.empty and {"status", "kind"} <= set(changes.columns):
        ordered = _ordered_changes(changes)
        parts = [f"{status} " + _counted(KIND_NOUNS.get(kind, kind) for kind in ordered[ordered["status"] == status]["kind"])
                 for status in figures.CHANGE_STATUSES if (ordered["status"] == status).any()]
        if parts:
            notes.append(f"Against {family.label(family.reference)}: " + "; ".join(parts) + ".")
    summary, reference_summary = family.row("editorial_summary", article_id), family.row("editorial_summary", family.reference or "")
    if not is_blank(summary.get("score")):
        compared = f" (reference {float(reference_summary['score']):.2f})" if not is_blank(reference_summary.get("score")) and article_id != family.reference else ""
        notes.append(f"Editorialising score {float(summary['score']):.2f}{compared}.")
    translation = family.row("translation", article_id)
    if _flag(translation.get("is_translation")):
        errors = len(family.rows("translation_errors", article_id))
        notes.append(f"A translation from {describe(translation.get('from_language')) or 'another language'}"
                     f"{', quality ' + _number(translation.get('quality'), 0) + '/100' if not is_blank(translation.get('quality')) else ''}"
                     f", {errors} error{'s' if errors != 1 else ''} found.")
    edge = family.parent(article_id)
    if edge:
        evidence = _decoded(edge.get("evidence"))
        reason = f": {describe(evidence['relation_reason'])}" if isinstance(evidence, dict) and evidence.get("relation_reason") else ""
        notes.append(f"Derived from {family.label(edge.get('parent'))} ({describe(edge.get('relation')).replace('_', ' ')}, "
                     f"confidence {_number(edge.get('confidence'))}){reason}.")
    credit = family.row("credits", article_id).get("credits_source")
    if not is_blank(credit):
        notes.append("It credits its source." if bool(credit) else "It does not credit its source.")
    return escape(" ".join(notes)) if notes else "No finding recorded for this version."


def _counted(nouns: Iterable[str]) -> str:
    """``["name", "name", "date"]`` -> ``"2 names, 1 date"`` (first-seen order)."""
    counts: dict[str, int] = {}
    for noun in nouns:
        counts[noun] = counts.get(noun, 0) + 1
    return ", ".join(f"{count} {noun}{'s' if count != 1 else ''}" for noun, count in counts.items())


def _ordered_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """Altered, then dropped, then added; within each, numbers and names first, then by position."""
    if changes.empty or not {"status", "kind"} <= set(changes.columns):
        return changes.iloc[0:0]
    shown = changes[changes["status"].isin(figures.CHANGE_STATUSES)]
    kinds = list(KIND_NOUNS)
    keys = [(figures.CHANGE_STATUSES.index(status), kinds.index(kind) if kind in kinds else len(kinds),
             _offset(source) if _offset(source) is not None else _offset(start) or 0)
            for status, kind, source, start in zip(shown["status"], shown["kind"],
                                                   shown.get("source_start", pd.Series(None, index=shown.index)),
                                                   shown.get("start", pd.Series(None, index=shown.index)))]
    return shown.iloc[sorted(range(len(shown)), key=keys.__getitem__)]


def _changes_table(changes: pd.DataFrame) -> str:
    shown = _ordered_changes(changes)
    if shown.empty:
        return '<p class="none">No number, name, quote or claim changed.</p>'
    rows = "".join(
        f"<tr><td><mark class=\"{escape(row.get('status'))}\">{escape(row.get('status'))}</mark></td>"
        f"<td>{escape(KIND_NOUNS.get(row.get('kind'), row.get('kind')))}</td><td>{escape(row.get('source_text'))}</td>"
        f"<td>{escape(row.get('version_text'))}</td><td>{escape(describe(row.get('detail')))}</td></tr>"
        for row in shown.to_dict("records")
    )
    return ("<table class=\"changes\"><thead><tr><th>Change</th><th>Kind</th><th>In the reference</th>"
            f"<th>In this version</th><th>Detail</th></tr></thead><tbody>{rows}</tbody></table>")


def _altered_facts(changes: pd.DataFrame) -> str:
    """The altered numbers, dates, names and quotes: the changes an editor checks first."""
    shown = _ordered_changes(changes)
    facts = shown[(shown["status"] == "altered") & shown["kind"].isin(FACT_KINDS)] if not shown.empty else shown
    if facts.empty:
        return ""
    rows = "".join(
        f"<tr><td>{escape(KIND_NOUNS.get(row.get('kind'), row.get('kind')))}</td>"
        f"<td><mark class=\"src-altered\">{escape(row.get('source_text'))}</mark></td>"
        f"<td><mark class=\"altered\">{escape(row.get('version_text'))}</mark></td><td>{escape(describe(row.get('detail')))}</td></tr>"
        for row in facts.to_dict("records")
    )
    return (f"<h4>Facts altered ({len(facts)})</h4><table class=\"changes\"><thead><tr><th>Kind</th><th>The reference says</th>"
            f"<th>This version says</th><th>Detail</th></tr></thead><tbody>{rows}</tbody></table>")


def _dropped_claims(family: _Family, changes: pd.DataFrame) -> str:
    """What this version dropped, shown inside the reference sentences it came from."""
    dropped = _ordered_changes(changes)
    dropped = dropped[dropped["status"] == "dropped"] if not dropped.empty else dropped
    if dropped.empty:
        return ""
    reference = family.reference or ""
    text = family.text(reference)
    bounds = sorted(_sentence_bounds(family, reference).values()) if text else []
    by_sentence: dict[tuple[int, int], list[dict]] = {}
    loose = []
    for row in dropped.to_dict("records"):
        start = _offset(row.get("source_start"))
        around = next(((left, right) for left, right in bounds if start is not None and left <= start < right), None)
        if around is None:
            loose.append(row)
        else:
            by_sentence.setdefault(around, []).append(row)
    items = []
    for (left, right), rows in sorted(by_sentence.items()):
        spans = [Span(row.get("source_start"), row.get("source_end"), "src-dropped", _change_note(row)) for row in rows]
        kinds = _counted(KIND_NOUNS.get(row.get("kind"), str(row.get("kind"))) for row in rows)
        items.append(f"<li>{highlight(text[left:right], _clip(spans, left, right))} <small>(dropped: {escape(kinds)})</small></li>")
    items += [f"<li><q>{escape(row.get('source_text'))}</q> <small>(dropped: {escape(KIND_NOUNS.get(row.get('kind'), row.get('kind')))}"
              f"{'; ' + escape(describe(row.get('detail'))) if describe(row.get('detail')) else ''})</small></li>" for row in loose]
    return (f"<h4>Dropped from the reference ({len(dropped)} item{'s' if len(dropped) != 1 else ''} in {len(items)} "
            f"sentence{'s' if len(items) != 1 else ''})</h4><ul class=\"dropped\">{''.join(items)}</ul>")


def _translation_section(family: _Family, article_id: str) -> str:
    row = family.row("translation", article_id)
    errors = family.rows("translation_errors", article_id)
    if not _flag(row.get("is_translation")) and errors.empty:
        return ""
    facts = [("Quality", _number(row.get("quality"), 0, "/100")), ("Adequacy", _number(row.get("adequacy"))),
             ("Fluency", _number(row.get("fluency"))), ("Machine translation likelihood", _number(row.get("machine_translation_likelihood"))),
             ("Translated from", escape(row.get("from_language")) or "—"),
             ("Round trip", "yes" if _flag(row.get("round_trip")) else "no"),
             ("Why", escape(describe(row.get("reasons"))) or "—")]
    listing = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts)
    source = str(row.get("reference")) if not is_blank(row.get("reference")) else (family.reference or "")
    source_text = family.text(source)
    error_rows = []
    for error in errors.to_dict("records"):
        left, right = _offset(error.get("source_start")), _offset(error.get("source_end"))
        original = source_text[left:right] if source_text and left is not None and right is not None else ""
        missing = _offset(error.get("start")) is None  # an omission: the text quoted is the source's
        here = '<span class="none">(missing)</span>' if missing else escape(error.get("text"))
        original = original or (describe(error.get("text")) if missing else "")
        error_rows.append(f"<tr><td><mark class=\"error\">{escape(error.get('category'))}</mark></td><td>{escape(error.get('severity'))}</td>"
                          f"<td>{here}</td><td>{escape(original)}</td><td>{escape(describe(error.get('detail')))}</td></tr>")
    table = ("<table class=\"errors\"><thead><tr><th>Category</th><th>Severity</th><th>In this version</th>"
             f"<th>In the source</th><th>Detail</th></tr></thead><tbody>{''.join(error_rows)}</tbody></table>"
             if error_rows else '<p class="none">No translation error found.</p>')
    return f"<h3>Translation</h3><dl class=\"facts\">{listing}</dl>{table}"


def _cue_section(family: _Family, article_id: str) -> str:
    editorial = family.rows("editorial", article_id)
    if editorial.empty or "score" not in editorial.columns:
        return ""
    text, bounds = family.text(article_id), _sentence_bounds(family, article_id)
    spans = _editorial_spans(family, article_id)
    top = editorial.assign(_score=pd.to_numeric(editorial["score"], errors="coerce")).sort_values("_score", ascending=False, kind="stable")
    top = top[top["_score"] >= family.settings["editorial"]["editorial_threshold"]]
    top = top.head(family.settings["report"]["most_editorial_sentences"])
    quotes = []
    for row in top.to_dict("records"):
        within = bounds.get(row.get("sent_id"))
        if within:
            quotes.append(f"<li><span class=\"score\">{float(row['_score']):.2f}</span> "
                          f"{highlight(text[within[0]:within[1]], _clip([s for s in spans if s.kind == 'cue'], *within))}</li>")
    cues = [(cue, row) for row in editorial.to_dict("records") for cue in _records(row.get("cues")) if isinstance(cue, dict)]
    cue_rows = "".join(f"<tr><td><mark class=\"cue\">{escape(cue.get('text'))}</mark></td><td>{escape(cue.get('kind'))}</td>"
                       f"<td class=\"num\">{_number(row.get('score'))}</td></tr>" for cue, row in cues)
    parts = []
    if quotes:
        parts.append(f"<h4>Most editorial sentences</h4><ol class=\"quotes\">{''.join(quotes)}</ol>")
    if cue_rows:
        parts.append(f"<details><summary>Editorial cues ({len(cues)})</summary><table class=\"cues\"><thead><tr><th>Cue</th>"
                     f"<th>Kind</th><th>Sentence score</th></tr></thead><tbody>{cue_rows}</tbody></table></details>")
    return "<h3>Editorialising</h3>" + "".join(parts) if parts else ""


def _edge_section(family: _Family, article_id: str) -> str:
    edge = family.parent(article_id)
    parent = "" if not edge or is_blank(edge.get("parent")) else str(edge["parent"])
    if not parent or parent == family.reference:
        return ""
    changes = family.changes(article_id, parent)
    if changes.empty:
        return ""
    return (f"<details><summary>Changes first made here, against its parent {escape(family.label(parent))}</summary>"
            f"{_changes_table(changes)}</details>")


def _boilerplate_section(family: _Family, article_id: str) -> str:
    removed = family.rows("boilerplate", article_id)
    if removed.empty:
        return ""
    items = "".join(f"<li><q>{escape(row.get('text'))}</q> <small>({escape(row.get('reason'))})</small></li>"
                    for row in removed.to_dict("records"))
    return f"<details><summary>Removed as boilerplate before analysis ({len(removed)})</summary><ul>{items}</ul></details>"


def _version_section(family: _Family, article_id: str) -> str:
    article = family.articles.get(article_id, {})
    facts = [(name, article.get(field)) for name, field in
             (("Title", "title"), ("Outlet", "outlet"), ("URL", "url"), ("Published", "published"), ("File", "file"),
              ("Language", "language"), ("Role", "role"))]
    listing = "".join(f"<dt>{name}</dt><dd>{'<code>' + escape(value) + '</code>' if name in ('URL', 'File') else escape(value)}</dd>"
                      for name, value in facts if escape(value))
    text = family.text(article_id)
    changes = family.family_changes(article_id)
    comparison = ""
    if article_id != family.reference:
        counted = len(_ordered_changes(changes))
        comparison = (f"<h3>What changed against the reference {escape(family.label(family.reference))}</h3>"
                      f"{_altered_facts(changes)}{_dropped_claims(family, changes)}"
                      f"<details><summary>All {counted} change{'s' if counted != 1 else ''}, by kind</summary>"
                      f"{_changes_table(changes)}</details>"
                      f"{_side_by_side_html(family, article_id)}{_edge_section(family, article_id)}")
    body = (f"<div class=\"article-text\"{_lang_attribute(article.get('language'))}>{highlight(text, _version_spans(family, article_id))}</div>"
            if text else '<p class="none">No text.</p>')
    return (
        f"<section class=\"version\" id=\"{family.anchor(article_id)}\">"
        f"<h2>{escape(family.label(article_id))}</h2><dl class=\"facts\">{listing}</dl>"
        f"<p class=\"brief\">{_brief(family, article_id)}</p>"
        f"<h3>The text, with the evidence highlighted</h3>{body}"
        f"{comparison}{_translation_section(family, article_id)}{_cue_section(family, article_id)}"
        f"{_boilerplate_section(family, article_id)}</section>"
    )


def _problems_section(family: _Family) -> str:
    errors = family.table("errors")
    if errors.empty:
        return ""
    rows = "".join(f"<tr><td><code>{escape(row.get('file'))}</code></td><td>{escape(row.get('problem'))}</td></tr>"
                   for row in errors.to_dict("records"))
    return (f"<section id=\"problems\"><h2>Inputs not fully analysed</h2><table><thead><tr><th>File</th><th>Problem</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></section>")


# ---- figures -------------------------------------------------------------------------------------


def inline_svg(svg: str, prefix: str, label: str) -> str:
    """An SVG document as markup safe to inline in HTML.

    The SVG is parsed and rebuilt from an allow-list of drawing elements: scripts, foreign
    objects, styles, event-handler attributes and any link that is not internal (``#id``) or an
    embedded PNG are dropped, every text is escaped, and ids get ``prefix`` so several figures
    can share one page.
    """
    root = ElementTree.fromstring(svg.encode("utf-8"))

    def local(name: str) -> str:
        return name.rsplit("}", 1)[-1]

    def rename(value: str) -> str:
        return _URL_REFERENCE.sub(lambda match: f"url(#{prefix}{match.group(1)})", value)

    def attributes(element) -> str:
        kept = []
        for name, value in element.attrib.items():
            short = local(name)
            if short.lower().startswith("on") or (short in {"width", "height"} and element is root):
                continue
            if short == "href":
                if value.startswith("#"):
                    value = f"#{prefix}{value[1:]}"
                elif not value.startswith("data:image/png;base64,"):
                    continue
                name = "xlink:href"
            elif short == "id":
                value = prefix + value
            else:
                value = rename(value)
                if "url(" in value.replace("url(#", "") or "javascript:" in value.lower():
                    continue
                name = short
            kept.append(f' {name}="{escape(value)}"')
        return "".join(kept)

    def render(element) -> str:
        tag = local(element.tag)
        if tag not in _SVG_ELEMENTS or not str(element.tag).startswith(_SVG_NS):
            return ""
        inner = escape(element.text or "") + "".join(render(child) + escape(child.tail or "") for child in element)
        return f"<{tag}{attributes(element)}>{inner}</{tag}>"

    inner = escape(root.text or "") + "".join(render(child) + escape(child.tail or "") for child in root)
    return (f'<svg{attributes(root)} class="figure" role="img" aria-label="{escape(label)}">'
            f'<title>{escape(label)}</title>{inner}</svg>')


def _figures_section(analysis: Any) -> str:
    blocks = []
    for name, draw, caption in REPORT_FIGURES:
        svg = figures.svg_text(draw(analysis), name)
        blocks.append(f"<figure id=\"fig-{name}\">{inline_svg(svg, f'{name}-', caption)}"
                      f"<figcaption>{escape(caption)}</figcaption></figure>")
    return f"<section id=\"figures\"><h2>Figures</h2>{''.join(blocks)}</section>"


# ---- the page ------------------------------------------------------------------------------------


STYLE = """
:root { --text: #1d1d1f; --muted: #5a5a5a; --rule: #d6d6d6; }
* { box-sizing: border-box; }
body { font: 16px/1.55 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--text); margin: 0 auto;
       max-width: 72rem; padding: 1.5rem; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; } h2 { font-size: 1.35rem; margin-top: 2.5rem; border-top: 3px solid var(--text); padding-top: .6rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; } h4 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
small, .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; white-space: nowrap; }
nav ol { columns: 2; } code { font-size: .85em; word-break: break-all; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .5rem 0; font-size: .9rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
.brief { background: #f4f7fb; border-left: 4px solid #0072B2; padding: .6rem .9rem; }
.article-text { white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid var(--rule); padding: 1rem 1.2rem;
                max-height: 48rem; overflow-y: auto; line-height: 1.7; }
.none { color: var(--muted); font-style: italic; }
mark { background: none; color: inherit; padding: 0 .05em; }
mark.ed1 { background: #fff7d6; } mark.ed2 { background: #ffeaa0; } mark.ed3 { background: #ffd966; } mark.ed4 { background: #ffc233; }
mark.cue { border-bottom: 3px double #a05a00; font-weight: 600; }
mark.altered { outline: 2px solid #E69F00; outline-offset: 1px; background: #fdebc8; }
mark.added { border-bottom: 3px solid #009E73; background: #d9f2ea; }
mark.src-dropped, mark.dropped { text-decoration: line-through 2px #9c4a7d; background: #f5dcea; }
mark.src-altered { outline: 2px dashed #E69F00; outline-offset: 1px; }
mark.error { text-decoration: underline wavy #D55E00; text-decoration-thickness: 2px; text-underline-offset: 3px; }
mark.gap { color: #D55E00; font-weight: 700; padding: 0 .15em; }
mark.kept { background: #d6e9f8; }
mark.later { border-bottom: 2px dashed #7a3d8f; background: #f3e6f7; }
.legend mark { display: inline-block; margin: .15rem .7rem .15rem 0; }
table.overview td:first-child a { white-space: nowrap; }
table.side td { width: 46%; } table.side td.num { width: 8%; }
ul.dropped blockquote { margin: .3rem 0 .6rem 1rem; color: var(--muted); }
ol.quotes .score { font-weight: 700; color: #a05a00; }
figure { margin: 1.5rem 0; } figcaption { color: var(--muted); font-size: .9rem; }
svg.figure { display: block; width: 100%; max-width: 56rem; height: auto; }
details { margin: .8rem 0; } summary { cursor: pointer; font-weight: 600; }
footer { margin-top: 3rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: .85rem; }
@media print { .article-text { max-height: none; overflow: visible; } h2 { break-before: page; } }
"""

LEGEND = (
    '<p class="legend"><mark class="ed2">sentence tinted by editorialising</mark>'
    '<mark class="cue">editorial cue</mark><mark class="altered">altered number or name</mark>'
    '<mark class="added">added</mark><mark class="src-dropped">dropped (shown in the reference)</mark>'
    '<mark class="src-altered">altered (shown in the reference)</mark>'
    '<mark class="later">changed by another version (on the reference)</mark>'
    '<mark class="error">translation error</mark><mark class="error gap">&#8248;</mark> omission. '
    "Hover a highlight for its explanation; every highlight is also listed in the tables below each text.</p>"
)


def _family_title(family: _Family) -> str:
    for article_id in [family.reference, *family.ids]:
        title = family.articles.get(article_id or "", {}).get("title")
        if not is_blank(title) and str(title).strip():
            return str(title).strip()
    sentences = family.table("sentences")
    if {"kind", "text"} <= set(sentences.columns):
        headlines = sentences[sentences["kind"] == "headline"]["text"]
        if not headlines.empty:
            return str(headlines.iloc[0])
    return "a story family"


def _run_footer(family: _Family) -> str:
    inputs = family.run.get("inputs") or {}
    rows = "".join(f"<tr><td>{escape(article_id)}</td><td><code>{escape(describe(entry.get('file') if isinstance(entry, dict) else entry))}</code></td>"
                   f"<td><code>{escape(entry.get('sha256') if isinstance(entry, dict) else '')}</code></td></tr>"
                   for article_id, entry in inputs.items())
    reason = escape(describe(family.run.get("reference_reason")))
    return (f"<footer><p>Made by spin {escape(family.run.get('spin_version') or __version__)}. Reference: "
            f"{escape(family.label(family.reference)) if family.reference else 'none'}{' — ' + reason if reason else ''}.</p>"
            + (f"<details><summary>Input files</summary><table><thead><tr><th>Version</th><th>File</th><th>SHA-256</th></tr>"
               f"</thead><tbody>{rows}</tbody></table></details>" if rows else "") + "</footer>")


def render_report(analysis: Any) -> str:
    """The whole report as one HTML document (no script, no external request)."""
    family = _Family(analysis)
    title = _family_title(family)
    languages = sorted({str(a.get("language")) for a in family.articles.values() if not is_blank(a.get("language"))})
    reference = (f"compared with {_link(family, family.reference)}" if family.reference
                 else "no reference could be chosen")
    contents = "".join(f'<li><a href="#{family.anchor(article_id)}">{escape(family.label(article_id))}</a></li>' for article_id in family.ids)
    body = (
        f"<header><h1>What happened to this story</h1><p class=\"muted\">{escape(title)}</p>"
        f"<p>{len(family.ids)} version{'s' if len(family.ids) != 1 else ''} in {escape(', '.join(languages)) or 'no language'}, "
        f"{reference}.</p></header>"
        f"<nav><h2>Contents</h2><ol><li><a href=\"#overview\">Overview</a></li><li><a href=\"#figures\">Figures</a></li>"
        f"{contents}</ol></nav>"
        f"<section id=\"overview\"><h2>Overview</h2>{_overview_table(family)}{LEGEND}</section>"
        f"{_problems_section(family)}{_figures_section(analysis)}"
        + "".join(_version_section(family, article_id) for article_id in family.ids)
        + _run_footer(family)
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">"
        "<meta name=\"referrer\" content=\"no-referrer\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>spin report: {escape(title)}</title><style>{STYLE}</style></head>\n<body>{body}</body></html>\n"
    )


def write_report(analysis: Any, path: str | Path) -> Path:
    """Write :func:`render_report` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(analysis), encoding="utf-8")
    return path


def version_spans(analysis: Any, article_id: str) -> list[Span]:
    """Every highlight the report puts on one version's text (editorial, changes, translation errors)."""
    return _version_spans(_Family(analysis), article_id)
