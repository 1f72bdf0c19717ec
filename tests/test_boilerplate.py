"""Boilerplate removal on messy pages written for these tests (en, de, fr), never the seeds."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from spin.boilerplate import BOILERPLATE_COLUMNS, REASONS, SCOPES, CleanedText, RemovedSpan, clean_text, strip_boilerplate
from spin.resources import read_data_file

# Each page is a list of (line, reason it is removed for, or None when it is article text).
EN_PAGE = [
    ("Home > Business > Transport", "page_chrome"),
    ("City council approves new tram line", None),
    ("", None),
    ("3", "page_chrome"),
    ("Share", "page_chrome"),
    ("Tweet", "page_chrome"),
    ("City council approves new tram line", "repeated_title"),
    ("4 min read", "page_chrome"),
    ("The city council of Bristol approved a new tram line on Tuesday, the mayor said.", None),
    ("Advertisement", "promo"),
    ("The project will cost £120 million and should open in 2027, via a new bond issue.", None),
    ("", None),
    ("Photo: Jane Roe / Example Images", "page_chrome"),
    ("Sign up for our daily newsletter", "newsletter"),
    ("Read also: Bus fares to rise in spring", "related_articles"),
    ("Critics argue the route ignores the poorest districts.", None),
    ("", None),
    ("Related posts", "related_articles"),
    ("Bus fares to rise in spring", "related_articles"),
    ("New cycle lanes open downtown", "related_articles"),
    ("", None),
    ("Tags: transport, Bristol, trams", "keywords"),
    ("#Bristol #Trams #Transport", "keywords"),
    ("Originally published at citynews.example on 3 March 2025.", "source_credit"),
    ("via Bristol Post", "source_credit"),
    ("Leave a Reply", "comment_prompt"),
    ("Your email address will not be published. Required fields are marked *", "comment_prompt"),
    ("Comment *", "comment_prompt"),
    ("Name *", "comment_prompt"),
    ("Save my name, email, and website in this browser for the next time I comment.", "comment_prompt"),
    ("We use cookies to improve your experience. By continuing you accept our cookie policy.", "cookie_notice"),
]

DE_PAGE = [
    ("Startseite > Politik > Verkehr", "page_chrome"),
    ("Stadtrat genehmigt neue Straßenbahnlinie", None),
    ("Stadtrat genehmigt neue Straßenbahnlinie", "repeated_title"),
    ("Lesezeit: 3 Minuten", "page_chrome"),
    ("Der Stadtrat von Bristol hat am Dienstag eine neue Straßenbahnlinie genehmigt.", None),
    ("Anzeige", "promo"),
    ("Das Projekt kostet 120 Millionen Pfund, so die Quelle im Rathaus.", None),
    ("Lesen Sie auch: Busfahrpreise steigen im Frühjahr", "related_articles"),
    ("Kritiker sagen, die Strecke übergehe die ärmsten Viertel.", None),
    ("", None),
    ("Jetzt kostenlos Newsletter abonnieren", "newsletter"),
    ("Ähnliche Beiträge", "related_articles"),
    ("Busfahrpreise steigen im Frühjahr", "related_articles"),
    ("Neue Radwege in der Innenstadt", "related_articles"),
    ("", None),
    ("Schlagwörter: Verkehr, Bristol, Straßenbahn", "keywords"),
    ("Quelle: dpa", "source_credit"),
    ("Dieser Artikel erschien zuerst auf stadtnachrichten.example", "source_credit"),
    ("Schreibe einen Kommentar", "comment_prompt"),
    ("Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert", "comment_prompt"),
    ("Kommentar *", "comment_prompt"),
    ("Meinen Namen, meine E-Mail-Adresse und meine Website in diesem Browser speichern, bis ich wieder kommentiere.", "comment_prompt"),
    ("Diese Website verwendet Cookies. Mit der Nutzung stimmen Sie zu.", "cookie_notice"),
    ("Bereits Abonnent? Hier anmelden", "subscription"),
]

FR_PAGE = [
    ("Accueil > Société > Transports", "page_chrome"),
    ("Le conseil municipal approuve une nouvelle ligne de tramway", None),
    ("", None),
    ("Partager", "page_chrome"),
    ("Le conseil municipal approuve une nouvelle ligne de tramway", "repeated_title"),
    ("Le conseil municipal de Bristol a approuvé mardi une nouvelle ligne de tramway.", None),
    ("Publicité", "promo"),
    ("Le projet coûtera 120 millions de livres, selon une source proche du dossier.", None),
    ("À lire aussi : Les tarifs des bus augmenteront au printemps", "related_articles"),
    ("Les critiques estiment que le tracé ignore les quartiers les plus pauvres.", None),
    ("", None),
    ("Abonnez-vous à notre newsletter", "newsletter"),
    ("Articles similaires", "related_articles"),
    ("Les tarifs des bus augmenteront au printemps", "related_articles"),
    ("De nouvelles pistes cyclables ouvrent en centre-ville", "related_articles"),
    ("", None),
    ("Mots-clés : transports, Bristol, tramway", "keywords"),
    ("Source : AFP", "source_credit"),
    ("Cet article a été initialement publié sur lanouvelle.example", "source_credit"),
    ("(Avec AFP)", "source_credit"),
    ("Laisser un commentaire", "comment_prompt"),
    ("Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *", "comment_prompt"),
    ("Commentaire *", "comment_prompt"),
    ("Enregistrer mon nom, mon e-mail et mon site dans le navigateur pour mon prochain commentaire.", "comment_prompt"),
    ("Nous utilisons des cookies pour améliorer votre expérience.", "cookie_notice"),
    ("Il vous reste 60 % de cet article à lire.", "subscription"),
]


def _page(lines: list[tuple[str, str | None]]) -> str:
    return "\n".join(line for line, _ in lines)


@pytest.mark.parametrize("page", [EN_PAGE, DE_PAGE, FR_PAGE], ids=["en", "de", "fr"])
def test_each_boilerplate_line_is_removed_for_its_reason(page):
    cleaned = clean_text(_page(page))
    expected = [(line, reason) for line, reason in page if reason]
    assert [(span.text, span.reason) for span in cleaned.removed] == expected


@pytest.mark.parametrize("page", [EN_PAGE, DE_PAGE, FR_PAGE], ids=["en", "de", "fr"])
def test_article_lines_are_kept_whole_and_in_order(page):
    cleaned = clean_text(_page(page))
    kept = [line for line, reason in page if reason is None and line]
    assert [line for line in cleaned.text.split("\n") if line] == kept


@pytest.mark.parametrize("page", [EN_PAGE, DE_PAGE, FR_PAGE], ids=["en", "de", "fr"])
def test_removed_offsets_index_the_raw_text(page):
    raw = _page(page)
    for span in clean_text(raw).removed:
        assert raw[span.start:span.end] == span.text


@pytest.mark.parametrize(
    "line",
    [
        "The money reached the company via a shell firm in Cyprus, the source said.",
        "Via a complex chain of holdings, the group still controls the newspaper.",
        "According to one source: the board has not met since March and will not meet before May.",
        "Share prices fell 3% on Monday after the announcement.",
        "Comments made by the minister on Friday drew sharp criticism from the opposition.",
        "Advertising revenue rose 5% in the third quarter, the company said.",
        "First published in 1851, the newspaper has covered the city's politics for generations.",
        "Die Quelle des Geldes ist bis heute unklar, sagte ein Sprecher via Videoschalte.",
        "Quelle der Zahlen ist nach Angaben der Behörde eine interne Erhebung aus dem Jahr 2024.",
        "Laut einer Quelle im Ministerium soll das Gesetz im Herbst kommen.",
        "Teilen sich zwei Firmen einen Markt, sinken die Preise selten.",
        "Selon une source proche du dossier, l'accord a été signé via une filiale.",
        "Source : selon l'AFP, le ministre a démissionné hier soir après une longue réunion du cabinet.",
        "Partager les revenus avec les hôtes reste une décision stratégique pour Meta.",
        "Publicité et abonnements représentent l'essentiel des revenus du groupe.",
    ],
)
def test_prose_with_trigger_words_is_never_removed(line):
    text = f"A heading line\n\n{line}\n\nThe last paragraph of the article ends here."
    assert clean_text(text).removed == ()


def test_title_argument_finds_a_repeat_that_is_not_the_first_line():
    raw = "0\n1\nMinister resigns over tram plan\n\nMinister resigns over tram plan\n\nThe minister resigned on Friday."
    cleaned = clean_text(raw, title="Minister resigns over tram plan")
    assert [(span.text, span.reason) for span in cleaned.removed] == [
        ("0", "page_chrome"), ("1", "page_chrome"), ("Minister resigns over tram plan", "repeated_title"),
    ]
    assert cleaned.text == "Minister resigns over tram plan\n\nThe minister resigned on Friday."


def test_stray_label_above_trailing_boilerplate_is_removed_but_not_above_prose():
    raw = "Title\n\nThe minister resigned on Friday.\n\nPolitics\n\nYou may also like\nTram fares rise\nNew bridge opens"
    reasons = [(span.text, span.reason) for span in clean_text(raw).removed]
    assert reasons[0] == ("Politics", "page_chrome")
    assert clean_text("Title\n\nThe minister resigned.\n\nPolitics\n\nThe mayor stays.").removed == ()


def test_promo_teaser_is_removed_only_at_the_end():
    teaser = "Our academy opens soon: a new way to learn investing in 2025. Learn more"
    at_end = clean_text(f"Title\n\nThe minister resigned on Friday.\n\n{teaser}")
    assert [(span.text, span.reason) for span in at_end.removed] == [(teaser, "promo")]
    in_middle = clean_text(f"Title\n\n{teaser}\n\nThe minister resigned on Friday.")
    assert in_middle.removed == ()


def test_block_head_followed_by_prose_is_a_heading_not_boilerplate():
    raw = "Title\n\nRecommended\n\nThe council recommended a second line, which would run north of the river."
    assert clean_text(raw).removed == ()


def test_related_list_stops_before_a_heading_of_more_prose():
    raw = (
        "Title\n\nFirst paragraph of the story ends here.\n\nRelated articles\nTram fares rise\n\n"
        "What happens next\n\nThe council will vote again in May, officials said on Monday."
    )
    cleaned = clean_text(raw)
    assert [span.text for span in cleaned.removed] == ["Related articles", "Tram fares rise"]
    assert "What happens next" in cleaned.text


def test_markdown_emphasis_links_and_bullets_do_not_hide_boilerplate():
    raw = "Story\n\nThe text.\n\n**Related posts:**\n- [Tram fares rise](https://news.example/tram)\n* Source: [Reuters](https://reuters.example/x)"
    cleaned = clean_text(raw)
    assert [(span.reason) for span in cleaned.removed] == ["related_articles", "related_articles", "source_credit"]
    assert cleaned.text == "Story\n\nThe text."


@pytest.mark.parametrize("raw", ["", "   \n\t\n", None])
def test_empty_input_gives_empty_text(raw):
    assert clean_text(raw) == CleanedText("", ())


def test_emoji_only_text_is_kept():
    assert clean_text("🎉🎉🎉 🚀") == CleanedText("🎉🎉🎉 🚀", ())


def test_cleaned_text_collapses_gaps_and_keeps_single_line_breaks():
    raw = "\n\nTitle\nFirst line.\nAdvertisement\nSecond line.\n\n\n\nThird line.   \n\n"
    assert clean_text(raw).text == "Title\nFirst line.\nSecond line.\n\nThird line."


def test_removed_span_is_frozen():
    span = RemovedSpan(0, 5, "Share", "page_chrome")
    with pytest.raises(AttributeError):
        span.start = 1


def test_strip_boilerplate_returns_new_tables_and_keeps_raw_text():
    articles = pd.DataFrame({
        "article_id": ["en", "de", "empty"],
        "title": ["City council approves new tram line", "", None],
        "raw_text": [_page(EN_PAGE), _page(DE_PAGE), None],
        "text": [_page(EN_PAGE), _page(DE_PAGE), "   "],
    })
    before = articles.copy()
    cleaned, removed = strip_boilerplate(articles)
    pd.testing.assert_frame_equal(articles, before)
    assert list(removed.columns) == list(BOILERPLATE_COLUMNS)
    assert cleaned["raw_text"].tolist()[:2] == [_page(EN_PAGE), _page(DE_PAGE)]
    assert cleaned.loc[0, "text"] == clean_text(_page(EN_PAGE)).text
    assert cleaned.loc[2, "text"] == ""
    assert removed.groupby("article_id").size().to_dict() == {
        "en": sum(1 for _, reason in EN_PAGE if reason), "de": sum(1 for _, reason in DE_PAGE if reason),
    }
    assert set(removed["reason"]) <= set(REASONS)


def test_strip_boilerplate_on_an_empty_table_has_the_documented_columns():
    cleaned, removed = strip_boilerplate(pd.DataFrame(columns=["article_id", "title", "raw_text", "text"]))
    assert cleaned.empty and list(removed.columns) == list(BOILERPLATE_COLUMNS) and removed.empty


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_pattern_files_have_headers_known_reasons_and_compile(language):
    header, rows = read_data_file(language, "boilerplate")
    assert {"what", "source", "licence", "built"} <= set(header)
    patterns = [row[0] for row in rows]
    assert len(patterns) == len(set(patterns))
    for row in rows:
        assert len(row) == 3 and row[1] in REASONS and row[2] in SCOPES
        assert re.compile(row[0], re.IGNORECASE).groups == 0, row[0]
