"""Language id, sentence splitting, tokens and lemmas on text written for these tests."""

from __future__ import annotations

import pandas as pd
import pytest

from spin.language import (
    SENTENCE_COLUMNS, SUPPORTED, Sentence, detect_articles, detect_language, detect_sentence_language,
    lemmatize, normalise_language, sentences_table, split_sentences, tokenize,
)
from spin.resources import read_data_file

# Tricky sentence splits: (text, the sentences a careful reader sees).
EN_SPLITS = [
    ("The ruling in Smith v. Jones was upheld. The court adjourned.", ["The ruling in Smith v. Jones was upheld.", "The court adjourned."]),
    ("Smith vs. Jones ends today. Both sides rest.", ["Smith vs. Jones ends today.", "Both sides rest."]),
    ("The U.S. economy grew in Q2 2023. Analysts were surprised.", ["The U.S. economy grew in Q2 2023.", "Analysts were surprised."]),
    ("The firm moved to the U.S. The move cost millions.", ["The firm moved to the U.S.", "The move cost millions."]),
    ("U.S. President Joe Biden spoke. He left early.", ["U.S. President Joe Biden spoke.", "He left early."]),
    ("The U.K. and the E.U. signed a deal. It takes effect soon.", ["The U.K. and the E.U. signed a deal.", "It takes effect soon."]),
    ("Revenue reached $1.5 billion. The stock rose.", ["Revenue reached $1.5 billion.", "The stock rose."]),
    ("It spent $60 billion to $80 billion in 2025. That is a lot.", ["It spent $60 billion to $80 billion in 2025.", "That is a lot."]),
    ("He said: “We are done.” The talks ended.", ["He said: “We are done.”", "The talks ended."]),
    ('She said: "It works." Nobody agreed.', ['She said: "It works."', "Nobody agreed."]),
    ("“We are done,” he said. “It is over.”", ["“We are done,” he said.", "“It is over.”"]),
    ("“Is it over?” she asked. Nobody answered.", ["“Is it over?” she asked.", "Nobody answered."]),
    ("Dr. Jane Roe met Mr. Brown on Monday. They talked.", ["Dr. Jane Roe met Mr. Brown on Monday.", "They talked."]),
    ("Mrs. Lee and Ms. Park arrived. Prof. Adams was late.", ["Mrs. Lee and Ms. Park arrived.", "Prof. Adams was late."]),
    ("The meeting is on Jan. 3, 2025 in Paris. It starts at noon.", ["The meeting is on Jan. 3, 2025 in Paris.", "It starts at noon."]),
    ("It opened on Sept. 11 last year. Crowds came.", ["It opened on Sept. 11 last year.", "Crowds came."]),
    ("The vote was held in Jan. The results came later.", ["The vote was held in Jan.", "The results came later."]),
    ("The call starts at 9 a.m. Eastern time. Bring notes.", ["The call starts at 9 a.m. Eastern time.", "Bring notes."]),
    ("The call ended at 5 p.m. The CEO left.", ["The call ended at 5 p.m.", "The CEO left."]),
    ("It was founded by J. R. Miller in 1998. He retired in 2010.", ["It was founded by J. R. Miller in 1998.", "He retired in 2010."]),
    ("Donald J. Trump signed it. Congress objected.", ["Donald J. Trump signed it.", "Congress objected."]),
    ("See No. 5 on the list. It sold well.", ["See No. 5 on the list.", "It sold well."]),
    ("The answer was no. The plan failed.", ["The answer was no.", "The plan failed."]),
    ("Apple Inc. CEO Tim Cook spoke. He smiled.", ["Apple Inc. CEO Tim Cook spoke.", "He smiled."]),
    ("The deal went to Acme Inc. The rival lost.", ["The deal went to Acme Inc.", "The rival lost."]),
    ("Prices rose, e.g. for bread. Wages did not.", ["Prices rose, e.g. for bread.", "Wages did not."]),
    ("Some firms, i.e. the largest ones, paid. Others refused.", ["Some firms, i.e. the largest ones, paid.", "Others refused."]),
    ("What happened? Nobody knows! The probe continues.", ["What happened?", "Nobody knows!", "The probe continues."]),
    ("Wait... what? He left.", ["Wait... what?", "He left."]),
    ("The death toll rose to 12. Officials said more were missing.", ["The death toll rose to 12.", "Officials said more were missing."]),
    ("Shares fell 3%. Investors sold.", ["Shares fell 3%.", "Investors sold."]),
    ("The rate is 4.25 percent. It may rise.", ["The rate is 4.25 percent.", "It may rise."]),
    ("Visit www.example.com for details. It is free.", ["Visit www.example.com for details.", "It is free."]),
    ("Sales grew (see chart.) The board was pleased.", ["Sales grew (see chart.)", "The board was pleased."]),
    ("The firm, est. 1998, grew fast. It now has 500 staff.", ["The firm, est. 1998, grew fast.", "It now has 500 staff."]),
    ("He met Gov. Newsom and Sen. Warren. Both declined to comment.", ["He met Gov. Newsom and Sen. Warren.", "Both declined to comment."]),
    ("Microsoft, Amazon, etc. The list goes on.", ["Microsoft, Amazon, etc.", "The list goes on."]),
    ("The U.S.-based firm grew. Its rival shrank.", ["The U.S.-based firm grew.", "Its rival shrank."]),
    ("The film starred Martin Luther King Jr. in a cameo. Critics loved it.", ["The film starred Martin Luther King Jr. in a cameo.", "Critics loved it."]),
    ("He lives on Main St. in Boston. She lives nearby.", ["He lives on Main St. in Boston.", "She lives nearby."]),
    ("He quoted the text [...] in full. Then he sat down.", ["He quoted the text [...] in full.", "Then he sat down."]),
    ("Profit was 2.1 billion euros. That beat forecasts.", ["Profit was 2.1 billion euros.", "That beat forecasts."]),
    ("The case is Doe v. Acme Corp. The judge is new.", ["The case is Doe v. Acme Corp.", "The judge is new."]),
]

DE_SPLITS = [
    ("Im Prozess Kadrey v. Meta geht es um Urheberrecht. Das Gericht tagt.", ["Im Prozess Kadrey v. Meta geht es um Urheberrecht.", "Das Gericht tagt."]),
    ("Es geht u. a. um Geld. Die Kläger fordern mehr.", ["Es geht u. a. um Geld.", "Die Kläger fordern mehr."]),
    ("Geklagt haben u. a. Autoren aus Berlin. Die Firma schweigt.", ["Geklagt haben u. a. Autoren aus Berlin.", "Die Firma schweigt."]),
    ("Viele Firmen, z. B. Google, klagen. Die Regierung schweigt.", ["Viele Firmen, z. B. Google, klagen.", "Die Regierung schweigt."]),
    ("Viele Firmen, z.B. Amazon, zahlen. Andere nicht.", ["Viele Firmen, z.B. Amazon, zahlen.", "Andere nicht."]),
    ("Das Treffen ist am 3. Jan. 2025 in Berlin. Es dauert lange.", ["Das Treffen ist am 3. Jan. 2025 in Berlin.", "Es dauert lange."]),
    ("Er kam am 1. Mai zurück. Dann ging er wieder.", ["Er kam am 1. Mai zurück.", "Dann ging er wieder."]),
    ("Am 24. Dezember ist Heiligabend. Viele feiern.", ["Am 24. Dezember ist Heiligabend.", "Viele feiern."]),
    ("Im 2. Quartal stieg der Umsatz. Die Aktie legte zu.", ["Im 2. Quartal stieg der Umsatz.", "Die Aktie legte zu."]),
    ("Der 1. FC Köln gewann. Die Fans jubelten.", ["Der 1. FC Köln gewann.", "Die Fans jubelten."]),
    ("Die Zahl der Toten stieg auf 12. Die Polizei ermittelt.", ["Die Zahl der Toten stieg auf 12.", "Die Polizei ermittelt."]),
    ("Das geschah im Jahr 2025. Apple meldete Gewinne.", ["Das geschah im Jahr 2025.", "Apple meldete Gewinne."]),
    ("„Wir sind fertig.“ Die Gespräche endeten.", ["„Wir sind fertig.“", "Die Gespräche endeten."]),
    ("Er sagte: „Das ist falsch.“ Dann ging er.", ["Er sagte: „Das ist falsch.“", "Dann ging er."]),
    ("„Ist das wahr?“, fragte sie. Niemand antwortete.", ["„Ist das wahr?“, fragte sie.", "Niemand antwortete."]),
    ("»Wir klagen.« Der Anwalt nickte.", ["»Wir klagen.«", "Der Anwalt nickte."]),
    ("Das kostet ca. 60 Mrd. Dollar pro Jahr. Das ist viel.", ["Das kostet ca. 60 Mrd. Dollar pro Jahr.", "Das ist viel."]),
    ("Der Umsatz lag bei 80 Mrd. Die Aktie fiel.", ["Der Umsatz lag bei 80 Mrd.", "Die Aktie fiel."]),
    ("Laut Art. 5 GG ist das erlaubt. Die Kritik bleibt.", ["Laut Art. 5 GG ist das erlaubt.", "Die Kritik bleibt."]),
    ("Siehe S. 12 im Bericht. Dort steht es.", ["Siehe S. 12 im Bericht.", "Dort steht es."]),
    ("Gemäß § 3 Abs. 2 gilt das. Die Frist läuft.", ["Gemäß § 3 Abs. 2 gilt das.", "Die Frist läuft."]),
    ("Dr. Müller sagte, d. h. die Firma zahlt. Das bestätigte sie.", ["Dr. Müller sagte, d. h. die Firma zahlt.", "Das bestätigte sie."]),
    ("Prof. Dr. Schmidt lehrt in Bonn. Er ist beliebt.", ["Prof. Dr. Schmidt lehrt in Bonn.", "Er ist beliebt."]),
    ("Die Firma verkauft Autos, Räder usw. Die Kunden sind zufrieden.", ["Die Firma verkauft Autos, Räder usw.", "Die Kunden sind zufrieden."]),
    ("Das betrifft bzw. trifft alle Kunden. Die Preise steigen.", ["Das betrifft bzw. trifft alle Kunden.", "Die Preise steigen."]),
    ("Der Konzern mit Sitz in den USA wächst. Die Konkurrenz nicht.", ["Der Konzern mit Sitz in den USA wächst.", "Die Konkurrenz nicht."]),
    ("Die U.S. Army zieht ab. Die Regierung reagiert.", ["Die U.S. Army zieht ab.", "Die Regierung reagiert."]),
    ("Meta zahlt rund 1,5 Mio. Euro. Das reicht nicht.", ["Meta zahlt rund 1,5 Mio. Euro.", "Das reicht nicht."]),
    ("Der Umsatz stieg um 3,5 Prozent. Der Gewinn sank.", ["Der Umsatz stieg um 3,5 Prozent.", "Der Gewinn sank."]),
    ("Wer zahlt? Niemand! Die Debatte geht weiter.", ["Wer zahlt?", "Niemand!", "Die Debatte geht weiter."]),
    ("Sie verkauft Aktien im Wert von 60.000 Euro. Der Kurs fällt.", ["Sie verkauft Aktien im Wert von 60.000 Euro.", "Der Kurs fällt."]),
    ("Das Gesetz gilt seit dem 1. Januar 2024. Kritiker klagen.", ["Das Gesetz gilt seit dem 1. Januar 2024.", "Kritiker klagen."]),
    ("Es kamen v. a. junge Leute. Die Stimmung war gut.", ["Es kamen v. a. junge Leute.", "Die Stimmung war gut."]),
    ("Der Bau begann im 19. Jh. in Köln. Er dauerte lange.", ["Der Bau begann im 19. Jh. in Köln.", "Er dauerte lange."]),
    ("Das Geld kommt vgl. Tabelle aus Steuern. Es reicht.", ["Das Geld kommt vgl. Tabelle aus Steuern.", "Es reicht."]),
    ("Zum 3. Mal in Folge stieg der Preis. Die Kunden klagen.", ["Zum 3. Mal in Folge stieg der Preis.", "Die Kunden klagen."]),
    ("Die Sitzung ist am Fr. 14. März. Alle kommen.", ["Die Sitzung ist am Fr. 14. März.", "Alle kommen."]),
    ("Der Verein e.V. wurde gegründet. Er hat 40 Mitglieder.", ["Der Verein e.V. wurde gegründet.", "Er hat 40 Mitglieder."]),
    ("Er arbeitet bei der Meta Platforms Inc. in Menlo Park. Sie auch.", ["Er arbeitet bei der Meta Platforms Inc. in Menlo Park.", "Sie auch."]),
    ("Das Modell heißt Llama 3.1. Es ist offen.", ["Das Modell heißt Llama 3.1.", "Es ist offen."]),
    ("Das war im 3. Quartal 2024. Im 4. Quartal wurde es besser.", ["Das war im 3. Quartal 2024.", "Im 4. Quartal wurde es besser."]),
    ("Sie nannte u.a. Google und Amazon. Beide schwiegen.", ["Sie nannte u.a. Google und Amazon.", "Beide schwiegen."]),
]

FR_SPLITS = [
    ("Le procès Kadrey c. Meta se poursuit. Le juge a tranché.", ["Le procès Kadrey c. Meta se poursuit.", "Le juge a tranché."]),
    ("L'affaire Dupont c. État est close. Les avocats ont réagi.", ["L'affaire Dupont c. État est close.", "Les avocats ont réagi."]),
    ("M. Dupont a parlé. Il est parti.", ["M. Dupont a parlé.", "Il est parti."]),
    ("M. Le Maire a parlé. Il a été clair.", ["M. Le Maire a parlé.", "Il a été clair."]),
    ("Mme. Martin et MM. Durand et Petit sont venus. Ils ont signé.", ["Mme. Martin et MM. Durand et Petit sont venus.", "Ils ont signé."]),
    ("« C'est fini. » La société a fait appel.", ["« C'est fini. »", "La société a fait appel."]),
    ("Il a dit : « Nous gagnerons. » Puis il est parti.", ["Il a dit : « Nous gagnerons. »", "Puis il est parti."]),
    ("« Pourquoi ? » demande-t-il. Personne ne répond.", ["« Pourquoi ? » demande-t-il.", "Personne ne répond."]),
    ("Vraiment ? Oui ! Le débat continue.", ["Vraiment ?", "Oui !", "Le débat continue."]),
    ("Les prix, p. ex. du pain, augmentent. Les salaires stagnent.", ["Les prix, p. ex. du pain, augmentent.", "Les salaires stagnent."]),
    ("Les États-Unis, c.-à-d. Washington, refusent. La France insiste.", ["Les États-Unis, c.-à-d. Washington, refusent.", "La France insiste."]),
    ("Le 3 janv. 2025, le juge a statué. Il a refusé.", ["Le 3 janv. 2025, le juge a statué.", "Il a refusé."]),
    ("La réunion du 12 févr. 2024 a échoué. Une autre suivra.", ["La réunion du 12 févr. 2024 a échoué.", "Une autre suivra."]),
    ("Le chiffre d'affaires atteint 1,5 milliard d'euros. L'action monte.", ["Le chiffre d'affaires atteint 1,5 milliard d'euros.", "L'action monte."]),
    ("Cela représente env. 60 % du marché. Les autres suivent.", ["Cela représente env. 60 % du marché.", "Les autres suivent."]),
    ("Voir p. 12 du rapport. Le texte est clair.", ["Voir p. 12 du rapport.", "Le texte est clair."]),
    ("Selon l'art. 5 de la loi, c'est permis. Les critiques restent.", ["Selon l'art. 5 de la loi, c'est permis.", "Les critiques restent."]),
    ("Le Dr. Martin a opéré. Le patient va bien.", ["Le Dr. Martin a opéré.", "Le patient va bien."]),
    ("Le bilan s'élève à 12 morts. La police enquête.", ["Le bilan s'élève à 12 morts.", "La police enquête."]),
    ("Cela s'est passé en 2025. Apple a réagi.", ["Cela s'est passé en 2025.", "Apple a réagi."]),
    ("Les ventes ont chuté de 3 %. Les investisseurs ont vendu.", ["Les ventes ont chuté de 3 %.", "Les investisseurs ont vendu."]),
    ("Il parle aux U.S.A. et au Canada. Tout le monde écoute.", ["Il parle aux U.S.A. et au Canada.", "Tout le monde écoute."]),
    ("Microsoft, Amazon, etc. La liste est longue.", ["Microsoft, Amazon, etc.", "La liste est longue."]),
    ("Il a vendu des pommes, des poires, etc. et il est rentré.", ["Il a vendu des pommes, des poires, etc. et il est rentré."]),
    ("Meta prévoit de dépenser 60 à 80 milliards de dollars. C'est le double.", ["Meta prévoit de dépenser 60 à 80 milliards de dollars.", "C'est le double."]),
    ("Au troisième trimestre 2024, les ventes ont grimpé. Le titre a suivi.", ["Au troisième trimestre 2024, les ventes ont grimpé.", "Le titre a suivi."]),
    ("« Cela rend nos produits meilleurs », a-t-il ajouté. Les analystes doutent.", ["« Cela rend nos produits meilleurs », a-t-il ajouté.", "Les analystes doutent."]),
    ('"Si vous êtes Microsoft, vous payez", a déclaré Zuckerberg. Il a souri.', ['"Si vous êtes Microsoft, vous payez", a déclaré Zuckerberg.', "Il a souri."]),
    ("Le modèle Llama 3.1 est ouvert. Il est gratuit.", ["Le modèle Llama 3.1 est ouvert.", "Il est gratuit."]),
    ("Le site www.exemple.fr est fermé. Les clients attendent.", ["Le site www.exemple.fr est fermé.", "Les clients attendent."]),
    ("Il était 9 h. Le train est parti.", ["Il était 9 h.", "Le train est parti."]),
    ("La S.A. Dupont a fait faillite. Les salariés manifestent.", ["La S.A. Dupont a fait faillite.", "Les salariés manifestent."]),
    ("Il est né en 63 av. J.-C. à Rome. Il est mort jeune.", ["Il est né en 63 av. J.-C. à Rome.", "Il est mort jeune."]),
    ("La loi n. 2024-12 est votée. Elle entre en vigueur.", ["La loi n. 2024-12 est votée.", "Elle entre en vigueur."]),
    ("Le vote a eu lieu en janv. Les résultats sont tombés.", ["Le vote a eu lieu en janv.", "Les résultats sont tombés."]),
    ("Il attendait… Puis il est parti.", ["Il attendait…", "Puis il est parti."]),
    ("Il a cité le texte […] en entier. Puis il s'est assis.", ["Il a cité le texte […] en entier.", "Puis il s'est assis."]),
    ("Le P.-D.G. Jean Dupont démissionne. Son adjoint le remplace.", ["Le P.-D.G. Jean Dupont démissionne.", "Son adjoint le remplace."]),
    ("L'entreprise, créée en 1998, a grandi. Elle compte 500 salariés.", ["L'entreprise, créée en 1998, a grandi.", "Elle compte 500 salariés."]),
    ("Le PDG a dit non. Le projet est abandonné.", ["Le PDG a dit non.", "Le projet est abandonné."]),
    ("Le taux passe à 4,25 %. Il pourrait encore monter.", ["Le taux passe à 4,25 %.", "Il pourrait encore monter."]),
    ("La réunion est prévue le lun. 3 mars. Tous viendront.", ["La réunion est prévue le lun. 3 mars.", "Tous viendront."]),
]


def _texts(text: str, language: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(text, language)]


@pytest.mark.parametrize("text, expected", EN_SPLITS)
def test_english_splits(text, expected):
    assert _texts(text, "en") == expected


@pytest.mark.parametrize("text, expected", DE_SPLITS)
def test_german_splits(text, expected):
    assert _texts(text, "de") == expected


@pytest.mark.parametrize("text, expected", FR_SPLITS)
def test_french_splits(text, expected):
    assert _texts(text, "fr") == expected


def test_each_table_has_at_least_forty_cases():
    assert min(len(EN_SPLITS), len(DE_SPLITS), len(FR_SPLITS)) >= 40


@pytest.mark.parametrize("language, cases", [("en", EN_SPLITS), ("de", DE_SPLITS), ("fr", FR_SPLITS)])
def test_offsets_index_the_text(language, cases):
    for text, _ in cases:
        for sentence in split_sentences(text, language):
            assert text[sentence.start:sentence.end] == sentence.text


ARTICLE = (
    "Council approves tram line\n\n"
    "The council approved the line on Tuesday. It will cost £120 million.\n\n"
    "What happens next\n\n"
    "Officials listed three steps:\n"
    "- Tenders open in May.\n"
    "– Building starts in 2026\n"
    "2. Trams run in 2028.\n\n"
    "## Reactions\n"
    "> “It is a good day,” the mayor said.\n"
    "Critics were not convinced."
)


def test_kinds_of_headline_heading_list_items_and_body():
    kinds = [(s.text, s.kind) for s in split_sentences(ARTICLE, "en")]
    assert kinds == [
        ("Council approves tram line", "headline"),
        ("The council approved the line on Tuesday.", "body"),
        ("It will cost £120 million.", "body"),
        ("What happens next", "heading"),
        ("Officials listed three steps:", "body"),
        ("Tenders open in May.", "list_item"),
        ("Building starts in 2026", "list_item"),
        ("Trams run in 2028.", "list_item"),
        ("Reactions", "heading"),
        ("“It is a good day,” the mayor said.", "body"),
        ("Critics were not convinced.", "body"),
    ]


def test_a_first_line_with_a_full_stop_is_a_headline_only_when_it_is_the_title():
    text = "Minister resigns over tram plan.\n\nThe minister resigned on Friday. Nobody was surprised."
    assert split_sentences(text, "en")[0].kind == "body"
    assert split_sentences(text, "en", title="Minister resigns over tram plan")[0].kind == "headline"


def test_german_and_french_headings_without_full_stop():
    de = "Stadtrat genehmigt Straßenbahn\n\nDer Stadtrat stimmte zu.\nWie es weitergeht\nDie Bauarbeiten beginnen 2026."
    fr = "Le conseil approuve le tramway\n\nLe conseil a voté.\nLa suite du projet\nLes travaux commencent en 2026."
    assert [s.kind for s in split_sentences(de, "de")] == ["headline", "body", "heading", "body"]
    assert [s.kind for s in split_sentences(fr, "fr")] == ["headline", "body", "heading", "body"]


def test_a_line_starting_with_a_date_is_not_a_list_item():
    text = "Chronik\n\n3. Januar 2025: Die Klage wird eingereicht.\n4. Januar 2025: Meta antwortet."
    assert [s.kind for s in split_sentences(text, "de")][1:] == ["body", "body"]


def test_hard_wrapped_lines_are_joined_but_paragraph_lines_are_not():
    text = "The council approved the new line\nafter a long debate on Tuesday.\nCritics left early."
    assert _texts(text, "en") == ["The council approved the new line\nafter a long debate on Tuesday.", "Critics left early."]


def test_stray_closing_quote_joins_its_sentence():
    assert _texts("So we started. “\nThen we stopped.", "en") == ["So we started. “", "Then we stopped."]


def test_overlong_sentence_is_cut_at_the_limit(monkeypatch):
    text = "word " * 2000 + "end."
    pieces = split_sentences(text, "en")
    assert len(pieces) > 1
    assert all(len(piece.text) <= 5_000 for piece in pieces)
    assert all(text[p.start:p.end] == p.text for p in pieces)


@pytest.mark.parametrize("text", ["", "   \n\n  ", "🎉🎉 🚀"])
def test_empty_and_emoji_input(text):
    sentences = split_sentences(text, "en")
    assert sentences == ([] if not text.strip() else [Sentence(0, len(text), text, "body")])


def test_unsupported_language_uses_every_abbreviation_list():
    assert _texts("El caso Kadrey v. Meta sigue. El juez decide.", "unsupported:es") == [
        "El caso Kadrey v. Meta sigue.", "El juez decide.",
    ]


# ---------------------------------------------------------------- language id

@pytest.mark.parametrize(
    "text, expected",
    [
        ("The city council approved a new tram line on Tuesday, the mayor said. Critics argue that the route ignores the poorest districts of the city.", "en"),
        ("Der Stadtrat hat am Dienstag eine neue Straßenbahnlinie genehmigt, sagte der Bürgermeister. Kritiker sagen, die Strecke übergehe die ärmsten Viertel.", "de"),
        ("Le conseil municipal a approuvé mardi une nouvelle ligne de tramway, a déclaré le maire. Les critiques estiment que le tracé ignore les quartiers pauvres.", "fr"),
        ("El ayuntamiento aprobó el martes una nueva línea de tranvía, dijo el alcalde. Los críticos dicen que la ruta ignora los barrios más pobres de la ciudad.", "unsupported:es"),
        ("Il consiglio comunale ha approvato martedì una nuova linea del tram, ha detto il sindaco. I critici dicono che il percorso ignora i quartieri più poveri.", "unsupported:it"),
        ("A câmara municipal aprovou na terça-feira uma nova linha de elétrico, disse o presidente. Os críticos dizem que o traçado ignora os bairros mais pobres.", "unsupported:pt"),
        ("De gemeenteraad heeft dinsdag een nieuwe tramlijn goedgekeurd, zei de burgemeester. Critici zeggen dat de route de armste wijken van de stad negeert.", "unsupported:nl"),
        ("Городской совет во вторник одобрил новую трамвайную линию, сообщил мэр.", "unsupported:ru"),
        ("OK", "unknown"),
        ("12345 !!! 678", "unknown"),
        ("🎉🎉🎉 🚀", "unknown"),
        ("", "unknown"),
        ("   ", "unknown"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_detect_language_reads_the_middle_and_end_of_long_texts():
    english = "The council approved the new tram line after a long debate on Tuesday. " * 30
    french = "Le conseil a approuvé la nouvelle ligne de tramway après un long débat mardi. " * 60
    assert detect_language(english + french) == "fr"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The minister said the plan would cost billions over the next decade.", "en"),
        ("Der Minister sagte, der Plan werde Milliarden kosten.", "de"),
        ("Le ministre a dit que le plan coûterait des milliards.", "fr"),
        ("La empresa dijo que apelaría la decisión la próxima semana.", "unsupported:es"),
        ("!!", "unknown"),
    ],
)
def test_detect_sentence_language(text, expected):
    assert detect_sentence_language(text) == expected


def test_sentences_table_finds_a_foreign_sentence_inside_an_article():
    french = (
        "Le gouvernement a présenté mardi un nouveau plan pour le logement. "
        "The minister said the plan would cost billions of euros over the next decade. "
        "Les syndicats ont critiqué le calendrier du projet. "
        "La empresa dijo que apelaría la decisión la próxima semana. "
        "Meta, AWS, Nvidia et Groq."
    )
    articles = pd.DataFrame({"article_id": ["a"], "text": [french], "language": ["fr"], "title": [""]})
    table = sentences_table(articles)
    assert list(table.columns) == list(SENTENCE_COLUMNS)
    assert table["language"].tolist() == ["fr", "en", "fr", "unsupported:es", "fr"]
    assert table["sent_id"].tolist() == [0, 1, 2, 3, 4]
    assert all(french[row.start:row.end] == row.text for row in table.itertuples())


def test_sentences_table_detects_a_missing_language_and_handles_empty_text():
    articles = pd.DataFrame({
        "article_id": ["de", "empty"],
        "text": ["Der Stadtrat hat am Dienstag die neue Linie genehmigt. Die Kritiker schweigen nicht.", "  "],
    })
    table = sentences_table(articles)
    assert table["article_id"].tolist() == ["de", "de"]
    assert set(table["language"]) == {"de"}
    empty = sentences_table(articles.iloc[0:0])
    assert empty.empty and list(empty.columns) == list(SENTENCE_COLUMNS)


def test_detect_articles_fills_only_empty_languages_and_normalises_given_ones():
    articles = pd.DataFrame({
        "article_id": ["a", "b", "c", "d"],
        "text": [
            "Der Stadtrat hat am Dienstag die neue Linie genehmigt, sagte der Bürgermeister am Abend.",
            "whatever text",
            "whatever text",
            "texto",
        ],
        "language": ["", "EN", "French", "es"],
    })
    before = articles.copy()
    detected = detect_articles(articles)
    pd.testing.assert_frame_equal(articles, before)
    assert detected["language"].tolist() == ["de", "en", "fr", "unsupported:es"]


@pytest.mark.parametrize(
    "value, expected",
    [("en", "en"), ("de-AT", "de"), ("fr_CA", "fr"), ("Deutsch", "de"), ("it", "unsupported:it"),
     ("unsupported:pl", "unsupported:pl"), ("unknown", "unknown"), ("", ""), (None, ""), (float("nan"), "")],
)
def test_normalise_language(value, expected):
    assert normalise_language(value) == expected


# ---------------------------------------------------------------- tokens and lemmas

@pytest.mark.parametrize(
    "text, expected",
    [
        ("L'accord qu'il a signé", ["L'", "accord", "qu'", "il", "a", "signé"]),
        ("The U.S. firm's $1.5 billion deal", ["The", "U.S.", "firm's", "1.5", "billion", "deal"]),
        ("z.B. 60.000 Euro für KI-Modelle", ["z.B.", "60.000", "Euro", "für", "KI-Modelle"]),
        ("isn’t it, Q2 2023?", ["isn’t", "it", "Q2", "2023"]),
        ("aujourd'hui, 3e édition", ["aujourd'hui", "3e", "édition"]),
        ("🎉 — !!", []),
    ],
)
def test_tokenize(text, expected):
    tokens = tokenize(text)
    assert [token for _, _, token in tokens] == expected
    assert all(text[start:end] == token for start, end, token in tokens)


@pytest.mark.parametrize(
    "word, language, expected",
    [("companies", "en", "company"), ("Anwälten", "de", "Anwalt"), ("était", "fr", "être"), ("casas", "unsupported:es", "casas")],
)
def test_lemmatize(word, language, expected):
    assert lemmatize(word, language) == expected


@pytest.mark.parametrize("language", SUPPORTED)
@pytest.mark.parametrize("name", ["abbreviations", "sentence_starters", "function_words"])
def test_data_files_have_headers_and_no_duplicates(language, name):
    header, rows = read_data_file(language, name)
    assert {"what", "source", "licence", "built"} <= set(header)
    entries = [row[0] for row in rows]
    assert len(entries) == len(set(entries))
    if name == "abbreviations":
        assert all(row[1] in ("prefix", "number", "ambiguous") and row[0].endswith(".") for row in rows)


def test_function_word_lists_are_disjoint():
    lists = {language: {row[0] for row in read_data_file(language, "function_words")[1]} for language in SUPPORTED}
    assert not lists["en"] & lists["de"] and not lists["en"] & lists["fr"] and not lists["de"] & lists["fr"]
