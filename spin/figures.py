"""Matplotlib figures of one family's analysis.

Each figure function takes the :class:`~spin.pipeline.Analysis` (or its mapping of tables) and an
optional ``ax``, and returns the matplotlib Figure; nothing is ever shown. A table that is absent
or empty gives a figure that says so. :func:`save_figure` writes PNG (150 dpi) and SVG that are
byte-identical on every run, and :func:`export_figures` renders them all.
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import matplotlib as mpl
import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path as MarkerPath
from matplotlib.ticker import MaxNLocator

from spin.settings import load_settings

# An article column: 7 in at 150 dpi is 1050 px; fonts stay at 8-10 pt on the page.
ARTICLE_WIDTH = 7.0
PNG_DPI = 150
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "text.parse_math": False,  # a "$" in a title is text, never mathtext
    "text.usetex": False,
    "svg.fonttype": "path",
    "svg.hashsalt": "spin",
    "hatch.linewidth": 0.6,
}

# Okabe & Ito's colour-blind-safe palette; every status also has a glyph so colour is not needed.
STATUS_COLOURS = {"kept": "#0072B2", "altered": "#E69F00", "dropped": "#CC79A7", "added": "#009E73"}
STATUS_GLYPHS = {"kept": "", "altered": "~", "dropped": "×", "added": "+"}
OTHER_STATUS_COLOUR = "#BBBBBB"
_TILDE = np.linspace(-1.0, 1.0, 17)
GLYPH_MARKERS = {"altered": MarkerPath(np.column_stack([_TILDE, 0.35 * np.sin(_TILDE * np.pi)])), "dropped": "x", "added": "+"}
CATEGORY_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
CATEGORY_HATCHES = ("", "//", "..", "xx")
CHANGE_STATUSES = ("altered", "dropped", "added")
NUMBER_KINDS = ("number", "date")
NAME_KINDS = ("entity",)
EDITORIAL_COLOURMAP = "YlOrBr"
READABILITY_KEYWORDS = (
    "reading_ease", "flesch", "kincaid", "grade", "fog", "smog", "wiener", "wstf", "lix", "rix",
    "coleman", "liau", "ari", "dale", "chall", "amstad", "kandel",
)
READING_EASE = (("flesch_reading_ease", "Flesch"), ("flesch_amstad", "Flesch–Amstad"), ("kandel_moles", "Kandel–Moles"))
_NOT_METRICS = frozenset({"article_id", "language", "formula_family", "words", "sentences", "syllables"})
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_HASHED_ID = re.compile(r'id="([a-z][0-9a-f]{10})"')


@contextmanager
def _styled() -> Iterator[None]:
    """matplotlib's defaults plus spin's style, whatever the user's matplotlibrc says."""
    with mpl.style.context(["default", STYLE]):
        yield


def settings_of(analysis: Any) -> Mapping[str, Mapping[str, Any]]:
    """The settings the analysis ran with (its run record's settings file), else the shipped ones."""
    run = getattr(analysis, "run", None) or {}
    return load_settings(run.get("settings_file"))


def _tables(analysis: Any) -> Mapping[str, pd.DataFrame]:
    return getattr(analysis, "tables", analysis)


def _table(analysis: Any, name: str) -> pd.DataFrame:
    table = _tables(analysis).get(name)
    return table if isinstance(table, pd.DataFrame) else pd.DataFrame()


def _usable(table: pd.DataFrame, *columns: str) -> bool:
    return not table.empty and set(columns) <= set(table.columns)


def _root_figure(ax: Axes) -> Figure:
    try:
        return ax.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10
        return ax.figure


def _axes(ax: Axes | None, height: float, width: float = ARTICLE_WIDTH) -> Axes:
    if ax is not None:
        return ax
    return Figure(figsize=(width, height), layout="constrained").add_subplot()


def _say(ax: Axes, title: str, message: str) -> Figure:
    """An axes that tells the reader why there is nothing to draw."""
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, color="#444444", transform=ax.transAxes)
    return _root_figure(ax)


def is_blank(value: Any) -> bool:
    """True for a missing cell (None, NaN, pd.NA); lists, dicts and strings are never blank."""
    if value is None:
        return True
    if isinstance(value, (str, list, tuple, dict, set, np.ndarray)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _sort_key(value: Any) -> tuple:
    """Sentence and claim ids in natural order, whether they are numbers or strings like 's10'."""
    if is_blank(value):
        return (2, 0, "")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return (0, float(value), "")
    parts = re.split(r"(\d+)", str(value))
    return (1, 0, tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts if part))


def family_reference(analysis: Any) -> str | None:
    """The article the family was compared against: the run record's, else the source, else the
    reference most versions in ``mutations`` were compared with."""
    reference = getattr(analysis, "reference", None)
    if reference:
        return str(reference)
    articles = _table(analysis, "articles")
    if _usable(articles, "article_id", "role"):
        sources = articles.loc[articles["role"] == "source", "article_id"]
        if not sources.empty:
            return str(sources.iloc[0])
    return _commonest_reference(_table(analysis, "mutations"))


def _commonest_reference(table: pd.DataFrame) -> str | None:
    if not _usable(table, "article_id", "reference"):
        return None
    known = table.dropna(subset=["reference"])
    if known.empty:
        return None
    reach = known.groupby("reference")["article_id"].nunique()
    return str(sorted(reach.items(), key=lambda item: (-item[1], str(item[0])))[0][0])


def against_reference(table: pd.DataFrame, reference: str | None) -> pd.DataFrame:
    """The rows of a per-edge table (mutations) computed against the family's reference."""
    if not _usable(table, "reference"):
        return table
    chosen = reference if reference in set(table["reference"].dropna()) else _commonest_reference(table)
    return table[table["reference"] == chosen] if chosen is not None else table.iloc[0:0]


def versions(analysis: Any, *fallback: str) -> list[str]:
    """Article ids in reading order: the reference first, then the articles table's order.

    Without an articles table, the ids of the ``fallback`` tables in order of appearance.
    """
    articles = _table(analysis, "articles")
    ids: list[str] = []
    sources = [articles] if _usable(articles, "article_id") else [_table(analysis, name) for name in fallback]
    for table in sources:
        if _usable(table, "article_id"):
            ids.extend(str(value) for value in table["article_id"].dropna() if str(value) not in ids)
    reference = family_reference(analysis)
    if reference in ids:
        ids.remove(reference)
        ids.insert(0, reference)
    return ids


def _short_ids(ids: Sequence[str], width: int = 16) -> dict[str, str]:
    prefixes = {article_id: article_id.split("_", 1)[0] for article_id in ids}
    unique_prefixes = len(set(prefixes.values())) == len(prefixes)
    short = {}
    for article_id in ids:
        if len(article_id) <= width:
            short[article_id] = article_id
        elif unique_prefixes and prefixes[article_id]:
            short[article_id] = prefixes[article_id]
        else:
            short[article_id] = article_id[: width - 1] + "…"
    return short


def version_labels(analysis: Any, ids: Sequence[str] | None = None) -> dict[str, str]:
    """A short label per article id for axes and tables, e.g. ``"003 (de)"``; unknown ids keep their name."""
    articles = _table(analysis, "articles")
    ids = list(ids) if ids is not None else versions(analysis)
    languages = {}
    if _usable(articles, "article_id", "language"):
        languages = {str(a): str(lang) for a, lang in zip(articles["article_id"], articles["language"]) if not is_blank(lang)}
    short = _short_ids(ids)
    labels = {}
    for article_id in ids:
        language = languages.get(article_id, "")
        language = language.replace("unsupported:", "") + "?" if language.startswith("unsupported:") else language
        labels[article_id] = f"{short[article_id]} ({language})" if language else short[article_id]
    return labels


def readability_metrics(table: pd.DataFrame) -> list[str]:
    """The readability table's formula columns (not the counts), in table order."""
    numeric = [
        column for column in table.columns
        if column not in _NOT_METRICS and pd.api.types.is_numeric_dtype(table[column])
        and not pd.api.types.is_bool_dtype(table[column])
    ]
    named = [column for column in numeric if any(key in column.lower() for key in READABILITY_KEYWORDS)]
    return named or numeric


def reading_ease(table: pd.DataFrame) -> pd.DataFrame:
    """Per version, the reading ease of its language (article_id, value, formula).

    Flesch for English, Flesch–Amstad for German, Kandel–Moles for French: each 0–100, higher
    is easier. Without any of those columns, the first readability metric a version has.
    """
    columns = [column for column, _ in READING_EASE if column in table.columns] or readability_metrics(table)
    names = dict(READING_EASE)
    rows = []
    for record in table.to_dict("records") if "article_id" in table.columns else []:
        found = next((column for column in columns if not is_blank(record.get(column))), None)
        rows.append({"article_id": str(record["article_id"]),
                     "value": float(record[found]) if found else np.nan,
                     "formula": names.get(found, metric_title(found)) if found else ""})
    return pd.DataFrame(rows, columns=["article_id", "value", "formula"])


def metric_title(column: str) -> str:
    """A column name as a readable title: ``flesch_reading_ease`` -> ``Flesch reading ease``."""
    words = column.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _version_axis(ax: Axes, labels: Sequence[str], axis: str = "y") -> None:
    positions = np.arange(len(labels))
    if axis == "y":
        ax.set_yticks(positions, labels)
        ax.set_ylim(len(labels) - 0.5, -0.5)
    else:
        ax.set_xticks(positions, labels, rotation=30 if len(labels) > 6 else 0, ha="right" if len(labels) > 6 else "center")


def _bar_panel(ax: Axes, ids: list[str], labels: dict[str, str], values: Mapping[str, float],
               notes: Mapping[str, str], title: str) -> None:
    """Horizontal bars, one per version, each with its value (and a note) written at its end."""
    numbers = [values.get(article_id, np.nan) for article_id in ids]
    finite = [value for value in numbers if not is_blank(value)]
    positions = np.arange(len(ids))
    ax.barh(positions, [0.0 if is_blank(value) else value for value in numbers], color="#0072B2", height=0.6)
    for position, article_id, value in zip(positions, ids, numbers):
        note = notes.get(article_id, "")
        text = "n/a (no formula for this language)" if is_blank(value) else f"{value:.1f}" + (f"  {note}" if note else "")
        ax.text(0 if is_blank(value) else max(value, 0), position, f" {text}", va="center", fontsize=8,
                color="#666666" if is_blank(value) else "#222222")
    _version_axis(ax, [labels[article_id] for article_id in ids])
    ax.set_xlim(min(0.0, min(finite or [0.0]) * 1.15), max([abs(v) for v in finite] or [1.0]) * 1.45)
    ax.set_title(title)


def _ease_panel(ax: Axes, table: pd.DataFrame, ids: list[str], labels: dict[str, str]) -> None:
    ease = reading_ease(table).drop_duplicates("article_id").set_index("article_id")
    shared = {column for column, _ in READING_EASE} & set(table.columns)
    title = "Reading ease (0–100, higher is easier)" if shared else metric_title(readability_metrics(table)[0])
    _bar_panel(ax, ids, labels, ease["value"].to_dict(), ease["formula"].to_dict() if shared else {}, title)


def readability_by_version(analysis: Any, ax: Axes | None = None) -> Figure:
    """Reading ease of every version (each language's own formula), then each other formula for the
    versions it applies to; with ``ax``, the reading ease only."""
    title = "Readability by version"
    with _styled():
        table = _table(analysis, "readability")
        if not _usable(table, "article_id") or reading_ease(table)["value"].isna().all():
            return _say(_axes(ax, 2.0), title, "No readability scores for this family.")
        table = table.assign(article_id=table["article_id"].astype(str))
        ids = [article_id for article_id in versions(analysis, "readability") if article_id in set(table["article_id"])]
        labels = version_labels(analysis, ids)
        if ax is not None:
            _ease_panel(ax, table, ids, labels)
            return _root_figure(ax)
        ease_columns = {column for column, _ in READING_EASE}
        others = [metric for metric in readability_metrics(table) if metric not in ease_columns and table[metric].notna().any()]
        if not ease_columns & set(table.columns):
            others = others[1:]
        values = table.drop_duplicates("article_id").set_index("article_id")
        scored = {metric: [a for a in ids if not is_blank(values[metric].get(a))] for metric in others}
        rows = -(-len(others) // 2)
        heights = [len(ids)] + [max(len(scored[m]) for m in others[2 * r: 2 * r + 2]) for r in range(rows)]
        figure = Figure(figsize=(ARTICLE_WIDTH, 0.5 + sum(0.45 + 0.3 * h for h in heights)), layout="constrained")
        grid = figure.add_gridspec(1 + rows, 2, height_ratios=[0.45 + 0.3 * h for h in heights])
        _ease_panel(figure.add_subplot(grid[0, :]), table, ids, labels)
        for index, metric in enumerate(others):
            panel = figure.add_subplot(grid[1 + index // 2, index % 2])
            _bar_panel(panel, scored[metric], labels, values[metric].to_dict(), {}, metric_title(metric))
        figure.suptitle(f"{title}: each language's own formulas", fontweight="bold", x=0.01, ha="left")
        return figure


def _in_reading_order(table: pd.DataFrame, sentences: pd.DataFrame, article_id: str) -> pd.DataFrame:
    rows = table[table["article_id"] == article_id]
    if _usable(sentences, "article_id", "sent_id", "start"):
        starts = sentences[sentences["article_id"] == article_id].set_index("sent_id")["start"]
        order = [(_sort_key(starts.get(sent_id)), _sort_key(sent_id)) for sent_id in rows["sent_id"]]
    else:
        order = [(_sort_key(sent_id),) for sent_id in rows["sent_id"]]
    return rows.iloc[sorted(range(len(rows)), key=order.__getitem__)]


def _headline_ids(sentences: pd.DataFrame, article_id: str) -> set:
    if not _usable(sentences, "article_id", "sent_id", "kind"):
        return set()
    rows = sentences[(sentences["article_id"] == article_id) & (sentences["kind"] == "headline")]
    return set(rows["sent_id"])


def editorialising_by_sentence(analysis: Any, ax: Axes | None = None) -> Figure:
    """Heat strip: one row per version, one cell per sentence in reading order, headlines outlined."""
    title = "Editorialising per sentence"
    with _styled():
        editorial = _table(analysis, "editorial")
        if not _usable(editorial, "article_id", "sent_id", "score"):
            return _say(_axes(ax, 2.0), title, "No editorialising scores for this family.")
        sentences = _table(analysis, "sentences")
        ids = [a for a in versions(analysis, "editorial") if a in set(editorial["article_id"].astype(str))]
        if not ids:
            return _say(_axes(ax, 2.0), title, "No editorialising scores for the versions of this family.")
        editorial = editorial.assign(article_id=editorial["article_id"].astype(str))
        ordered = [_in_reading_order(editorial, sentences, article_id) for article_id in ids]
        width = max(len(rows) for rows in ordered)
        scores = np.full((len(ids), width), np.nan)
        for row, rows in enumerate(ordered):
            scores[row, : len(rows)] = pd.to_numeric(rows["score"], errors="coerce").to_numpy(dtype=float)
        ax = _axes(ax, 1.3 + 0.32 * len(ids))
        mesh = ax.pcolormesh(np.ma.masked_invalid(scores), cmap=EDITORIAL_COLOURMAP, vmin=0, vmax=1,
                             edgecolors="white", linewidth=0.4)
        for row, (article_id, rows) in enumerate(zip(ids, ordered)):
            headlines = _headline_ids(sentences, article_id)
            for column, sent_id in enumerate(rows["sent_id"]):
                if sent_id in headlines:
                    ax.add_patch(Rectangle((column, row), 1, 1, fill=False, edgecolor="black", linewidth=1.4))
        ax.set_yticks(np.arange(len(ids)) + 0.5, [version_labels(analysis, ids)[a] for a in ids])
        ax.set_ylim(len(ids), 0)
        step = max(1, -(-width // 12))
        ax.set_xticks(np.arange(0, width, step) + 0.5, [str(n + 1) for n in range(0, width, step)])
        ax.tick_params(axis="x", length=0)
        ax.set_xlabel("sentence, in reading order")
        ax.set_title(title)
        summary = _table(analysis, "editorial_summary")
        if _usable(summary, "article_id", "score"):
            article_scores = summary.assign(article_id=summary["article_id"].astype(str)).set_index("article_id")["score"]
            for row, article_id in enumerate(ids):
                value = article_scores.get(article_id)
                if not is_blank(value):
                    ax.text(1.005, 1 - (row + 0.5) / len(ids), f"{value:.2f}", transform=ax.transAxes,
                            va="center", fontsize=8)
            ax.text(1.005, 1.0, "article", transform=ax.transAxes, va="bottom", fontsize=7, color="#555555")
        figure = _root_figure(ax)
        figure.colorbar(mesh, ax=ax, location="bottom", shrink=0.5, aspect=30, pad=0.02,
                        label="editorialising score (0 neutral, 1 strongly editorial)")
        ax.legend(handles=[Patch(facecolor="none", edgecolor="black", label="headline")],
                  loc="lower right", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.2)
        return figure


def _group_order(groups: pd.DataFrame, claims: pd.DataFrame, ids: list[str]) -> list:
    """Claim groups in the reference's reading order, then the others by the first version holding them."""
    starts = {}
    if _usable(claims, "article_id", "claim_id", "start"):
        starts = {(str(a), c): s for a, c, s in zip(claims["article_id"], claims["claim_id"], claims["start"])}
    rank = {article_id: position for position, article_id in enumerate(ids)}
    keys = {}
    held = groups[groups["status"] != "dropped"] if "status" in groups.columns else groups
    for row in held.itertuples(index=False):
        claim_id = getattr(row, "claim_id", None)
        key = (rank.get(str(row.article_id), len(ids)), _sort_key(starts.get((str(row.article_id), claim_id))))
        keys[row.group_id] = min(keys.get(row.group_id, key), key)
    every = list(dict.fromkeys(groups["group_id"]))
    fallback = (len(ids) + 1, _sort_key(None))
    return sorted(every, key=lambda group: (keys.get(group, fallback), _sort_key(group)))


def claim_survival_matrix(analysis: Any, ax: Axes | None = None) -> Figure:
    """Claim groups × versions, each cell kept / altered / dropped / added (colour and glyph)."""
    title = "Which claims survived"
    with _styled():
        groups = _table(analysis, "claim_groups")
        if not _usable(groups, "group_id", "article_id", "status"):
            return _say(_axes(ax, 2.0), title, "No claim groups for this family.")
        groups = groups.assign(article_id=groups["article_id"].astype(str))
        ids = [a for a in versions(analysis, "claim_groups") if a in set(groups["article_id"])]
        if not ids:
            return _say(_axes(ax, 2.0), title, "No claim groups for the versions of this family.")
        order = _group_order(groups, _table(analysis, "claims"), ids)
        column_of = {group: column for column, group in enumerate(order)}
        ax = _axes(ax, 1.5 + 0.3 * len(ids))
        cells = groups[groups["article_id"].isin(ids)].drop_duplicates(["group_id", "article_id"])
        seen = set(cells["status"].astype(str))
        known = [status for status in STATUS_COLOURS if status in seen] + sorted(seen - set(STATUS_COLOURS))
        grid = np.full((len(ids), len(order)), np.nan)
        for group_id, article_id, status in zip(cells["group_id"], cells["article_id"], cells["status"].astype(str)):
            grid[ids.index(article_id), column_of[group_id]] = known.index(status)
        palette = ListedColormap([STATUS_COLOURS.get(status, OTHER_STATUS_COLOUR) for status in known])
        ax.pcolormesh(np.ma.masked_invalid(grid), cmap=palette, vmin=-0.5, vmax=len(known) - 0.5,
                      edgecolors="white", linewidth=0.5)
        if len(order) <= settings_of(analysis)["figures"]["max_glyph_columns"]:
            size = min(30.0, (250 / len(order)) ** 2)
            for status in known:
                rows, columns = np.nonzero(grid == known.index(status))
                if STATUS_GLYPHS.get(status) and len(rows):
                    ax.scatter(columns + 0.5, rows + 0.5, s=size, marker=GLYPH_MARKERS[status], color="black",
                               facecolors="none" if status == "altered" else "black", linewidths=0.8)
        blank = bool(np.isnan(grid).any())
        ax.set_xlim(0, len(order))
        ax.set_ylim(len(ids), 0)
        ax.set_yticks(np.arange(len(ids)) + 0.5, [version_labels(analysis, ids)[a] for a in ids])
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
        ax.set_xlabel("claim group (in the reference's order)")
        ax.spines[["left", "bottom"]].set_visible(False)
        ax.tick_params(length=0)
        ax.set_title(title, pad=20)
        handles = [
            Patch(facecolor=STATUS_COLOURS.get(status, OTHER_STATUS_COLOUR),
                  label=f"{status} ({STATUS_GLYPHS[status]})" if STATUS_GLYPHS.get(status) else status)
            for status in known
        ]
        if blank:
            handles.append(Patch(facecolor="white", edgecolor="#999999", label="absent"))
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=len(handles),
                  borderaxespad=0.1, handlelength=1.2, columnspacing=1.0)
        return _root_figure(ax)


def number_and_name_changes(analysis: Any, ax: Axes | None = None) -> Figure:
    """Per version, numbers/dates and names altered, dropped or added against the reference."""
    title = "Numbers and names changed"
    with _styled():
        mutations = _table(analysis, "mutations")
        if not _usable(mutations, "article_id", "status", "kind"):
            return _say(_axes(ax, 2.0), title, "No claim changes computed for this family.")
        reference = family_reference(analysis)
        changes = against_reference(mutations, reference)
        changes = changes.assign(article_id=changes["article_id"].astype(str))
        ids = [a for a in versions(analysis, "mutations") if a != reference and a in set(changes["article_id"])]
        if not ids:
            return _say(_axes(ax, 2.0), title, "No version was compared with the reference.")
        ax = _axes(ax, 3.0)
        kind_groups = (("numbers & dates", NUMBER_KINDS, ""), ("names", NAME_KINDS, "///"))
        positions = np.arange(len(ids))
        highest = 0.0
        for offset, (_, kinds, hatch) in zip((-0.2, 0.2), kind_groups):
            chosen = changes[changes["kind"].isin(kinds) & changes["status"].isin(CHANGE_STATUSES)]
            counts = chosen.groupby(["article_id", "status"]).size()
            bottom = np.zeros(len(ids))
            for status in CHANGE_STATUSES:
                heights = np.array([counts.get((article_id, status), 0) for article_id in ids], dtype=float)
                ax.bar(positions + offset, heights, width=0.38, bottom=bottom, color=STATUS_COLOURS[status],
                       hatch=hatch, edgecolor="#333333" if hatch else "white", linewidth=0.4)
                bottom += heights
            for position, total in zip(positions + offset, bottom):
                ax.text(position, total, f"{total:.0f}", ha="center", va="bottom", fontsize=7)
            highest = max(highest, bottom.max())
        _version_axis(ax, [version_labels(analysis, ids)[a] for a in ids], axis="x")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, highest * 1.15 + 0.5)
        ax.set_ylabel("changes against the reference")
        ax.set_title(title)
        handles = [Patch(facecolor=STATUS_COLOURS[status], label=status) for status in CHANGE_STATUSES]
        handles += [Patch(facecolor="white", edgecolor="#333333", hatch=hatch, label=label) for label, _, hatch in kind_groups]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _root_figure(ax)


def _translated_versions(analysis: Any, errors: pd.DataFrame) -> tuple[list[str], dict[str, float]]:
    translation = _table(analysis, "translation")
    chosen, quality = set(), {}
    if _usable(translation, "article_id", "is_translation"):
        flagged = translation[translation["is_translation"].fillna(False).astype(bool)]
        chosen |= set(flagged["article_id"].astype(str))
        if "quality" in flagged.columns:
            quality = {str(a): q for a, q in zip(flagged["article_id"], flagged["quality"]) if not is_blank(q)}
    if _usable(errors, "article_id"):
        chosen |= set(errors["article_id"].astype(str))
    return [a for a in versions(analysis, "translation", "translation_errors") if a in chosen], quality


def translation_errors_by_category(analysis: Any, ax: Axes | None = None) -> Figure:
    """Per translated version, its translation errors stacked by category, with its quality score."""
    title = "Translation errors by category"
    with _styled():
        errors = _table(analysis, "translation_errors")
        if "category" not in errors.columns:
            errors = errors.iloc[0:0]
        ids, quality = _translated_versions(analysis, errors)
        if not ids:
            return _say(_axes(ax, 2.0), title, "No translation in this family.")
        errors = errors.assign(article_id=errors["article_id"].astype(str)) if not errors.empty else errors
        ax = _axes(ax, 1.4 + 0.45 * len(ids))
        categories = list(errors["category"].astype(str).value_counts().index) if not errors.empty else []
        counts = errors.groupby([errors["article_id"], errors["category"].astype(str)]).size() if categories else {}
        left = np.zeros(len(ids))
        positions = np.arange(len(ids))
        for index, category in enumerate(categories):
            widths = np.array([counts.get((article_id, category), 0) for article_id in ids], dtype=float)
            ax.barh(positions, widths, left=left, height=0.6, label=category,
                    color=CATEGORY_COLOURS[index % len(CATEGORY_COLOURS)],
                    hatch=CATEGORY_HATCHES[index // len(CATEGORY_COLOURS) % len(CATEGORY_HATCHES)],
                    edgecolor="white", linewidth=0.5)
            left += widths
        for position, article_id, total in zip(positions, ids, left):
            notes = [f"{total:.0f} error{'s' if total != 1 else ''}" if total else "no error found"]
            if article_id in quality:
                notes.append(f"quality {quality[article_id]:.0f}/100")
            ax.text(total, position, "  " + ", ".join(notes), va="center", fontsize=8)
        _version_axis(ax, [version_labels(analysis, ids)[a] for a in ids])
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, max(left.max(), 1) * 1.6)
        ax.set_xlabel("errors (count)")
        ax.set_title(title)
        if categories:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="category")
        return _root_figure(ax)


def _tree_layout(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, tuple[float, int]]:
    """(x, depth) per node: leaves spread left to right, each parent above the middle of its children."""
    children: dict[str, list[str]] = {node: [] for node in nodes}
    parent_of: dict[str, str] = {}
    for parent, child in edges:
        if child not in parent_of and child != parent:
            parent_of[child] = parent
            children[parent].append(child)
    position: dict[str, tuple[float, int]] = {}
    next_leaf = [0.0]

    def place(node: str, depth: int) -> float:
        position[node] = (0.0, depth)
        kids = [kid for kid in children[node] if kid not in position]
        if not kids:
            x = next_leaf[0]
            next_leaf[0] += 1
        else:
            xs = [place(kid, depth + 1) for kid in kids]
            x = (min(xs) + max(xs)) / 2
        position[node] = (x, depth)
        return x

    for node in [n for n in nodes if n not in parent_of] + nodes:
        if node not in position:
            place(node, 0)
    return position


def _credit_notes(analysis: Any) -> dict[str, str]:
    credits = _table(analysis, "credits")
    if not _usable(credits, "article_id", "credits_source"):
        return {}
    notes = {}
    for article_id, credited in zip(credits["article_id"], credits["credits_source"]):
        if not is_blank(credited):
            notes[str(article_id)] = "credits source" if bool(credited) else "no credit"
    return notes


def derivation_tree(analysis: Any, ax: Axes | None = None) -> Figure:
    """The family's stemma: who derives from whom, each edge labelled with relation and confidence."""
    title = "Derivation tree"
    with _styled():
        stemma = _table(analysis, "stemma")
        if not _usable(stemma, "parent", "child"):
            return _say(_axes(ax, 2.0), title, "No derivation tree for this family.")
        edges = [(str(p), str(c)) for p, c in zip(stemma["parent"], stemma["child"]) if not (is_blank(p) or is_blank(c))]
        known = versions(analysis)
        nodes = list(dict.fromkeys(known + [node for edge in edges for node in edge]))
        layout = _tree_layout(nodes, edges)
        depth = max(d for _, d in layout.values())
        leaves = max(x for x, _ in layout.values()) + 1
        ax = _axes(ax, 1.2 + 1.0 * (depth + 1))
        labels = version_labels(analysis, nodes)
        credits = _credit_notes(analysis)
        reference = family_reference(analysis)
        font = max(6.0, min(9.0, 48.0 / max(leaves, 1)))
        boxes = {}
        for node, (x, y) in layout.items():
            note = credits.get(node, "") if node in known else "not among the versions"
            text = labels[node] + (f"\n{note}" if note else "")
            style = {"boxstyle": "round,pad=0.4", "facecolor": "#DCEBF7" if node == reference else "white",
                     "edgecolor": "#0072B2" if node in known else "#777777",
                     "linestyle": "-" if node in known else "--", "linewidth": 1.6 if node == reference else 1}
            boxes[node] = ax.text(x, y, text, ha="center", va="center", fontsize=font, bbox=style, zorder=4)
        for row in stemma.itertuples(index=False):
            parent, child = str(row.parent), str(row.child)
            if parent not in layout or child not in layout or parent == child:
                continue
            (x0, y0), (x1, y1) = layout[parent], layout[child]
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=3,
                        arrowprops={"arrowstyle": "-|>", "color": "#555555", "linewidth": 1, "shrinkA": 1, "shrinkB": 1,
                                    "patchA": boxes[parent].get_bbox_patch(), "patchB": boxes[child].get_bbox_patch()})
            relation = str(getattr(row, "relation", "") or "").replace("_", "\n")
            confidence = getattr(row, "confidence", None)
            label = relation + ("" if is_blank(confidence) else f"\n{float(confidence):.2f}")
            # Labels sit beside their edge, nearer the child where sibling edges are further apart,
            # on the side the edge leans to.
            side = "right" if x1 < x0 - 0.05 else "left"
            x, y = x0 + 0.62 * (x1 - x0), y0 + 0.62 * (y1 - y0)
            ax.text(x + (-0.05 if side == "right" else 0.05), y, label, ha=side, va="center",
                    fontsize=font - 1, color="#333333", linespacing=1.0, zorder=5,
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
        ax.set_xlim(-0.6, leaves - 0.4)
        ax.set_ylim(depth + 0.5, -0.5)
        ax.set_axis_off()
        ax.set_title(title)
        ax.text(0.0, 0.0, "arrows point from a version to the one derived from it", transform=ax.transAxes,
                fontsize=7, color="#555555")
        return _root_figure(ax)


def overview(analysis: Any) -> Figure:
    """One page: editorialising, claim survival, readability, changes, translation and the tree."""
    with _styled():
        figure = Figure(figsize=(8.27, 11.0), layout="constrained")
        grid = figure.add_gridspec(4, 2, height_ratios=(1.1, 1.1, 1.0, 1.3))
        editorialising_by_sentence(analysis, ax=figure.add_subplot(grid[0, :]))
        claim_survival_matrix(analysis, ax=figure.add_subplot(grid[1, :]))
        readability_by_version(analysis, ax=figure.add_subplot(grid[2, 0]))
        number_and_name_changes(analysis, ax=figure.add_subplot(grid[2, 1]))
        translation_errors_by_category(analysis, ax=figure.add_subplot(grid[3, 0]))
        derivation_tree(analysis, ax=figure.add_subplot(grid[3, 1]))
        reference = family_reference(analysis)
        subtitle = f" (reference: {version_labels(analysis, [reference])[reference]})" if reference else ""
        figure.suptitle(f"What happened to the story{subtitle}", fontsize=12, fontweight="bold", x=0.01, ha="left")
        return figure


FIGURES: tuple[tuple[str, Callable[[Any], Figure]], ...] = (
    ("overview", overview),
    ("readability", readability_by_version),
    ("editorialising", editorialising_by_sentence),
    ("claim_survival", claim_survival_matrix),
    ("number_name_changes", number_and_name_changes),
    ("translation_errors", translation_errors_by_category),
    ("derivation_tree", derivation_tree),
)


def save_figure(fig: Figure, name: str, directory: str | Path) -> list[Path]:
    """Write ``name.png`` (150 dpi) and ``name.svg`` into ``directory``, byte-identical on every run."""
    if not _NAME.match(name):
        raise ValueError(f"figure name {name!r} must be letters, digits, '_' or '-'")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    png, svg = directory / f"{name}.png", directory / f"{name}.svg"
    with _styled():
        fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    svg.write_text(_svg(fig, name, "path"), encoding="utf-8", newline="\n")
    return [png, svg]


def svg_text(fig: Figure, name: str) -> str:
    """The figure as SVG text with real text elements (for inlining into HTML)."""
    return _svg(fig, name, "none")


def _svg(fig: Figure, name: str, fonttype: str) -> str:
    buffer = io.StringIO()
    with _styled(), mpl.rc_context({"svg.hashsalt": f"spin-{name}", "svg.fonttype": fonttype}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _stable_ids(buffer.getvalue(), name)


def _stable_ids(svg: str, name: str) -> str:
    """matplotlib names clip paths and markers by hashing their coordinates, whose last bits can
    differ between runs (layout arithmetic); number them in order of appearance instead."""
    ids: dict[str, str] = {}
    for match in _HASHED_ID.finditer(svg):
        ids.setdefault(match.group(1), f"{match.group(1)[0]}-{name}-{len(ids)}")
    if not ids:
        return svg
    reference = re.compile(r'(?<=["#])(' + "|".join(map(re.escape, ids)) + r')(?=["\)])')
    return reference.sub(lambda match: ids[match.group(1)], svg)


def export_figures(analysis: Any, directory: str | Path) -> list[Path]:
    """Render every figure of :data:`FIGURES` into ``directory`` as PNG and SVG; the paths written."""
    paths: list[Path] = []
    for name, draw in FIGURES:
        paths.extend(save_figure(draw(analysis), name, directory))
    return paths
