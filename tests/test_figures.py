"""Figures: every chart from small written tables, empty-table messages, and byte-identical export."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib.figure import Figure

from spin import figures

ROOT = Path(__file__).resolve().parents[1]

SOURCE = (
    "Council approves tram line\n\n"
    "The council approved a tram line on Tuesday, the mayor said. It will cost £120 million. "
    "Critics say the route ignores poor districts.\n"
)
BLOG = (
    "Shocking: council rams through tram scheme\n\n"
    "The council rammed through a disastrous tram line on Tuesday. It will cost £150 million. "
    "Critics say the route ignores poor districts.\n"
)
GERMAN = (
    "Stadtrat genehmigt Straßenbahn\n\n"
    "Der Stadtrat genehmigte am Dienstag eine Straßenbahnlinie, sagte der Bürgermeister. "
    "Sie kostet 120 Millionen Pfund.\n"
)
NAN = float("nan")
TEXTS = {"src": (SOURCE, "en", "source"), "blog": (BLOG, "en", "repost"), "de": (GERMAN, "de", "repost")}


def _span(article_id: str, phrase: str) -> tuple[int, int]:
    text = TEXTS[article_id][0]
    start = text.index(phrase)
    return start, start + len(phrase)


def _sentences() -> pd.DataFrame:
    rows = []
    for article_id, (text, language, _) in TEXTS.items():
        for sent_id, match in enumerate(re.finditer(r"[^.\n]+\.?", text)):
            chunk = match.group(0).strip()
            start = text.index(chunk, match.start())
            rows.append({"article_id": article_id, "sent_id": sent_id, "start": start, "end": start + len(chunk),
                         "text": chunk, "kind": "headline" if sent_id == 0 else "body", "language": language})
    return pd.DataFrame(rows)


def _mutation(article_id, status, kind, source_phrase, version_phrase, detail, reference="src"):
    source_start, source_end = _span(reference, source_phrase) if source_phrase else (None, None)
    start, end = _span(article_id, version_phrase) if version_phrase else (None, None)
    return {"article_id": article_id, "reference": reference, "status": status, "kind": kind,
            "source_start": source_start, "source_end": source_end, "source_text": source_phrase or "",
            "start": start, "end": end, "version_text": version_phrase or "", "detail": detail}


def synthetic_tables() -> dict[str, pd.DataFrame]:
    """A hand-written three-version family (en source, editorialised en rewrite, de translation)."""
    articles = pd.DataFrame([
        {"article_id": article_id, "file": f"{article_id}.txt", "title": text.split("\n")[0], "outlet": f"{article_id} news",
         "url": f"https://example.org/{article_id}", "published": "2024-05-01", "language": language, "role": role,
         "text": text, "raw_text": text, "sha256": hashlib.sha256(text.encode()).hexdigest()}
        for article_id, (text, language, role) in TEXTS.items()
    ])
    sentences = _sentences()
    editorial_rows = []
    cues = {("blog", 0): ["Shocking", "rams through"], ("blog", 1): ["rammed through", "disastrous"]}
    for row in sentences.itertuples():
        found = cues.get((row.article_id, row.sent_id), [])
        editorial_rows.append({
            "article_id": row.article_id, "sent_id": row.sent_id, "score": min(1.0, 0.05 + 0.4 * len(found)),
            "attributed": "said" in row.text or "sagte" in row.text,
            "cues": [{"start": _span(row.article_id, cue)[0], "end": _span(row.article_id, cue)[1], "text": cue,
                      "kind": "loaded"} for cue in found],
        })
    claims = pd.DataFrame([
        {"article_id": a, "sent_id": s, "claim_id": f"{a}-{s}", "start": st, "end": en, "text": t}
        for a, s, st, en, t in sentences[sentences["kind"] == "body"][["article_id", "sent_id", "start", "end", "text"]].itertuples(index=False)
    ])
    groups = [("g1", "src", "src-1", "kept"), ("g2", "src", "src-2", "kept"), ("g3", "src", "src-3", "kept"),
              ("g1", "blog", "blog-1", "altered"), ("g2", "blog", "blog-2", "altered"), ("g3", "blog", "blog-3", "kept"),
              ("g1", "de", "de-1", "kept"), ("g2", "de", "de-2", "kept"), ("g3", "de", None, "dropped")]
    mutations = pd.DataFrame([
        _mutation("blog", "altered", "number", "£120 million", "£150 million", "120000000 GBP -> 150000000 GBP"),
        _mutation("blog", "dropped", "attribution", "the mayor said", None, "attribution to the mayor dropped"),
        _mutation("blog", "added", "claim", None, "disastrous", "evaluative claim added"),
        _mutation("de", "dropped", "claim", "Critics say the route ignores poor districts.", None, "claim dropped"),
        _mutation("de", "altered", "entity", "the mayor", "der Bürgermeister", "same person, translated"),
    ])
    links = [("blog", [(0, 0), (1, 1), (2, 2), (3, 3)]), ("de", [(0, 0), (1, 1), (2, 2), (3, None)])]
    alignment = pd.DataFrame([
        {"link_id": f"{a}-{i}", "reference": "src", "ref_sent": r, "article_id": a, "sent_id": s, "score": 0.9,
         "method": "anchors", "evidence": {"shared": ["tram"]}}
        for a, pairs in links for i, (r, s) in enumerate(pairs)
    ]).astype({"ref_sent": "Int64", "sent_id": "Int64"})
    return {
        "articles": articles,
        "errors": pd.DataFrame(columns=["file", "article_id", "problem"]),
        "boilerplate": pd.DataFrame([{"article_id": "blog", "start": 0, "end": 0, "text": "Share this!", "reason": "promo"}]),
        "sentences": sentences,
        "claims": claims,
        "claim_groups": pd.DataFrame(groups, columns=["group_id", "article_id", "claim_id", "status"]),
        "readability": pd.DataFrame([
            {"article_id": "src", "language": "en", "formula_family": "english", "words": 25, "sentences": 4, "syllables": 38,
             "flesch_reading_ease": 62.5, "flesch_kincaid_grade": 8.1, "flesch_amstad": NAN, "wiener_sachtextformel": NAN},
            {"article_id": "blog", "language": "en", "formula_family": "english", "words": 24, "sentences": 4, "syllables": 40,
             "flesch_reading_ease": 55.0, "flesch_kincaid_grade": 9.0, "flesch_amstad": NAN, "wiener_sachtextformel": NAN},
            {"article_id": "de", "language": "de", "formula_family": "german", "words": 17, "sentences": 3, "syllables": 41,
             "flesch_reading_ease": NAN, "flesch_kincaid_grade": NAN, "flesch_amstad": 40.2, "wiener_sachtextformel": 9.4},
        ]),
        "editorial": pd.DataFrame(editorial_rows),
        "editorial_summary": pd.DataFrame([
            {"article_id": "src", "score": 0.05, "headline_score": 0.05, "share_editorial": 0.0},
            {"article_id": "blog", "score": 0.5, "headline_score": 0.85, "share_editorial": 0.5},
            {"article_id": "de", "score": 0.05, "headline_score": 0.05, "share_editorial": 0.0},
        ]),
        "alignment": alignment,
        "mutations": mutations,
        "translation": pd.DataFrame([
            {"article_id": "blog", "reference": "src", "is_translation": False, "from_language": "", "round_trip": False,
             "quality": float("nan"), "adequacy": float("nan"), "fluency": float("nan"),
             "machine_translation_likelihood": float("nan"), "reasons": []},
            {"article_id": "de", "reference": "src", "is_translation": True, "from_language": "en", "round_trip": False,
             "quality": 71.0, "adequacy": 0.7, "fluency": 0.9, "machine_translation_likelihood": 0.4,
             "reasons": ["one sentence omitted"]},
        ]),
        "translation_errors": pd.DataFrame([
            {"article_id": "de", "start": len(GERMAN) - 1, "end": len(GERMAN) - 1, "text": "",
             "source_start": _span("src", "Critics")[0], "source_end": len(SOURCE) - 1, "category": "omission",
             "severity": "major", "detail": "the critics' sentence is missing"},
            {"article_id": "de", "start": _span("de", "Sie kostet")[0], "end": _span("de", "Sie kostet")[1],
             "text": "Sie kostet", "source_start": _span("src", "It will cost")[0], "source_end": _span("src", "It will cost")[1],
             "category": "fluency", "severity": "minor", "detail": "tense"},
        ]),
        "stemma": pd.DataFrame([
            {"parent": "src", "child": "blog", "relation": "editorialised_rewrite", "confidence": 0.82, "evidence": {"shared": 3}},
            {"parent": "src", "child": "de", "relation": "translation", "confidence": 0.9, "evidence": {"anchors": 4}},
        ]),
        "credits": pd.DataFrame([
            {"article_id": "src", "credits_source": None, "evidence": ""},
            {"article_id": "blog", "credits_source": False, "evidence": ""},
            {"article_id": "de", "credits_source": True, "evidence": "laut dem Bericht von src news"},
        ]),
    }


class FakeAnalysis:
    """Stands in for spin.pipeline.Analysis: tables plus the run record's reference."""

    def __init__(self, tables, reference="src"):
        self.tables = tables
        self.run = {"reference": reference}
        self.reference = reference


FIGURE_FUNCTIONS = [draw for _, draw in figures.FIGURES if draw is not figures.overview]


def _texts(fig: Figure) -> str:
    """Every string drawn on a figure (titles, labels, tick labels, annotations, legends)."""
    return "\n".join(text.get_text() for text in fig.findobj(matplotlib.text.Text))


def test_style_uses_agg_friendly_dejavu_and_no_mathtext():
    assert figures.STYLE["font.family"] == "DejaVu Sans"
    fig = figures.readability_by_version({"readability": pd.DataFrame({"article_id": ["a$1$b"], "flesch_reading_ease": [50.0]})})
    assert "a$1$b" in _texts(fig)


@pytest.mark.parametrize("draw", FIGURE_FUNCTIONS, ids=lambda draw: draw.__name__)
def test_each_figure_draws_the_synthetic_family(draw):
    fig = draw(FakeAnalysis(synthetic_tables()))
    assert isinstance(fig, Figure)
    assert "No " not in _texts(fig)
    fig.savefig(io.BytesIO(), format="png")


@pytest.mark.parametrize(("draw", "message"), [
    (figures.readability_by_version, "No readability scores"),
    (figures.editorialising_by_sentence, "No editorialising scores"),
    (figures.claim_survival_matrix, "No claim groups"),
    (figures.number_and_name_changes, "No claim changes"),
    (figures.translation_errors_by_category, "No translation in this family"),
    (figures.derivation_tree, "No derivation tree"),
], ids=lambda value: getattr(value, "__name__", ""))
@pytest.mark.parametrize("tables", [{}, {"readability": pd.DataFrame(), "editorial": pd.DataFrame(columns=["article_id", "sent_id", "score"]),
                                         "claim_groups": pd.DataFrame(), "mutations": pd.DataFrame(), "stemma": pd.DataFrame(),
                                         "translation": pd.DataFrame(), "translation_errors": pd.DataFrame()}],
                         ids=["absent", "empty"])
def test_absent_or_empty_table_gives_a_figure_that_says_so(draw, message, tables):
    fig = draw(tables)
    assert message in _texts(fig)


def test_tables_about_unknown_versions_give_a_message():
    tables = synthetic_tables()
    tables["articles"] = tables["articles"].assign(article_id=["x", "y", "z"])
    assert "No editorialising scores for the versions" in _texts(figures.editorialising_by_sentence(tables))
    assert "No claim groups for the versions" in _texts(figures.claim_survival_matrix(tables))


def test_overview_on_nothing_still_renders(tmp_path):
    paths = figures.save_figure(figures.overview({}), "overview", tmp_path)
    assert [path.suffix for path in paths] == [".png", ".svg"] and all(path.stat().st_size > 1000 for path in paths)


def test_reading_ease_takes_each_languages_own_formula():
    table = synthetic_tables()["readability"]
    assert figures.readability_metrics(table) == ["flesch_reading_ease", "flesch_kincaid_grade", "flesch_amstad", "wiener_sachtextformel"]
    ease = figures.reading_ease(table)
    assert ease.to_dict("list") == {"article_id": ["src", "blog", "de"], "value": [62.5, 55.0, 40.2],
                                    "formula": ["Flesch", "Flesch", "Flesch–Amstad"]}
    only_lix = pd.DataFrame({"article_id": ["fr", "xx"], "words": [10, 3], "lix": [41.0, NAN]})
    assert figures.reading_ease(only_lix).fillna(0).to_dict("list") == {"article_id": ["fr", "xx"], "value": [41.0, 0.0],
                                                                       "formula": ["Lix", ""]}


def test_readability_figure_shows_each_formula_only_where_it_applies():
    fig = figures.readability_by_version(FakeAnalysis(synthetic_tables()))
    panels = {ax.get_title(loc="left"): [label.get_text() for label in ax.get_yticklabels()] for ax in fig.axes}
    assert panels == {"Reading ease (0–100, higher is easier)": ["src (en)", "blog (en)", "de (de)"],
                      "Flesch kincaid grade": ["src (en)", "blog (en)"], "Wiener sachtextformel": ["de (de)"]}
    texts = _texts(fig)
    assert "40.2  Flesch–Amstad" in texts and "62.5  Flesch" in texts and "9.4" in texts
    unsupported = pd.DataFrame({"article_id": ["a", "b"], "flesch_reading_ease": [50.0, NAN]})
    assert "n/a (no formula for this language)" in _texts(figures.readability_by_version({"readability": unsupported}))


def test_versions_put_the_reference_first_and_labels_are_short():
    analysis = FakeAnalysis(synthetic_tables(), reference="de")
    assert figures.versions(analysis) == ["de", "src", "blog"]
    long_ids = {"articles": pd.DataFrame({"article_id": ["000_84aa00", "001_feed11"], "language": ["en", "unsupported:pt"]})}
    assert figures.version_labels(long_ids) == {"000_84aa00": "000_84aa00 (en)", "001_feed11": "001_feed11 (pt?)"}
    longer = {"articles": pd.DataFrame({"article_id": ["000_84aa00000000000", "001_feed1111111111"], "language": ["en", "de"]})}
    assert figures.version_labels(longer) == {"000_84aa00000000000": "000 (en)", "001_feed1111111111": "001 (de)"}
    same_prefix = {"articles": pd.DataFrame({"article_id": ["bbc_world_service_x", "bbc_world_service_y"], "language": ["en", "en"]})}
    assert list(figures.version_labels(same_prefix).values()) == ["bbc_world_servi… (en)"] * 2


def test_reference_falls_back_to_the_source_then_to_the_commonest_mutation_reference():
    tables = synthetic_tables()
    assert figures.family_reference(tables) == "src"
    tables["articles"] = tables["articles"].assign(role="repost")
    assert figures.family_reference(tables) == "src"  # every mutation was computed against src
    edge = pd.DataFrame([{"article_id": "x", "reference": "blog"}])
    tables["mutations"] = pd.concat([tables["mutations"], edge])
    assert len(figures.against_reference(tables["mutations"], "src")) == 5
    assert len(figures.against_reference(tables["mutations"], "nonexistent")) == 5


def test_heat_strip_follows_reading_order_and_outlines_headlines():
    tables = synthetic_tables()
    tables["editorial"] = tables["editorial"].iloc[::-1]  # rows out of order: the sentences table decides
    fig = figures.editorialising_by_sentence(FakeAnalysis(tables))
    ax = fig.axes[0]
    scores = ax.collections[0].get_array()
    blog_row = scores.reshape(3, 4)[1]
    assert list(blog_row.round(2)) == [0.85, 0.85, 0.05, 0.05]
    outlined = [patch for patch in ax.patches if not patch.get_fill()]
    assert sorted(patch.get_xy() for patch in outlined) == [(0, 0), (0, 1), (0, 2)]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["src (en)", "blog (en)", "de (de)"]


def test_claim_matrix_colours_and_glyphs():
    fig = figures.claim_survival_matrix(FakeAnalysis(synthetic_tables()))
    ax = fig.axes[0]
    mesh = ax.collections[0]
    colours = [matplotlib.colors.to_hex(colour) for colour in mesh.to_rgba(mesh.get_array().ravel())]
    by_status = {name: figures.STATUS_COLOURS[name].lower() for name in ("kept", "altered", "dropped")}
    # rows: src, blog, de; columns: the claim groups in the reference's order
    assert colours == [by_status[name] for name in ("kept", "kept", "kept", "altered", "altered", "kept", "kept", "kept", "dropped")]
    glyphs = {tuple(map(tuple, scatter.get_offsets())) for scatter in ax.collections[1:]}
    assert glyphs == {((0.5, 1.5), (1.5, 1.5)), ((2.5, 2.5),)}
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["kept", "altered (~)", "dropped (×)"]


def test_claim_matrix_marks_absent_cells():
    groups = pd.DataFrame([("g1", "a", 1, "kept"), ("g2", "b", 1, "added"), ("g1", "b", 2, "reworded")],
                          columns=["group_id", "article_id", "claim_id", "status"])
    ax = figures.claim_survival_matrix({"claim_groups": groups}).axes[0]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["kept", "added (+)", "reworded", "absent"]
    assert ax.collections[0].get_array().mask.sum() == 1


def test_glyphs_follow_the_settings_the_analysis_ran_with(tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text("[figures]\nmax_glyph_columns = 2\n", encoding="utf-8")
    analysis = FakeAnalysis(synthetic_tables())
    analysis.run["settings_file"] = str(settings)
    assert len(figures.claim_survival_matrix(analysis).axes[0].collections) == 1  # three groups: no glyphs


def test_number_and_name_changes_count_only_numbers_and_names_against_the_reference():
    fig = figures.number_and_name_changes(FakeAnalysis(synthetic_tables()))
    ax = fig.axes[0]
    totals = [text.get_text() for text in ax.texts]
    # blog: 1 number altered, 0 names; de: 0 numbers, 1 name altered (the dropped claim is neither)
    assert totals == ["1", "0", "0", "1"]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["blog (en)", "de (de)"]


def test_translation_errors_only_for_translations_with_quality():
    fig = figures.translation_errors_by_category(FakeAnalysis(synthetic_tables()))
    texts = _texts(fig)
    assert "2 errors, quality 71/100" in texts
    assert "blog (en)" not in texts and "omission" in texts and "fluency" in texts


def test_derivation_tree_labels_edges_and_credits():
    texts = _texts(figures.derivation_tree(FakeAnalysis(synthetic_tables())))
    assert "editorialised\nrewrite\n0.82" in texts and "translation\n0.90" in texts
    assert "de (de)\ncredits source" in texts and "blog (en)\nno credit" in texts


def test_derivation_tree_survives_a_cycle_and_an_unknown_parent():
    stemma = pd.DataFrame([
        {"parent": "a", "child": "b", "relation": "copy", "confidence": None},
        {"parent": "b", "child": "a", "relation": "copy", "confidence": 0.5},
        {"parent": "consensus", "child": "c", "relation": "rewrite", "confidence": 0.4},
    ])
    texts = _texts(figures.derivation_tree({"stemma": stemma}))
    assert "consensus" in texts and "rewrite\n0.40" in texts


def test_draws_into_a_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    assert figures.claim_survival_matrix(FakeAnalysis(synthetic_tables()), ax=ax) is fig


def _digest(paths) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def test_export_is_byte_identical_on_rerun(tmp_path):
    analysis = FakeAnalysis(synthetic_tables())
    first = figures.export_figures(analysis, tmp_path / "one")
    second = figures.export_figures(analysis, tmp_path / "two")
    assert len(first) == 2 * len(figures.FIGURES)
    assert _digest(first) == _digest(second)
    svg = (tmp_path / "one" / "overview.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    # clip paths and markers are numbered, not named by a hash of floats that may differ in the last bit
    assert not re.search(r'id="[a-z][0-9a-f]{10}"', svg)
    ids = set(re.findall(r' id="([^"]+)"', svg))
    assert set(re.findall(r'url\(#([^)]+)\)', svg)) | set(re.findall(r'href="#([^"]+)"', svg)) <= ids
    png = (tmp_path / "one" / "overview.png").read_bytes()
    assert b"Software" not in png and b"matplotlib" not in png.lower()


def test_user_rcparams_do_not_change_the_output(tmp_path):
    analysis = FakeAnalysis(synthetic_tables())
    plain = figures.save_figure(figures.derivation_tree(analysis), "tree", tmp_path / "plain")
    with matplotlib.rc_context({"font.size": 20, "svg.hashsalt": None, "lines.linewidth": 5}):
        styled = figures.save_figure(figures.derivation_tree(analysis), "tree", tmp_path / "styled")
    assert _digest(plain) == _digest(styled)


def test_png_is_150_dpi(tmp_path):
    png, _ = figures.save_figure(figures.overview({}), "blank", tmp_path)
    image = matplotlib.image.imread(png)
    assert image.shape[1] == round(8.27 * 150)


def test_bad_figure_name_is_refused(tmp_path):
    with pytest.raises(ValueError):
        figures.save_figure(Figure(), "../escape", tmp_path)


@pytest.mark.slow
def test_committed_figures_are_up_to_date(tmp_path):
    """figures/ holds exactly what `make report` renders from the seeds today."""
    import spin

    committed = ROOT / "figures"
    fresh = figures.export_figures(spin.analyze(ROOT / "seeds"), tmp_path)
    stale = sorted(name for name, digest in _digest(fresh).items()
                   if not (committed / name).is_file() or _digest([committed / name])[name] != digest)
    extra = sorted(path.name for path in committed.glob("*") if path.suffix in {".png", ".svg"}
                   and path.name not in {p.name for p in fresh}) if committed.is_dir() else []
    assert not stale and not extra, f"figures/ is out of date ({stale + extra}); run `make report`"

