"""Claim units: table-driven tests on hand-written sentences (none taken from the seeds).

Every expected value below was worked out by hand from the sentence; published date for
relative dates is 2025-06-10 (a Tuesday).
"""

from __future__ import annotations

import pandas as pd
import pytest

from spin.claims import (
    CLAIM_COLUMNS,
    TABLE_COLUMNS,
    anchor_differences,
    anchors,
    anchors_match,
    claims_table,
    entity_families,
    extract_claims,
    find_attributions,
    find_certainty,
    find_dates,
    find_entities,
    find_negations,
    find_numbers,
    find_quotes,
    merge_entity_variants,
    parse_number,
    same_entity,
)
from spin.resources import read_data_file

PUBLISHED = "2025-06-10"

# ----------------------------------------------------------------------------------- numbers

NUMBERS = {
    "en": [
        ("The deal is worth $1.5 billion.", ["num:1.5e9:USD"]),
        ("They expect $1.5 billion to $2 billion in sales.", ["num:1.5e9-2e9:USD"]),
        ("The plan costs $60-80 billion.", ["num:6e10-8e10:USD"]),
        ("Between 1.5 and 2 million people watched.", ["num:1.5e6-2e6"]),
        ("About 25% of voters stayed home.", ["num:25:%"]),
        ("Unemployment fell 0.3 percentage points.", ["num:0.3:pp"]),
        ("Thousands of gigabytes were copied.", ["num:~1000:GB"]),
        ("Hundreds of thousands of people marched.", ["num:~100000"]),
        ("Profits roughly doubled.", ["mult:2"]),
        ("Sales tripled.", ["mult:3"]),
        ("She finished third.", ["ord:3"]),
        ("It was his 21st title.", ["ord:21"]),
        ("The firm employs 12,500 people.", ["num:12500"]),
        ("The rate is 3.75 percent.", ["num:3.75:%"]),
        ("Twenty-two people were hurt.", ["num:22"]),
        ("The bill got one hundred and five votes.", ["num:105"]),
        ("The parcel weighs 40 kg.", ["num:40:kg"]),
        ("A 24-year-old driver was arrested.", ["num:24:yr"]),
        ("The club paid £250m for him.", ["num:2.5e8:GBP"]),
        ("The fund holds €3bn.", ["num:3e9:EUR"]),
        ("Traffic saw a tenfold increase.", ["mult:10"]),
        ("The score was 2-0.", ["num:2", "num:0"]),
        ("The vote starts at 3 p.m.", ["num:15:time"]),
        ("There were more than 272,000 infections.", ["num:272000"]),
        ("Nearly 9 million people were affected.", ["num:9e6"]),
        ("Dozens of lawsuits followed.", ["num:~10"]),
        ("Prices saw a 5-fold rise.", ["mult:5"]),
        ("Each session lasts 10 to 20 minutes.", ["num:10-20:min"]),
        ("The plant delivers 7.1 gigawatts.", ["num:7.1:GW"]),
        ("Debt reached US$4.2 trillion.", ["num:4.2e12:USD"]),
        ("The app has 1,000,000 users.", ["num:1e6"]),
        ("Estimates range from sixty to eighty billion dollars.", ["num:6e10-8e10:USD"]),
        ("He is one of the best.", []),
        ("Half of the staff left.", ["num:0.5"]),
        ("Two thirds of voters agreed.", ["num:0.666667"]),
    ],
    "de": [
        ("Der Deal ist 1,5 Milliarden Dollar wert.", ["num:1.5e9:USD"]),
        ("Erwartet werden zwischen 1,5 und 2 Milliarden Dollar.", ["num:1.5e9-2e9:USD"]),
        ("Es geht um sechzig bis achtzig Milliarden Euro.", ["num:6e10-8e10:EUR"]),
        ("Rund 25 Prozent der Wähler blieben zu Hause.", ["num:25:%"]),
        ("Die Quote sank um 0,3 Prozentpunkte.", ["num:0.3:pp"]),
        ("Tausende Gigabyte wurden kopiert.", ["num:~1000:GB"]),
        ("Hunderttausende Menschen demonstrierten.", ["num:~100000"]),
        ("Der Gewinn hat sich verdreifacht.", ["mult:3"]),
        ("Die Kosten haben sich verdoppelt.", ["mult:2"]),
        ("Sie wurde Dritte.", ["ord:3"]),
        ("Er gewann zum 21. Mal.", ["ord:21"]),
        ("Die Firma hat 12.500 Beschäftigte.", ["num:12500"]),
        ("Der Zins liegt bei 3,75 Prozent.", ["num:3.75:%"]),
        ("Zweiundzwanzig Menschen wurden verletzt.", ["num:22"]),
        ("Das Gesetz erhielt dreihundertfünf Stimmen.", ["num:305"]),
        ("Das Paket wiegt 40 Kilogramm.", ["num:40:kg"]),
        ("Ein 24-jähriger Fahrer wurde festgenommen.", ["num:24:yr"]),
        ("Der Verein zahlte 250 Mio. Pfund.", ["num:2.5e8:GBP"]),
        ("Der Fonds hält 3 Mrd. €.", ["num:3e9:EUR"]),
        ("Der Verkehr stieg um das Zehnfache.", ["mult:10"]),
        ("Das Spiel endete 2:0.", ["num:2", "num:0"]),
        ("Die Abstimmung beginnt um 15 Uhr.", ["num:15:time"]),
        ("Es gab mehr als 272.000 Infektionen.", ["num:272000"]),
        ("Knapp 9 Millionen Menschen sind betroffen.", ["num:9e6"]),
        ("Dutzende Klagen folgten.", ["num:~10"]),
        ("Jede Sitzung dauert 10 bis 20 Minuten.", ["num:10-20:min"]),
        ("Das Kraftwerk liefert 7,1 Gigawatt.", ["num:7.1:GW"]),
        ("Die Schulden erreichten 4,2 Billionen US-Dollar.", ["num:4.2e12:USD"]),
        ("Die App hat 1.000.000 Nutzer.", ["num:1e6"]),
        ("Er spendete eine Million Euro.", ["num:1e6:EUR"]),
        ("Er ist einer der Besten.", []),
        ("Die Miete stieg um fünf Prozent.", ["num:5:%"]),
        ("Die Hälfte der Belegschaft ging.", ["num:0.5"]),
        ("Zwei Drittel der Wähler stimmten zu.", ["num:0.666667"]),
    ],
    "fr": [
        ("L'accord vaut 1,5 milliard de dollars.", ["num:1.5e9:USD"]),
        ("Ils attendent de 1,5 à 2 milliards de dollars.", ["num:1.5e9-2e9:USD"]),
        ("Entre 1,5 et 2 millions de personnes ont regardé.", ["num:1.5e6-2e6"]),
        ("Environ 25 % des électeurs sont restés chez eux.", ["num:25:%"]),
        ("Le chômage a baissé de 0,3 point de pourcentage.", ["num:0.3:pp"]),
        ("Des milliers de gigaoctets ont été copiés.", ["num:~1000:GB"]),
        ("Des centaines de milliers de manifestants ont défilé.", ["num:~100000"]),
        ("Les bénéfices ont doublé.", ["mult:2"]),
        ("Les ventes ont triplé.", ["mult:3"]),
        ("Elle a terminé troisième.", ["ord:3"]),
        ("C'est son 21e titre.", ["ord:21"]),
        ("La société emploie 12 500 salariés.", ["num:12500"]),
        ("Le taux est de 3,75 pour cent.", ["num:3.75:%"]),
        ("Vingt-deux personnes ont été blessées.", ["num:22"]),
        ("Le texte a obtenu quatre-vingt-dix-sept voix.", ["num:97"]),
        ("Le colis pèse 40 kilogrammes.", ["num:40:kg"]),
        ("Un conducteur de 24 ans a été arrêté.", ["num:24:yr"]),
        ("Le club a payé 250 millions de livres.", ["num:2.5e8:GBP"]),
        ("Le fonds détient 3 milliards d'euros.", ["num:3e9:EUR"]),
        ("Le score était de 2-0.", ["num:2", "num:0"]),
        ("Le vote commence à 15 h 30.", ["num:15.5:time"]),
        ("Il y a eu plus de 272 000 infections.", ["num:272000"]),
        ("Près de 9 millions de personnes sont touchées.", ["num:9e6"]),
        ("Des dizaines de plaintes ont suivi.", ["num:~10"]),
        ("Chaque séance dure de 10 à 20 minutes.", ["num:10-20:min"]),
        ("La centrale fournit 7,1 gigawatts.", ["num:7.1:GW"]),
        ("La dette atteint 4 200 milliards de dollars.", ["num:4.2e12:USD"]),
        ("L'application compte 1 000 000 d'utilisateurs.", ["num:1e6"]),
        ("Il a donné un million d'euros.", ["num:1e6:EUR"]),
        ("C'est l'un des meilleurs.", []),
        ("On compte une vingtaine de morts.", ["num:20"]),
        ("Le loyer a augmenté de cinq pour cent.", ["num:5:%"]),
        ("Le trafic a été multiplié par dix fois plus vite.", ["mult:10"]),
        ("La moitié du personnel est partie.", ["num:0.5"]),
        ("Deux tiers des électeurs ont approuvé.", ["num:0.666667"]),
    ],
}


def _cases(table):
    return [pytest.param(language, text, expected, id=f"{language}-{k}") for language, rows in table.items()
            for k, (text, expected) in enumerate(rows)]


@pytest.mark.parametrize("language, text, expected", _cases(NUMBERS))
def test_numbers(language, text, expected):
    assert [n.key for n in find_numbers(text, language)] == expected


def test_number_fields_are_fully_normalised():
    (number,) = find_numbers("They expect $1.5 billion to $2 billion.", "en")
    assert (number.low, number.high, number.currency, number.scale, number.kind) == (1.5e9, 2e9, "USD", 1e9, "range")
    (approximate,) = find_numbers("Tausende Gigabyte", "de")
    assert (approximate.low, approximate.high, approximate.unit, approximate.approximate) == (1000, 10000, "GB", True)
    (modified,) = find_numbers("environ 25 %", "fr")
    assert modified.approximate and modified.kind == "percent" and modified.text == "environ 25 %"


@pytest.mark.parametrize("text, language, value", [
    ("1,234.5", "en", 1234.5), ("1.234,5", "de", 1234.5), ("1 234,5", "fr", 1234.5),
    ("272.000", "de", 272000), ("272,000", "en", 272000), ("3,5", "de", 3.5), ("1.5", "de", 1.5),
    ("1\u202f000", "fr", 1000), ("12", "en", 12),
])
def test_parse_number_locales(text, language, value):
    assert parse_number(text, language) == value


# ----------------------------------------------------------------------------------- dates

DATES = {
    "en": [
        ("It opened on 6 February 2025.", ["date:2025-02-06"]),
        ("It opened on February 6, 2025.", ["date:2025-02-06"]),
        ("Sales fell in March 2024.", ["date:2024-03"]),
        ("The law passed last March.", ["date:2025-03"]),
        ("The law takes effect next March.", ["date:2026-03"]),
        ("Revenue grew in Q2 2023.", ["date:2023-Q2"]),
        ("Revenue grew in the second quarter of 2023.", ["date:2023-Q2"]),
        ("Costs rose in the first half of 2024.", ["date:2024-H1"]),
        ("The minister resigned yesterday.", ["date:2025-06-09"]),
        ("The court rules tomorrow.", ["date:2025-06-11"]),
        ("Exports dropped last year.", ["date:2024"]),
        ("Exports will recover this year.", ["date:2025"]),
        ("Prices jumped last month.", ["date:2025-05"]),
        ("The firm was founded in 2019.", ["date:2019"]),
        ("She has lived there since 1998.", ["date:1998"]),
        ("He served from 1977 to 1981.", ["date:1977", "date:1981"]),
        ("The 2019-2020 season was cut short.", ["date:2019", "date:2020"]),
        ("The filing is dated 2025-03-06.", ["date:2025-03-06"]),
        ("The band was big in the 1980s.", ["date:1980s"]),
        ("The office opens on March 1st.", ["date:--03-01"]),
        ("The office opens on the first of May.", ["date:--05-01"]),
        ("The vote is in May.", ["date:--05"]),
        ("She may come later.", []),
        ("In May 2020 the plant closed.", ["date:2020-05"]),
        ("The strike began on Monday.", ["date:2025-06-09"]),
        ("The strike began last Friday.", ["date:2025-06-06"]),
        ("Margins shrank last quarter.", ["date:2025-Q1"]),
        ("Rates will fall next year.", ["date:2026"]),
        ("The deadline is 12/25/2024.", ["date:2024-12-25"]),
        ("Results for Q4/2022 were weak.", ["date:2022-Q4"]),
        ("Growth slowed in early 2021.", ["date:2021"]),
    ],
    "de": [
        ("Es öffnete am 6. Februar 2025.", ["date:2025-02-06"]),
        ("Es öffnete am 6.2.2025.", ["date:2025-02-06"]),
        ("Der Umsatz fiel im März 2024.", ["date:2024-03"]),
        ("Das Gesetz wurde im vergangenen März beschlossen.", ["date:2025-03"]),
        ("Das Gesetz gilt ab dem kommenden März.", ["date:2026-03"]),
        ("Der Umsatz wuchs im zweiten Quartal 2023.", ["date:2023-Q2"]),
        ("Der Umsatz wuchs im 2. Quartal 2023.", ["date:2023-Q2"]),
        ("Die Kosten stiegen im ersten Halbjahr 2024.", ["date:2024-H1"]),
        ("Die Ministerin trat gestern zurück.", ["date:2025-06-09"]),
        ("Das Gericht entscheidet morgen.", ["date:2025-06-11"]),
        ("Am Morgen regnete es.", []),
        ("Die Exporte sanken im vergangenen Jahr.", ["date:2024"]),
        ("Die Exporte erholen sich in diesem Jahr.", ["date:2025"]),
        ("Die Preise sprangen im letzten Monat.", ["date:2025-05"]),
        ("Die Firma wurde im Jahr 2019 gegründet.", ["date:2019"]),
        ("Sie lebt dort seit 1998.", ["date:1998"]),
        ("Er diente von 1977 bis 1981.", ["date:1977", "date:1981"]),
        ("Die Saison 2019/20 wurde abgebrochen.", ["date:2019", "date:2020"]),
        ("Die Band war in den 80er Jahren bekannt.", ["date:1980s"]),
        ("Das Büro öffnet am ersten März.", ["date:--03-01"]),
        ("Die Wahl ist im Mai.", ["date:--05"]),
        ("Der Umsatz wuchs in Q2 2023.", ["date:2023-Q2"]),
        ("Der Streik begann am Montag.", ["date:2025-06-09"]),
        ("Der Streik begann am vergangenen Freitag.", ["date:2025-06-06"]),
        ("Der Gewinn lag über dem Vorjahr.", ["date:2024"]),
        ("Die Zinsen sinken im nächsten Jahr.", ["date:2026"]),
        ("Die Regel gilt zum 1. Januar 2024.", ["date:2024-01-01"]),
        ("Die Preise lagen unter dem Vormonat.", ["date:2025-05"]),
        ("Das Wachstum stockte Anfang 2021.", ["date:2021"]),
        ("Der Feiertag fällt auf den 3. Oktober.", ["date:--10-03"]),
        ("Die Entscheidung fällt heute.", ["date:2025-06-10"]),
    ],
    "fr": [
        ("Il a ouvert le 6 février 2025.", ["date:2025-02-06"]),
        ("Il a ouvert le 1er mars 2024.", ["date:2024-03-01"]),
        ("Les ventes ont chuté en mars 2024.", ["date:2024-03"]),
        ("La loi a été votée en mars dernier.", ["date:2025-03"]),
        ("La loi entre en vigueur en mars prochain.", ["date:2026-03"]),
        ("Le chiffre d'affaires a progressé au deuxième trimestre 2023.", ["date:2023-Q2"]),
        ("Le chiffre d'affaires a progressé au 2e trimestre 2023.", ["date:2023-Q2"]),
        ("Les coûts ont augmenté au premier semestre 2024.", ["date:2024-H1"]),
        ("La ministre a démissionné hier.", ["date:2025-06-09"]),
        ("Le tribunal tranche demain.", ["date:2025-06-11"]),
        ("Les exportations ont reculé l'année dernière.", ["date:2024"]),
        ("Les exportations repartent cette année.", ["date:2025"]),
        ("Les prix ont bondi le mois dernier.", ["date:2025-05"]),
        ("La société a été fondée en 2019.", ["date:2019"]),
        ("Elle y vit depuis 1998.", ["date:1998"]),
        ("Il a servi de 1977 à 1981.", ["date:1977", "date:1981"]),
        ("La saison 2019-2020 a été écourtée.", ["date:2019", "date:2020"]),
        ("Le groupe était connu dans les années 1980.", ["date:1980s"]),
        ("Le délai expire le 6/2/2025.", ["date:2025-02-06"]),
        ("Le vote a lieu en mai.", ["date:--05"]),
        ("Le chiffre d'affaires a progressé au T2 2023.", ["date:2023-Q2"]),
        ("La grève a commencé lundi.", ["date:2025-06-09"]),
        ("Les taux baisseront l'an prochain.", ["date:2026"]),
        ("Les taux ont baissé l'an dernier.", ["date:2024"]),
        ("La décision tombe aujourd'hui.", ["date:2025-06-10"]),
        ("Les marges ont reculé le trimestre dernier.", ["date:2025-Q1"]),
        ("Le chantier a repris la semaine dernière.", ["date:2025-W23"]),
        ("La croissance a ralenti fin 2021.", ["date:2021"]),
        ("Le défilé a lieu le 14 juillet.", ["date:--07-14"]),
        ("Elle chante Life on Mars de Bowie.", []),
        ("Le site a fermé en septembre 2022.", ["date:2022-09"]),
    ],
}


@pytest.mark.parametrize("language, text, expected", _cases(DATES))
def test_dates(language, text, expected):
    assert [d.key for d in find_dates(text, language, published=PUBLISHED)] == expected


@pytest.mark.parametrize("language, text, key", [
    ("en", "The law passed last March.", "date:--03"),
    ("de", "Das Gesetz wurde im vergangenen März beschlossen.", "date:--03"),
    ("fr", "La loi a été votée en mars dernier.", "date:--03"),
    ("en", "Exports dropped last year.", "date:rel:last:y"),
])
def test_relative_dates_without_a_publication_date_stay_unresolved(language, text, key):
    (date,) = find_dates(text, language)
    assert date.key == key and date.resolved is None


def test_years_in_numbers_are_not_counted_twice():
    text = "In 2020 the firm made $5 million."
    assert [d.key for d in find_dates(text, "en")] == ["date:2020"]
    assert [n.key for n in find_numbers(text, "en")] == ["num:5e6:USD"]


# ----------------------------------------------------------------------------------- entities

ENTITIES = {
    "en": [
        ("Yesterday Mark Zuckerberg spoke.", ["mark zuckerberg"]),
        ("Critics attacked Zuckerberg’s company.", ["zuckerberg"]),
        ("The story was first told by REUTERS today.", ["reuters"]),
        ("The claim rests on Reuters’ sources.", ["reuters"]),
        ("Investors sold Siemens’ shares.", ["siemens"]),
        ("It was signed by US President Donald Trump.", ["united states", "donald trump"]),
        ("Prices fell in Germany.", ["germany"]),
        ("The rules come from the European Union.", ["european union"]),
        ("The loan came from Bank of America.", ["bank of america"]),
        ("The speech was given by Ursula von der Leyen.", ["ursula von der leyen"]),
        ("Shares of Apple and Google rose.", ["apple", "google"]),
        ("The company declined to comment.", []),
        ("However, it rained.", []),
        ("French voters went to the polls.", []),
        ("The vote was on Monday.", []),
        ("Results in Q2 were weak.", []),
        ("The model was built by OpenAI.", ["openai"]),
        ("She bought an iPhone.", ["iphone"]),
        ("Rents rose in New York.", ["new york"]),
        ("The envoy flew to Moscow.", ["moscow"]),
        ("The plan was backed by Prime Minister Keir Starmer.", ["keir starmer"]),
        ("The study was led by Dr. Jane Goodall.", ["jane goodall"]),
        ("Imports to the U.S. fell.", ["united states"]),
        ("Shares of Procter & Gamble slipped.", ["procter & gamble"]),
        ("Investors cheered Elon Musk's Tesla.", ["elon musk", "tesla"]),
        ("Amazon said it would hire.", ["amazon"]),
        ("I think it is late.", []),
        ("The probe was launched by NASA.", ["nasa"]),
        ("The film was made by Warner Brothers.", ["warner brothers"]),
        ("The speech was given by Angela Merkel.", ["angela merkel"]),
        ("Traffic stopped in São Paulo.", ["sao paulo"]),
        ("The team landed in Kenya.", ["kenya"]),
    ],
    "de": [
        ("Gestern sprach Mark Zuckerberg.", ["mark zuckerberg"]),
        ("Das meldete REUTERS am Abend.", ["reuters"]),
        ("Anleger verkauften Siemens’ Aktien.", ["siemens"]),
        ("Unterzeichnet hat US-Präsident Donald Trump.", ["united states", "donald trump"]),
        ("Die Preise fielen in Deutschland.", ["germany"]),
        ("Die Regeln kommen von der Europäischen Union.", ["european union"]),
        ("Die Rede hielt Ursula von der Leyen.", ["ursula von der leyen"]),
        ("Die Aktien von Apple und Google stiegen.", ["apple", "google"]),
        ("Die Regierung schwieg.", []),
        ("Das Unternehmen wollte sich nicht äußern.", []),
        ("Die Stadt wächst.", []),
        ("Der Gesandte flog nach Moskau.", ["moscow"]),
        ("Die Konferenz fand in Wien statt.", ["vienna"]),
        ("Den Plan unterstützt Bundeskanzler Olaf Scholz.", ["olaf scholz"]),
        ("Das Kind liegt in der Wiener Kinderklinik.", ["vienna"]),
        ("Die EU-Kommission prüft den Fall.", ["european union"]),
        ("Die Wahl war am Montag.", []),
        ("Den Kredit gab die Deutsche Bank.", ["deutsche bank"]),
        ("Das Modell stammt von OpenAI.", ["openai"]),
        ("Die Mieten stiegen in New York.", ["new york"]),
        ("Die Rede hielt Frau Merkel.", ["merkel"]),
        ("Der Täter floh nach Schweden.", ["sweden"]),
        ("Es kam zu Plünderungen in den Straßen Bischkeks.", ["bishkek"]),
        ("Das Gerät entwarf Steve Jobs.", ["steve jobs"]),
        ("Die Nachricht verbreitete sich auf Twitter.", ["twitter"]),
        ("Der Verkehr stand in São Paulo still.", ["sao paulo"]),
        ("Die Sonde startete die NASA.", ["nasa"]),
        ("Den Film drehte Warner Brothers.", ["warner brothers"]),
        ("Er erlitt Wunden am Kiefer.", []),
        ("Sie sagte nichts.", []),
        ("Das sagte Zuckerberg.", ["zuckerberg"]),
        ("Die Ursache ist eine Entzündung der Leber.", []),
    ],
    "fr": [
        ("Hier, Mark Zuckerberg a parlé.", ["mark zuckerberg"]),
        ("L'information vient de REUTERS.", ["reuters"]),
        ("Le texte a été signé par le président américain Donald Trump.", ["donald trump"]),
        ("Les prix ont baissé en Allemagne.", ["germany"]),
        ("Les règles viennent des États-Unis.", ["united states"]),
        ("L'envoyé s'est rendu à Moscou.", ["moscow"]),
        ("La conférence a eu lieu à Londres.", ["london"]),
        ("Le discours a été prononcé par Emmanuel Macron.", ["emmanuel macron"]),
        ("Le prêt vient de la Banque de France.", ["banque de france"]),
        ("L'aéroport porte le nom de Charles de Gaulle.", ["charles de gaulle"]),
        ("Les actions d'Apple et Google ont monté.", ["apple", "google"]),
        ("Le gouvernement s'est tu.", []),
        ("Cependant, il a plu.", []),
        ("Les Français ont voté.", []),
        ("Le vote a eu lieu lundi.", []),
        ("Selon l'AFP, le bilan s'alourdit.", ["afp"]),
        ("Le sommet de l'OTAN s'ouvre.", ["nato"]),
        ("Les loyers ont augmenté à New York.", ["new york"]),
        ("Le discours a été prononcé par Jean-Luc Mélenchon.", ["jean-luc melenchon"]),
        ("Le maire a reçu M. Dupont.", ["dupont"]),
        ("La réforme est portée par la ministre Élisabeth Borne.", ["elisabeth borne"]),
        ("Le modèle a été conçu par OpenAI.", ["openai"]),
        ("La circulation est bloquée à São Paulo.", ["sao paulo"]),
        ("C'est une bonne occasion.", []),
        ("Le rapport de l'ONU est paru.", ["united nations"]),
        ("Amazon a annoncé des embauches.", ["amazon"]),
        ("Le film a été produit par Warner Brothers.", ["warner brothers"]),
        ("Les prix ont augmenté au Royaume-Uni.", ["united kingdom"]),
        ("Le discours a été prononcé par Angela Merkel.", ["angela merkel"]),
        ("La sonde a été lancée par la NASA.", ["nasa"]),
        ("La nouvelle a circulé sur Twitter.", ["twitter"]),
        ("Les scientifiques ont conclu.", []),
    ],
}


@pytest.mark.parametrize("language, text, expected", _cases(ENTITIES))
def test_entities(language, text, expected):
    assert [e.key for e in find_entities(text, language)] == expected


@pytest.mark.parametrize("language, text, kinds", [
    ("en", "It was signed by US President Donald Trump.", ["place", "person"]),
    ("en", "The probe was launched by NASA.", ["organisation"]),
    ("de", "Den Kredit gab die Deutsche Bank.", ["organisation"]),
    ("fr", "Le maire a reçu M. Dupont.", ["person"]),
])
def test_entity_kinds(language, text, kinds):
    assert [e.kind for e in find_entities(text, language)] == kinds


def test_entity_families_merge_variants_but_not_different_people():
    family = entity_families(["zuckerberg", "mark zuckerberg", "zuckerbergs", "mark zuckerberg", "meta"])
    assert family["zuckerberg"] == family["zuckerbergs"] == family["mark zuckerberg"] == "mark zuckerberg"
    assert family["meta"] == "meta"
    split = entity_families(["trump", "donald trump", "ivanka trump"])
    assert split["trump"] == "trump" and split["donald trump"] == "donald trump"


def test_merge_entity_variants_over_a_claims_table():
    articles = pd.DataFrame({
        "article_id": ["a", "b", "c"],
        "language": ["en", "de", "en"],
        "published": [None, None, None],
        "text": ["Mark Zuckerberg spoke on Friday.", "Zuckerbergs Firma wächst.", "ZUCKERBERG WAS THERE, said the report."],
    })
    mapping = merge_entity_variants(claims_table(articles))
    families = dict(zip(mapping["key"], mapping["family_key"]))
    assert families["zuckerberg"] == families["mark zuckerberg"] == "mark zuckerberg"
    assert families["zuckerbergs"] == "mark zuckerberg"
    assert list(mapping.columns) == ["key", "family_key", "mentions", "texts", "article_ids"]


@pytest.mark.parametrize("a, b, same", [
    ("trump", "donald trump", True), ("warner", "warner brothers", True), ("trumps", "trump", True),
    ("elisabeth ii", "elizabeth ii", True), ("iran", "tehsil naushera of iran", False),
    ("carey", "smith", False), ("chase carey", "chase smith", False),
])
def test_same_entity(a, b, same):
    assert same_entity(a, b) is same


# ----------------------------------------------------------------------------------- quotes

QUOTES = {
    "en": [
        ("“We will win,” she said.", ["We will win,"]),
        ("He called it 'a disaster' on air.", ["a disaster"]),
        ('The sign read "closed" all day.', ["closed"]),
        ("“He told me ‘no’ twice,” she said.", ["He told me ‘no’ twice,", "no"]),
        ("“It is over. We lost,” he said.", ["It is over. We lost,"]),
        ("Reuters’ report was short.", []),
        ("They don't know.", []),
        ("“This never closes.", []),
        ("“One,” he said, “two.”", ["One,", "two."]),
        ("“Trump’s plan,” he said, “is bad.”", ["Trump’s plan,", "is bad."]),
        ("The ‘new’ model is old.", ["new"]),
        ('She said "yes" and "no".', ["yes", "no"]),
        ("No quotes here at all.", []),
        ("The boys’ bikes were stolen.", []),
        ("“Wait”, he said.", ["Wait"]),
        ("It's the company's ‘best year’.", ["best year"]),
        ("“A ‘b’ c,” d.", ["A ‘b’ c,", "b"]),
        ("He wrote: “Enough.”", ["Enough."]),
        ("«Bonjour» is French.", ["Bonjour"]),
        ("“Yes!” she shouted.", ["Yes!"]),
        ("“Why?” he asked.", ["Why?"]),
        ("The term “AI” is vague.", ["AI"]),
        ("“First.”\n\n“Second.”", ["First.", "Second."]),
        ("'Tis the season.", []),
        ("Rock 'n' roll lives.", []),
        ("He said “fine” and left.", ["fine"]),
        ("“We are ‘very’ happy,” they said.", ["We are ‘very’ happy,", "very"]),
        ("The 1990s' music was loud.", []),
        ('"Go," he said. "Now."', ["Go,", "Now."]),
        ("Its ‘secret sauce’ is data.", ["secret sauce"]),
    ],
    "de": [
        ("„Wir schaffen das“, sagte sie.", ["Wir schaffen das"]),
        ("Er nannte es »ein Desaster«.", ["ein Desaster"]),
        ("Sie sprach von einer ‚einfachen‘ Lösung.", ["einfachen"]),
        ("„Er sagte ‚nein‘ zweimal“, sagte sie.", ["Er sagte ‚nein‘ zweimal", "nein"]),
        ("„Es ist vorbei. Wir haben verloren“, sagte er.", ["Es ist vorbei. Wir haben verloren"]),
        ("Das Schild zeigte «geschlossen».", ["geschlossen"]),
        ('Er sagte "ja" und ging.', ["ja"]),
        ("„Das endet nie.", []),
        ("„Eins“, sagte er, „zwei“.", ["Eins", "zwei"]),
        ("Keine Anführungszeichen hier.", []),
        ("Siemens’ Aktien fielen.", []),
        ("Er hat’s gesagt.", []),
        ("„Warte!“, rief er.", ["Warte!"]),
        ("Er schrieb: „Genug.“", ["Genug."]),
        ("Der Begriff „KI“ ist vage.", ["KI"]),
        ("„Erstens.“\n\n„Zweitens.“", ["Erstens.", "Zweitens."]),
        ("»Ja«, sagte sie, »gern«.", ["Ja", "gern"]),
        ("Sie nannte es „einen ‚guten‘ Tag“.", ["einen ‚guten‘ Tag", "guten"]),
        ("„Warum?“, fragte er.", ["Warum?"]),
        ("Das „neue“ Modell ist alt.", ["neue"]),
        ("„Wir sind ‚sehr‘ froh“, sagten sie.", ["Wir sind ‚sehr‘ froh", "sehr"]),
        ("Er sprach von „Fortschritt“ und „Wandel“.", ["Fortschritt", "Wandel"]),
        ("Das Motto lautet „Mehr Mut“.", ["Mehr Mut"]),
        ("„Nein“ – so einfach.", ["Nein"]),
        ("Die Zeitung „Die Zeit“ berichtet.", ["Die Zeit"]),
        ("„A“ und „B“.", ["A", "B"]),
        ("„Gut”, sagte er.", ["Gut"]),
        ("Das ist ‚geheim‘.", ["geheim"]),
        ("Der Ruf „Hilfe!“ kam spät.", ["Hilfe!"]),
        ("Max’ Auto ist rot.", []),
    ],
    "fr": [
        ("« Nous gagnerons », a-t-elle dit.", ["Nous gagnerons"]),
        ("Il a parlé d’un « désastre ».", ["désastre"]),
        ("Le panneau indiquait “fermé”.", ["fermé"]),
        ("« Il m’a dit “non” deux fois », dit-elle.", ["Il m’a dit “non” deux fois", "non"]),
        ("« C’est fini. Nous avons perdu », a-t-il dit.", ["C’est fini. Nous avons perdu"]),
        ("L’entreprise a refusé.", []),
        ("Aujourd’hui il pleut.", []),
        ("« Cela ne se ferme jamais.", []),
        ("« Un », dit-il, « deux ».", ["Un", "deux"]),
        ("Pas de guillemets ici.", []),
        ("«Sans espace» fonctionne aussi.", ["Sans espace"]),
        ('Il a dit "oui" puis est parti.', ["oui"]),
        ("« Attendez ! » a-t-il crié.", ["Attendez !"]),
        ("Il a écrit : « Assez. »", ["Assez."]),
        ("Le terme « IA » est flou.", ["IA"]),
        ("« Premier. »\n\n« Second. »", ["Premier.", "Second."]),
        ("« Pourquoi ? » a-t-il demandé.", ["Pourquoi ?"]),
        ("Le « nouveau » modèle est ancien.", ["nouveau"]),
        ("« Nous sommes “très” heureux », ont-ils dit.", ["Nous sommes “très” heureux", "très"]),
        ("Il a parlé de « progrès » et de « changement ».", ["progrès", "changement"]),
        ("La devise est « Liberté, égalité ».", ["Liberté, égalité"]),
        ("« Non » : c’est simple.", ["Non"]),
        ("Le journal « Le Monde » rapporte.", ["Le Monde"]),
        ("« A » et « B ».", ["A", "B"]),
        ("C’est ‘secret’.", ["secret"]),
        ("L’appel « Au secours ! » est arrivé tard.", ["Au secours !"]),
        ("Qu’il vienne.", []),
        ("Il l’a dit d’une voix « calme ».", ["calme"]),
        ("« Oui », répond-il, « bien sûr ».", ["Oui", "bien sûr"]),
        ("Selon lui, « rien n’a changé ».", ["rien n’a changé"]),
    ],
}


@pytest.mark.parametrize("language, text, expected", _cases(QUOTES))
def test_quotes(language, text, expected):
    found = find_quotes(text)
    assert [text[q.inner_start:q.inner_end] for q in found] == expected
    for quote in found:
        assert text[quote.start:quote.end] == quote.text and quote.start < quote.inner_start <= quote.inner_end < quote.end


# ----------------------------------------------------------------------------------- attribution

ATTRIBUTIONS = {
    "en": [
        ("“We won,” Smith said.", [("Smith", "said")]),
        ("“We won,” said Jane Smith.", [("Jane Smith", "said")]),
        ("Prices will rise, according to Reuters.", [("Reuters", "according to")]),
        ("A court filing shows the deal was larger.", [("A court filing", "shows")]),
        ("“It works,” he said.", [("he", "said")]),
        ("The company said profits fell.", [("The company", "said")]),
        ("A spokesperson said the plant was safe.", [("A spokesperson", "said")]),
        ("Smith told Reuters the plan had failed.", [("Smith", "told")]),
        ("Officials say the road is closed.", [("Officials", "say")]),
        ("“Enough,” said US President Joe Biden.", [("US President Joe Biden", "said")]),
        ("Police said two people died.", [("Police", "said")]),
        ("The report says costs doubled.", [("The report", "says")]),
        ("According to a new study, sleep matters.", [("a new study", "According to")]),
        ("Meta announced the deal on Monday.", [("Meta", "announced")]),
        ("Analysts estimate a loss.", [("Analysts", "estimate")]),
        ("Data shows a rise.", [("Data", "shows")]),
        ("She added that nothing changed.", [("She", "added")]),
        ("Zuckerberg wrote in a post that he agreed.", [("Zuckerberg", "wrote")]),
        ("The survey found broad support.", [("The survey", "found")]),
        ("They warned of delays.", [("They", "warned")]),
        ("Witnesses said the car sped away.", [("Witnesses", "said")]),
        ("Google has confirmed the outage.", [("Google", "confirmed")]),
        ("“No,” Merkel replied.", [("Merkel", "replied")]),
        ("Prosecutors alleged fraud.", [("Prosecutors", "alleged")]),
        ("Court records show the sale.", [("Court records", "show")]),
        ("Researchers reported a new strain.", [("Researchers", "reported")]),
        ("The ministry denied the claim.", [("The ministry", "denied")]),
        ("Apple declined to comment.", []),
        ("The weather was fine.", []),
        ("Prices rose, as reported by Bloomberg.", [("Bloomberg", "as reported by")]),
    ],
    "de": [
        ("„Wir haben gewonnen“, sagte Müller.", [("Müller", "sagte")]),
        ("„Wir haben gewonnen“, sagte Anna Schmidt.", [("Anna Schmidt", "sagte")]),
        ("Die Preise steigen laut Reuters.", [("Reuters", "laut")]),
        ("Die Preise steigen, so Reuters.", [("Reuters", "so")]),
        ("Dem Bericht zufolge stiegen die Kosten.", [("Dem Bericht", "zufolge")]),
        ("„Es funktioniert“, sagte er.", [("er", "sagte")]),
        ("Das Unternehmen teilte mit, der Gewinn sei gesunken.", [("Das Unternehmen", "teilte")]),
        ("Ein Sprecher sagte, die Anlage sei sicher.", [("Ein Sprecher", "sagte")]),
        ("Die Polizei berichtete von zwei Toten.", [("Die Polizei", "berichtete")]),
        ("„Genug“, sagte US-Präsident Joe Biden.", [("US-Präsident Joe Biden", "sagte")]),
        ("Die Studie zeigt einen Anstieg.", [("Die Studie", "zeigt")]),
        ("Laut einer neuen Studie ist Schlaf wichtig.", [("einer neuen Studie", "Laut")]),
        ("Meta kündigte den Deal am Montag an.", [("Meta", "kündigte")]),
        ("Analysten schätzen einen Verlust.", [("Analysten", "schätzen")]),
        ("Sie betonte, nichts habe sich geändert.", [("Sie", "betonte")]),
        ("Zuckerberg schrieb, er stimme zu.", [("Zuckerberg", "schrieb")]),
        ("Die Umfrage zeigt breite Zustimmung.", [("Die Umfrage", "zeigt")]),
        ("Sie warnten vor Verzögerungen.", [("Sie", "warnten")]),
        ("Zeugen berichten, das Auto sei davongerast.", [("Zeugen", "berichten")]),
        ("Google hat den Ausfall bestätigt.", [("Google", "bestätigt")]),
        ("„Nein“, erklärte Merkel.", [("Merkel", "erklärte")]),
        ("Nach Angaben der Polizei starben zwei Menschen.", [("Polizei", "Nach Angaben der")]),
        ("Wie die Behörde mitteilte, ist die Straße gesperrt.", [("die Behörde", "Wie")]),
        ("Die Daten zeigen einen Rückgang.", [("Die Daten", "zeigen")]),
        ("Das Ministerium dementierte den Bericht.", [("Das Ministerium", "dementierte")]),
        ("Forscher berichteten von einer neuen Variante.", [("Forscher", "berichteten")]),
        ("Apple wollte sich nicht äußern.", []),
        ("Das Wetter war gut.", []),
        ("Gemäß dem Urteil muss er zahlen.", [("dem Urteil", "Gemäß")]),
        ("Die Anwältin kritisierte das Urteil.", [("Die Anwältin", "kritisierte")]),
    ],
    "fr": [
        ("« Nous avons gagné », a déclaré Dupont.", [("Dupont", "déclaré")]),
        ("« Nous avons gagné », a déclaré Marie Dupont.", [("Marie Dupont", "déclaré")]),
        ("Les prix vont augmenter, selon Reuters.", [("Reuters", "selon")]),
        ("D'après l'AFP, le bilan s'alourdit.", [("AFP", "D'après")]),
        ("« Ça marche », a-t-il dit.", [("a-t-il", "dit")]),
        ("L'entreprise a indiqué que les bénéfices avaient baissé.", [("L'entreprise", "indiqué")]),
        ("Un porte-parole a affirmé que le site était sûr.", [("Un porte-parole", "affirmé")]),
        ("La police a annoncé deux morts.", [("La police", "annoncé")]),
        ("« Assez », a déclaré le président Emmanuel Macron.", [("président Emmanuel Macron", "déclaré")]),
        ("Le rapport montre une hausse des coûts.", [("Le rapport", "montre")]),
        ("Selon une nouvelle étude, le sommeil compte.", [("une nouvelle étude", "Selon")]),
        ("Meta a annoncé l'accord lundi.", [("Meta", "annoncé")]),
        ("Les analystes estiment une perte.", [("Les analystes", "estiment")]),
        ("Elle a ajouté que rien n'avait changé.", [("Elle", "ajouté")]),
        ("Zuckerberg a écrit qu'il était d'accord.", [("Zuckerberg", "écrit")]),
        ("Le sondage montre un large soutien.", [("Le sondage", "montre")]),
        ("Ils ont averti de retards.", [("Ils", "averti")]),
        ("Des témoins racontent que la voiture a filé.", [("Des témoins", "racontent")]),
        ("Google a confirmé la panne.", [("Google", "confirmé")]),
        ("« Non », a répondu Merkel.", [("Merkel", "répondu")]),
        ("Le parquet a confirmé l'ouverture d'une enquête.", [("Le parquet", "confirmé")]),
        ("Les données montrent un recul.", [("Les données", "montrent")]),
        ("Le ministère a démenti l'information.", [("Le ministère", "démenti")]),
        ("Des chercheurs ont révélé un nouveau variant.", [("Des chercheurs", "révélé")]),
        ("Apple n'a pas souhaité commenter.", []),
        ("Le temps était beau.", []),
        ("« C'est fini », estime Dupont.", [("Dupont", "estime")]),
        ("L'avocate a souligné l'urgence.", [("L'avocate", "souligné")]),
        ("Il a précisé que l'usine restait ouverte.", [("Il", "précisé")]),
        ("Selon des sources proches du dossier, l'accord est prêt.", [("des sources proches du dossier", "Selon")]),
    ],
}


@pytest.mark.parametrize("language, text, expected", _cases(ATTRIBUTIONS))
def test_attributions(language, text, expected):
    found = find_attributions(text, language)
    assert [(a.speaker, a.verb) for a in found] == expected
    for attribution in found:
        assert text[attribution.speaker_start:attribution.speaker_end] == attribution.speaker
        assert text[attribution.start:attribution.end] == attribution.text


# ----------------------------------------------------------------------------------- certainty

CERTAINTY = {
    "en": [
        ("The minister reportedly resigned.", [("reportedly", "hedge")]),
        ("He allegedly took bribes.", [("allegedly", "hedge")]),
        ("The fire was at least partly caused by wiring.", [("at least partly", "hedge")]),
        ("This is clearly wrong.", [("clearly", "booster")]),
        ("It is undoubtedly the largest.", [("undoubtedly", "booster")]),
        ("The plan may fail.", [("may", "hedge")]),
        ("Prices might rise.", [("might", "hedge")]),
        ("She is probably right.", [("probably", "hedge")]),
        ("The firm appears to be profitable.", [("appears to", "hedge")]),
        ("The suspect is said to be abroad.", [("is said to", "hedge")]),
        ("This is obviously false.", [("obviously", "booster")]),
        ("Of course it failed.", [("Of course", "booster")]),
        ("It is certainly true.", [("certainly", "booster")]),
        ("In fact, sales rose.", [("In fact", "booster")]),
        ("The result is possibly flawed.", [("possibly", "hedge")]),
        ("Perhaps it will rain.", [("Perhaps", "hedge")]),
        ("It seems to work.", [("seems to", "hedge")]),
        ("The deal is definitely off.", [("definitely", "booster")]),
        ("It was apparently stolen.", [("apparently", "hedge")]),
        ("It is likely to close.", [("likely", "hedge")]),
        ("The data proves the point.", [("proves", "booster")]),
        ("Profits fell.", []),
        ("It is arguably the best.", [("arguably", "hedge")]),
        ("The loss was partly offset.", [("partly", "hedge")]),
        ("The vote is expected to pass.", [("is expected to", "hedge")]),
        ("It was indeed a mistake.", [("indeed", "booster")]),
        ("The sale was unconfirmed.", [("unconfirmed", "hedge")]),
        ("This is absolutely vital.", [("absolutely", "booster")]),
        ("Without a doubt, he lied.", [("Without a doubt", "booster")]),
        ("He could resign, but he will clearly stay.", [("could", "hedge"), ("clearly", "booster")]),
    ],
    "de": [
        ("Der Minister ist angeblich zurückgetreten.", [("angeblich", "hedge")]),
        ("Er hat mutmaßlich Geld genommen.", [("mutmaßlich", "hedge")]),
        ("Das Feuer wurde zumindest teilweise durch Kabel verursacht.", [("zumindest teilweise", "hedge")]),
        ("Das ist zweifellos falsch.", [("zweifellos", "booster")]),
        ("Es ist eindeutig das größte.", [("eindeutig", "booster")]),
        ("Der Plan könnte scheitern.", [("könnte", "hedge")]),
        ("Sie hat vermutlich recht.", [("vermutlich", "hedge")]),
        ("Die Firma ist offenbar profitabel.", [("offenbar", "hedge")]),
        ("Der Verdächtige soll im Ausland sein.", [("soll", "hedge")]),
        ("Das ist natürlich falsch.", [("natürlich", "booster")]),
        ("Es ist sicherlich wahr.", [("sicherlich", "booster")]),
        ("Tatsächlich stieg der Umsatz.", [("Tatsächlich", "booster")]),
        ("Das Ergebnis ist möglicherweise fehlerhaft.", [("möglicherweise", "hedge")]),
        ("Vielleicht regnet es.", [("Vielleicht", "hedge")]),
        ("Es scheint zu funktionieren.", [("scheint", "hedge")]),
        ("Der Deal ist definitiv geplatzt.", [("definitiv", "booster")]),
        ("Es wurde anscheinend gestohlen.", [("anscheinend", "hedge")]),
        ("Es ist wahrscheinlich geschlossen.", [("wahrscheinlich", "hedge")]),
        ("Die Daten beweisen es.", []),
        ("Der Gewinn sank.", []),
        ("Der Verlust wurde teilweise ausgeglichen.", [("teilweise", "hedge")]),
        ("Es war in der Tat ein Fehler.", [("in der Tat", "booster")]),
        ("Der Verkauf ist unbestätigt.", [("unbestätigt", "hedge")]),
        ("Das ist absolut wichtig.", [("absolut", "booster")]),
        ("Ohne Zweifel hat er gelogen.", [("Ohne Zweifel", "booster")]),
        ("Er dürfte zurücktreten.", [("dürfte", "hedge")]),
        ("Die Zahl ist nachweislich falsch.", [("nachweislich", "booster")]),
        ("Es ist womöglich zu spät.", [("womöglich", "hedge")]),
        ("Er hat es wirklich getan.", [("wirklich", "booster")]),
        ("Er könnte gehen, bleibt aber zweifellos.", [("könnte", "hedge"), ("zweifellos", "booster")]),
    ],
    "fr": [
        ("Le ministre aurait démissionné.", [("aurait", "hedge")]),
        ("Il a prétendument touché des pots-de-vin.", [("prétendument", "hedge")]),
        ("Le feu a été au moins en partie causé par les câbles.", [("au moins en partie", "hedge")]),
        ("C'est clairement faux.", [("clairement", "booster")]),
        ("C'est bel et bien le plus grand.", [("bel et bien", "booster")]),
        ("Le plan pourrait échouer.", [("pourrait", "hedge")]),
        ("Elle a probablement raison.", [("probablement", "hedge")]),
        ("La société est apparemment rentable.", [("apparemment", "hedge")]),
        ("Selon certaines sources, il a fui.", [("Selon certaines sources", "hedge")]),
        ("C'est évidemment faux.", [("évidemment", "booster")]),
        ("C'est certainement vrai.", [("certainement", "booster")]),
        ("En effet, les ventes ont augmenté.", [("En effet", "booster")]),
        ("Peut-être qu'il pleuvra.", [("Peut-être", "hedge")]),
        ("Cela semble fonctionner.", [("semble", "hedge")]),
        ("Le résultat est sans doute faussé.", [("sans doute", "hedge")]),
        ("Il a vraisemblablement été volé.", [("vraisemblablement", "hedge")]),
        ("Les bénéfices ont baissé.", []),
        ("La perte a été partiellement compensée.", [("partiellement", "hedge")]),
        ("C'est absolument vital.", [("absolument", "booster")]),
        ("Sans aucun doute, il a menti.", [("Sans aucun doute", "booster")]),
        ("Il devrait démissionner.", [("devrait", "hedge")]),
        ("Le chiffre est manifestement faux.", [("manifestement", "booster")]),
        ("Le présumé coupable a fui.", [("présumé", "hedge")]),
        ("C'est vraiment important.", [("vraiment", "booster")]),
        ("Le vol n'est pas confirmé.", []),
        ("C'est incontestablement le meilleur.", [("incontestablement", "booster")]),
        ("De toute évidence, il ment.", [("De toute évidence", "booster")]),
        ("Les chiffres seraient faux.", [("seraient", "hedge")]),
        ("C'est potentiellement dangereux.", [("potentiellement", "hedge")]),
        ("Il pourrait partir, mais il reste clairement.", [("pourrait", "hedge"), ("clairement", "booster")]),
    ],
}


@pytest.mark.parametrize("language, text, expected", _cases(CERTAINTY))
def test_certainty(language, text, expected):
    assert [(c.text, c.kind) for c in find_certainty(text, language)] == expected


# ----------------------------------------------------------------------------------- negation

NEGATIONS = {
    "en": [
        ("The plan did not work.", ["not"]),
        ("They don't know.", ["n't"]),
        ("No one came.", ["No one"]),
        ("He never lied.", ["never"]),
        ("Nothing changed.", ["Nothing"]),
        ("Nobody was hurt.", ["Nobody"]),
        ("She cannot stay.", ["cannot"]),
        ("It works without power.", ["without"]),
        ("Neither side won.", ["Neither"]),
        ("He is no longer chief.", ["no longer"]),
        ("The plan worked.", []),
        ("It was ranked No. 1.", []),
        ("There is no proof.", ["no"]),
        ("It isn't true.", ["n't"]),
        ("None of them left.", ["None"]),
        ("They won't sign.", ["n't"]),
        ("It is not clear and never was.", ["not", "never"]),
        ("We had nowhere to go.", ["nowhere"]),
        ("He didn't say it.", ["n't"]),
        ("It was neither cheap nor fast.", ["neither", "nor"]),
        ("The firm has not paid.", ["not"]),
        ("Not all agree.", ["Not"]),
        ("Sales rose.", []),
        ("He wasn't there.", ["n't"]),
        ("Nothing was found.", ["Nothing"]),
        ("There was no reply.", ["no"]),
        ("She couldn't stay.", ["n't"]),
        ("The notice was posted.", []),
        ("We do not know.", ["not"]),
        ("They never came back.", ["never"]),
    ],
    "de": [
        ("Der Plan hat nicht funktioniert.", ["nicht"]),
        ("Es gibt keine Beweise.", ["keine"]),
        ("Niemand kam.", ["Niemand"]),
        ("Er hat nie gelogen.", ["nie"]),
        ("Nichts hat sich geändert.", ["Nichts"]),
        ("Er kam ohne Geld.", ["ohne"]),
        ("Weder Geld noch Zeit.", ["Weder"]),
        ("Er war niemals dort.", ["niemals"]),
        ("Das ist kein Problem.", ["kein"]),
        ("Der Plan hat funktioniert.", []),
        ("Sie hat keinen Vertrag.", ["keinen"]),
        ("Das stimmt keineswegs.", ["keineswegs"]),
        ("Er hat es noch nie gesehen.", ["noch nie"]),
        ("Das war nicht klar und nie so.", ["nicht", "nie"]),
        ("Es gibt keinerlei Hinweise.", []),
        ("Er ging nirgendwo hin.", ["nirgendwo"]),
        ("Sie gab keinem die Hand.", ["keinem"]),
        ("Der Umsatz stieg.", []),
        ("Nicht alle stimmen zu.", ["Nicht"]),
        ("Er hat niemanden gesehen.", ["niemanden"]),
        ("Es ist keinesfalls sicher.", ["keinesfalls"]),
        ("Die Firma hat nicht gezahlt.", ["nicht"]),
        ("Wir wissen es nicht.", ["nicht"]),
        ("Keiner hat geantwortet.", ["Keiner"]),
        ("Das Nichtstun kostet.", []),
        ("Es gab keines.", ["keines"]),
        ("Sie kamen nie zurück.", ["nie"]),
        ("Ohne Strom geht nichts.", ["Ohne", "nichts"]),
        ("Das Auto fuhr los.", []),
        ("Er hat nichts gesagt.", ["nichts"]),
    ],
    "fr": [
        ("Le plan n'a pas fonctionné.", ["n'a pas"]),
        ("Il ne ment jamais.", ["ne ment jamais"]),
        ("Personne n'est venu.", ["Personne n'"]),
        ("Rien n'a changé.", ["Rien n'"]),
        ("Il est parti sans argent.", ["sans"]),
        ("Il n'y a aucune preuve.", ["n'y a aucune"]),
        ("Elle ne travaille plus ici.", ["ne travaille plus"]),
        ("Ni argent ni temps.", ["Ni", "ni"]),
        ("Le plan a fonctionné.", []),
        ("Il y a plus de monde.", []),
        ("Ce n'est pas vrai.", ["n'est pas"]),
        ("Je ne sais pas.", ["ne sais pas"]),
        ("Jamais il n'a menti.", ["Jamais il n'"]),
        ("Il ne dit rien.", ["ne dit rien"]),
        ("Elle ne voit personne.", ["ne voit personne"]),
        ("Non, merci.", ["Non"]),
        ("Les ventes ont augmenté.", []),
        ("Ils ne sont guère contents.", ["ne sont guère"]),
        ("Il n'a nullement tort.", ["n'a nullement"]),
        ("La société n'a pas payé.", ["n'a pas"]),
        ("Pas tous sont d'accord.", ["Pas"]),
        ("Aucun n'a répondu.", ["Aucun n'"]),
        ("C'est une personne sérieuse.", []),
        ("Elle n'est plus là.", ["n'est plus"]),
        ("Il ne l'a jamais vu.", ["ne l'a jamais"]),
        ("On ne le sait pas encore.", ["ne le sait pas"]),
        ("Il a plus de temps.", []),
        ("Ils ne sont pas revenus.", ["ne sont pas"]),
        ("Sans courant, rien ne marche.", ["Sans", "rien ne"]),
        ("Il n'a rien dit.", ["n'a rien"]),
    ],
}


@pytest.mark.parametrize("language, text, expected", _cases(NEGATIONS))
def test_negations(language, text, expected):
    assert [c.text for c in find_negations(text, language)] == expected


# ----------------------------------------------------------------------------------- DEMETR sentences

# Parallel sentences from DEMETR (Karpinska et al. 2022, MIT licence): a source sentence and its
# correct English translation must share their anchors; the perturbed translation must not.
DEMETR = [
    ("de", "Bisher wurden in Spanien mehr als 272.000 Infektionen mit dem neuartigen Coronavirus und mehr als 28.000 Tote registriert.",
     "So far, more than 272,000 infections with the novel corona virus and more than 28,000 deaths have been registered in Spain.",
     "So far, more than 272,000 infections with the novel corona virus and more than 38,000 deaths have been registered in Spain."),
    ("de", "Das Filmstudio Warner Brothers nahm sie gleich für sieben Jahre unter Vertrag und brachte sie an der Seite von Eroll Flynn groß heraus.",
     "The film studio Warner Brothers signed her for seven years and made her big alongside Eroll Flynn.",
     "The film studio Warner Brothers signed her for nine years and made her big alongside Eroll Flynn."),
    ("fr", "La réforme des notaires génèrerait une demande d'indemnisation de l'ordre de 8 milliards d'euros.",
     "The reform of notaries would generate a claim for compensation of around 8 billion euros.",
     "The reform of notaries would generate a claim for compensation of around 9 billion euros."),
    ("fr", "Il y avait des périodes de 10 à 20 minutes où je ne pouvais pas voir l'éclipse à cause des nuages au-dessus de la banlieue de Melbourne.",
     "There were 10 to 20 minute periods when I couldn't see the eclipse due to the clouds over suburban Melbourne.",
     "There were 15 to 20 minute periods when I couldn't see the eclipse due to the clouds over suburban Melbourne."),
]


@pytest.mark.parametrize("language, source, correct, perturbed", DEMETR)
def test_demetr_anchors(language, source, correct, perturbed):
    assert anchor_differences(anchors(source, language), anchors(correct, "en"), source, correct, language, "en") == (frozenset(), frozenset())
    missing, extra = anchor_differences(anchors(source, language), anchors(perturbed, "en"), source, perturbed, language, "en")
    assert missing or extra


@pytest.mark.parametrize("a, b, same", [
    ("num:1.5e9:USD", "num:1.5e9:USD", True), ("num:6:in", "num:6", True), ("num:1976", "date:1976", True),
    ("ord:6", "num:6", True), ("num:2", "num:3", False), ("mult:2", "num:2", False),
    ("ent:trump", "ent:donald trump", True), ("num:5:EUR", "num:5:USD", False),
])
def test_anchors_match(a, b, same):
    assert anchors_match(a, b) is same


def test_anchors_are_language_independent():
    keys = [anchors(text, language) for language, text in (
        ("en", "Meta paid $1.5 billion in March 2024, Mark Zuckerberg said."),
        ("de", "Meta zahlte im März 2024 1,5 Milliarden Dollar, sagte Mark Zuckerberg."),
        ("fr", "Meta a payé 1,5 milliard de dollars en mars 2024, a déclaré Mark Zuckerberg."),
    )]
    assert keys[0] == keys[1] == keys[2] == {"num:1.5e9:USD", "date:2024-03", "ent:meta", "ent:mark zuckerberg"}


# ----------------------------------------------------------------------------------- tables and edge cases

EDGE_TEXTS = ["", "   ", "\n\t", "🎉🎉🔥", "Der CEO said «bonjour» to 3 Leute.", "١٢٣ ٤٥٦"]


@pytest.mark.parametrize("text", EDGE_TEXTS)
@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_edge_cases_never_fail(text, language):
    table = extract_claims(text, language)
    assert list(table.columns) == list(CLAIM_COLUMNS)
    if not text.strip():
        assert table.empty
    for finder in (find_numbers, find_entities, find_attributions, find_certainty, find_negations):
        for item in finder(text, language):
            assert text[item.start:item.end] == item.text
    assert isinstance(anchors(text, language), frozenset)


def test_every_finding_points_at_its_own_text():
    for table in (NUMBERS, DATES, ENTITIES, ATTRIBUTIONS, CERTAINTY, NEGATIONS):
        for language, rows in table.items():
            for text, _ in rows:
                for finder in (find_numbers, find_dates, find_entities, find_attributions, find_certainty, find_negations):
                    for item in finder(text, language):
                        assert text[item.start:item.end] == item.text, (finder.__name__, text)


def test_extract_claims_rows_and_cells():
    text = "Meta paid $1.5 billion last March, Reuters reported. It did not say why; analysts may disagree."
    table = extract_claims(text, "en", published="2025-06-10")
    assert list(table["sent_id"]) == [0, 1, 1]
    assert list(table["claim_id"]) == [0, 1, 2]
    first = table.iloc[0]
    assert [n["key"] for n in first["numbers"]] == ["num:1.5e9:USD"]
    assert [d["resolved"] for d in first["dates"]] == ["2025-03"]
    assert [e["key"] for e in first["entities"]] == ["meta", "reuters"]
    assert [(a["speaker"], a["verb"]) for a in first["attribution"]] == [("Reuters", "reported")]
    assert list(table["negated"]) == [False, True, False]
    assert [c["kind"] for c in table.iloc[2]["certainty"]] == ["hedge"]
    for row in table.itertuples():
        assert text[row.start:row.end] == row.text


def test_quotes_spanning_sentences_attach_to_each_claim():
    text = "„Wir bleiben. Wir kämpfen“, sagte sie."
    table = extract_claims(text, "de")
    assert len(table) >= 2
    assert all(len(cell) == 1 for cell in table["quotes"])


def test_claims_table_uses_sentences_and_skips_unsupported_languages():
    articles = pd.DataFrame({
        "article_id": ["a", "b"], "language": ["fr", "unsupported:es"], "published": ["2025-06-10", None],
        "text": ["Hier, Meta a payé 3 millions d'euros. Rien n'a changé.", "Hola, 3 millones."],
    })
    sentences = pd.DataFrame({
        "article_id": ["a", "a"], "sent_id": [0, 1], "start": [0, 38], "end": [37, 54],
        "text": ["Hier, Meta a payé 3 millions d'euros.", "Rien n'a changé."], "kind": ["body", "body"],
        "language": ["fr", "fr"],
    })
    table = claims_table(articles, sentences)
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert list(table["article_id"]) == ["a", "a"]
    assert [n["key"] for n in table.iloc[0]["numbers"]] == ["num:3e6:EUR"]
    assert [d["resolved"] for d in table.iloc[0]["dates"]] == ["2025-06-09"]
    assert list(table["negated"]) == [False, True]


def test_claims_table_of_nothing_has_the_columns():
    empty = claims_table(pd.DataFrame({"article_id": [], "language": [], "published": [], "text": []}))
    assert list(empty.columns) == list(TABLE_COLUMNS) and empty.empty


def test_unsupported_language_is_an_error():
    with pytest.raises(ValueError, match="unsupported language"):
        find_numbers("3 millones", "es")


CLAIM_LISTS = ("number_words", "ordinal_words", "scale_words", "approximate_words", "number_modifiers",
               "multiplier_words", "units", "currencies", "range_words", "date_words", "reporting_verbs",
               "attribution_markers", "source_nouns", "speaker_nouns", "hedges", "boosters", "negators",
               "titles", "organisation_words", "non_names", "aliases", "fractions")


@pytest.mark.parametrize("name", CLAIM_LISTS)
@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_word_lists_have_headers_and_no_duplicates(language, name):
    header, rows = read_data_file(language, name)
    assert {"what", "source", "licence", "built"} <= set(header)
    entries = [row[0].lower() for row in rows]
    assert entries and len(entries) == len(set(entries))
