"""The reference data the office works with, as plain Python structures.

`manage.py load_reference_data` writes it to the database (idempotently). Sources:

- the seed article (shared/seeds/): T.G. Makhanov, A.M. Jumabekov, "Kazakhstan's bilateral cooperation
  with foreign countries on collecting evidence and returning illegally withdrawn assets", 2025,
  DOI 10.52425/25187252_2025_36_205. Its table 1 lists the 30 states with which Kazakhstan has a
  treaty on legal assistance in criminal matters; it describes the US, Korea, UK and India treaties
  (scope, required contents, confiscation terms) and cites their ratification laws (footnotes 4-7);
- the texts of UNCAC (arts. 31, 46, 54-57) and UNTOC (arts. 3, 12-14, 18) for the two conventions, of the
  1988 Vienna Convention (arts. 3, 5, 7), and of the CIS conventions of Minsk (1993) and Chisinau (2002);
  their states parties as far as known reliably, the rest marked "status not verified" (docs/refdata.md).

Where the seed is silent (the title and scope of the other 26 treaties, central authorities, response
times) the values are a reasonable working default, marked as such in `notes`, for the office to refine.
"""

from __future__ import annotations

import datetime

SEED = "Makhanov & Jumabekov 2025, DOI 10.52425/25187252_2025_36_205"

# --- Assistance measures ------------------------------------------------------------------------------

MEASURES = [
    {
        "code": "testimony",
        "name_en": "Taking testimony or statements",
        "name_ru": "Получение показаний или заявлений",
        "name_kk": "Жауап немесе мәлімдеме алу",
    },
    {
        "code": "documents",
        "name_en": "Providing and authenticating documents, records and evidence",
        "name_ru": "Предоставление и удостоверение подлинности документов, материалов и вещественных доказательств",
        "name_kk": "Құжаттарды, материалдарды және заттай дәлелдемелерді ұсыну және түпнұсқалығын куәландыру",
    },
    {
        "code": "locate_identify",
        "name_en": "Locating and identifying persons and objects",
        "name_ru": "Установление местонахождения и идентификация лиц и предметов",
        "name_kk": "Адамдар мен заттардың тұрған жерін анықтау және оларды сәйкестендіру",
    },
    {
        "code": "service_of_documents",
        "name_en": "Service of documents",
        "name_ru": "Вручение документов",
        "name_kk": "Құжаттарды табыс ету",
    },
    {
        "code": "transfer_of_persons",
        "name_en": "Transfer of persons in custody to testify or assist",
        "name_ru": "Передача лиц, содержащихся под стражей, для дачи показаний или оказания иной помощи",
        "name_kk": "Қамауда ұсталған адамдарды айғақ беру немесе өзге де көмек көрсету үшін беру",
    },
    {
        "code": "search_seizure",
        "name_en": "Searches and seizures",
        "name_ru": "Проведение обысков и выемок",
        "name_kk": "Тінту және алу жүргізу",
    },
    {
        "code": "identify_trace_assets",
        "name_en": "Identifying and tracing assets",
        "name_ru": "Выявление и отслеживание активов",
        "name_kk": "Активтерді анықтау және олардың жолын қадағалау",
        "concerns_assets": True,
    },
    {
        "code": "freeze_seize_assets",
        "name_en": "Freezing or seizing assets",
        "name_ru": "Замораживание или арест активов",
        "name_kk": "Активтерді бұғаттау немесе оларға тыйым салу",
        "concerns_assets": True,
    },
    {
        "code": "confiscate_assets",
        "name_en": "Confiscating assets",
        "name_ru": "Конфискация активов",
        "name_kk": "Активтерді тәркілеу",
        "concerns_assets": True,
    },
    {
        "code": "return_assets",
        "name_en": "Returning (repatriating) assets",
        "name_ru": "Возврат (репатриация) активов",
        "name_kk": "Активтерді қайтару (репатриациялау)",
        "concerns_assets": True,
    },
    {
        "code": "information_exchange",
        "name_en": "Exchange of information",
        "name_ru": "Обмен информацией",
        "name_kk": "Ақпарат алмасу",
    },
    {
        "code": "other",
        "name_en": "Other assistance not prohibited by the requested state's law",
        "name_ru": "Иная помощь, не запрещенная законодательством запрашиваемого государства",
        "name_kk": "Сұрау салынған мемлекеттің заңнамасында тыйым салынбаған өзге де көмек",
    },
]
for _order, _measure in enumerate(MEASURES, start=1):
    _measure.setdefault("concerns_assets", False)
    _measure["order"] = _order * 10

ASSET_MEASURES = [m["code"] for m in MEASURES if m["concerns_assets"]]

# --- Crime categories ---------------------------------------------------------------------------------

CRIME_CATEGORIES = [
    {
        "code": "corruption",
        "name_en": "Corruption and bribery",
        "name_ru": "Коррупция и взяточничество",
        "name_kk": "Сыбайлас жемқорлық және парақорлық",
    },
    {
        "code": "embezzlement",
        "name_en": "Embezzlement and misappropriation",
        "name_ru": "Присвоение и растрата",
        "name_kk": "Иемденіп алу және ысырап ету",
    },
    {
        "code": "laundering",
        "name_en": "Money laundering",
        "name_ru": "Легализация (отмывание) преступных доходов",
        "name_kk": "Қылмыстық жолмен алынған кірістерді заңдастыру (жылыстату)",
    },
    {"code": "fraud", "name_en": "Fraud", "name_ru": "Мошенничество", "name_kk": "Алаяқтық"},
    {
        "code": "tax",
        "name_en": "Tax crimes",
        "name_ru": "Налоговые преступления",
        "name_kk": "Салық қылмыстары",
    },
    {
        "code": "smuggling_customs",
        "name_en": "Smuggling and customs crimes",
        "name_ru": "Контрабанда и таможенные преступления",
        "name_kk": "Контрабанда және кеден саласындағы қылмыстар",
    },
    {
        "code": "drugs",
        "name_en": "Drug trafficking",
        "name_ru": "Незаконный оборот наркотиков",
        "name_kk": "Есірткінің заңсыз айналымы",
    },
    {
        "code": "organised_crime",
        "name_en": "Organised crime",
        "name_ru": "Организованная преступность",
        "name_kk": "Ұйымдасқан қылмыс",
    },
    {
        "code": "terrorist_financing",
        "name_en": "Terrorist financing",
        "name_ru": "Финансирование терроризма",
        "name_kk": "Терроризмді қаржыландыру",
    },
    {"code": "cybercrime", "name_en": "Cybercrime", "name_ru": "Киберпреступность", "name_kk": "Киберқылмыс"},
    {"code": "other", "name_en": "Other crimes", "name_ru": "Иные преступления", "name_kk": "Өзге қылмыстар"},
]
for _order, _category in enumerate(CRIME_CATEGORIES, start=1):
    _category["order"] = _order * 10

# --- Country profiles ---------------------------------------------------------------------------------

# The 30 states of the seed's table 1, in the table's order (row by row), with the parts of the treaty
# title that differ by language: the state's name in Russian (instrumental case, as it follows
# "между Республикой Казахстан и ...") and in Kazakh (as it precedes "... арасындағы").
TREATY_STATES = [
    ("BG", "the Republic of Bulgaria", "Республикой Болгария", "Болгария Республикасы"),
    (
        "BR",
        "the Federative Republic of Brazil",
        "Федеративной Республикой Бразилия",
        "Бразилия Федеративтік Республикасы",
    ),
    (
        "GB",
        "the United Kingdom of Great Britain and Northern Ireland",
        "Соединенным Королевством Великобритании и Северной Ирландии",
        "Ұлыбритания және Солтүстік Ирландия Құрама Корольдігі",
    ),
    ("HU", "Hungary", "Венгрией", "Венгрия"),
    (
        "VN",
        "the Socialist Republic of Viet Nam",
        "Социалистической Республикой Вьетнам",
        "Вьетнам Социалистік Республикасы",
    ),
    ("GE", "Georgia", "Грузией", "Грузия"),
    ("IN", "the Republic of India", "Республикой Индия", "Үндістан Республикасы"),
    ("JO", "the Hashemite Kingdom of Jordan", "Иорданским Хашимитским Королевством", "Иордан Хашимит Корольдігі"),
    ("ES", "the Kingdom of Spain", "Королевством Испания", "Испания Корольдігі"),
    ("IT", "the Italian Republic", "Итальянской Республикой", "Италия Республикасы"),
    ("QA", "the State of Qatar", "Государством Катар", "Катар Мемлекеті"),
    ("CY", "the Republic of Cyprus", "Республикой Кипр", "Кипр Республикасы"),
    ("KR", "the Republic of Korea", "Республикой Корея", "Корея Республикасы"),
    (
        "KP",
        "the Democratic People's Republic of Korea",
        "Корейской Народно-Демократической Республикой",
        "Корея Халықтық Демократиялық Республикасы",
    ),
    ("CN", "the People's Republic of China", "Китайской Народной Республикой", "Қытай Халық Республикасы"),
    ("KG", "the Kyrgyz Republic", "Кыргызской Республикой", "Қырғыз Республикасы"),
    ("LT", "the Republic of Lithuania", "Литовской Республикой", "Литва Республикасы"),
    ("MC", "the Principality of Monaco", "Княжеством Монако", "Монако Князьдігі"),
    ("MN", "Mongolia", "Монголией", "Моңғолия"),
    ("AE", "the United Arab Emirates", "Объединенными Арабскими Эмиратами", "Біріккен Араб Әмірліктері"),
    ("PK", "the Islamic Republic of Pakistan", "Исламской Республикой Пакистан", "Пәкістан Ислам Республикасы"),
    ("RO", "Romania", "Румынией", "Румыния"),
    ("RS", "the Republic of Serbia", "Республикой Сербия", "Сербия Республикасы"),
    ("MK", "the Republic of North Macedonia", "Республикой Северная Македония", "Солтүстік Македония Республикасы"),
    ("US", "the United States of America", "Соединенными Штатами Америки", "Америка Құрама Штаттары"),
    ("TR", "the Republic of Türkiye", "Турецкой Республикой", "Түркия Республикасы"),
    ("UZ", "the Republic of Uzbekistan", "Республикой Узбекистан", "Өзбекстан Республикасы"),
    ("UA", "Ukraine", "Украиной", "Украина"),
    ("CZ", "the Czech Republic", "Чешской Республикой", "Чех Республикасы"),
    ("FR", "the French Republic", "Французской Республикой", "Француз Республикасы"),
]
TREATY_STATE_CODES = [code for code, *_ in TREATY_STATES]

# Expected response times are planning defaults (days) from the office's experience, not treaty terms.
_PLANNING = "Expected response time is a planning default; adjust it from experience."

COUNTRY_PROFILES = [
    {
        "country": "BG",
        "central_authority": "Supreme Cassation Prosecutor's Office (pre-trial stage)",
        "languages": "Bulgarian",
        "expected_response_days": 120,
    },
    {
        "country": "BR",
        "central_authority": "Ministry of Justice and Public Security",
        "languages": "Portuguese",
        "expected_response_days": 180,
    },
    {
        "country": "GB",
        "central_authority": "UK Central Authority, Home Office",
        "languages": "English",
        "expected_response_days": 180,
    },
    {
        "country": "HU",
        "central_authority": "Office of the Prosecutor General (pre-trial stage)",
        "languages": "Hungarian",
        "expected_response_days": 120,
    },
    {
        "country": "VN",
        "central_authority": "Supreme People's Procuracy",
        "languages": "Vietnamese",
        "expected_response_days": 180,
    },
    {
        "country": "GE",
        "central_authority": "Prosecutor's Office of Georgia",
        "languages": "Georgian, Russian",
        "expected_response_days": 90,
    },
    {
        "country": "IN",
        "central_authority": "Ministry of Home Affairs",
        "languages": "English, Hindi",
        "expected_response_days": 180,
    },
    {"country": "JO", "central_authority": "Ministry of Justice", "languages": "Arabic", "expected_response_days": 180},
    {
        "country": "ES",
        "central_authority": "Ministry of Justice (international legal cooperation)",
        "languages": "Spanish",
        "expected_response_days": 150,
    },
    {
        "country": "IT",
        "central_authority": "Ministry of Justice",
        "languages": "Italian",
        "expected_response_days": 150,
    },
    {"country": "QA", "central_authority": "Public Prosecution", "languages": "Arabic", "expected_response_days": 150},
    {
        "country": "CY",
        "central_authority": "Ministry of Justice and Public Order",
        "languages": "Greek, English",
        "expected_response_days": 120,
    },
    {"country": "KR", "central_authority": "Ministry of Justice", "languages": "Korean", "expected_response_days": 150},
    {"country": "KP", "central_authority": "", "languages": "Korean", "expected_response_days": 180},
    {
        "country": "CN",
        "central_authority": "Ministry of Justice",
        "languages": "Chinese",
        "expected_response_days": 120,
    },
    {
        "country": "KG",
        "central_authority": "Prosecutor General's Office",
        "languages": "Kyrgyz, Russian",
        "expected_response_days": 60,
    },
    {
        "country": "LT",
        "central_authority": "Prosecutor General's Office (pre-trial stage)",
        "languages": "Lithuanian",
        "expected_response_days": 90,
    },
    {
        "country": "MC",
        "central_authority": "Directorate of Judicial Services",
        "languages": "French",
        "expected_response_days": 150,
    },
    {
        "country": "MN",
        "central_authority": "Ministry of Justice and Home Affairs",
        "languages": "Mongolian",
        "expected_response_days": 120,
    },
    {"country": "AE", "central_authority": "Ministry of Justice", "languages": "Arabic", "expected_response_days": 120},
    {
        "country": "PK",
        "central_authority": "Ministry of Interior",
        "languages": "Urdu, English",
        "expected_response_days": 180,
    },
    {
        "country": "RO",
        "central_authority": (
            "Prosecutor's Office attached to the High Court of Cassation and Justice (pre-trial stage)"
        ),
        "languages": "Romanian",
        "expected_response_days": 120,
    },
    {
        "country": "RS",
        "central_authority": "Ministry of Justice",
        "languages": "Serbian",
        "expected_response_days": 120,
    },
    {
        "country": "MK",
        "central_authority": "Ministry of Justice",
        "languages": "Macedonian",
        "expected_response_days": 120,
    },
    {
        "country": "US",
        "central_authority": "U.S. Department of Justice, Criminal Division, Office of International Affairs",
        "languages": "English",
        "expected_response_days": 180,
    },
    {
        "country": "TR",
        "central_authority": "Ministry of Justice, Directorate General for International Law and Foreign Relations",
        "languages": "Turkish",
        "expected_response_days": 120,
    },
    {
        "country": "UZ",
        "central_authority": "Prosecutor General's Office",
        "languages": "Uzbek, Russian",
        "expected_response_days": 60,
    },
    {
        "country": "UA",
        "central_authority": "Office of the Prosecutor General (pre-trial stage)",
        "languages": "Ukrainian",
        "expected_response_days": 90,
    },
    {
        "country": "CZ",
        "central_authority": "Supreme Public Prosecutor's Office (pre-trial stage)",
        "languages": "Czech",
        "expected_response_days": 120,
    },
    {
        "country": "FR",
        "central_authority": "Ministry of Justice, Bureau de l'entraide pénale internationale",
        "languages": "French",
        "expected_response_days": 150,
    },
    # States without a bilateral treaty that the office often works with (the seed: Russia and Germany
    # are in figure 2; Switzerland, Belarus and Latvia returned assets).
    {
        "country": "RU",
        "central_authority": "Prosecutor General's Office (pre-trial stage)",
        "languages": "Russian",
        "expected_response_days": 60,
    },
    {
        "country": "DE",
        "central_authority": "Federal Office of Justice (Bundesamt für Justiz)",
        "languages": "German",
        "expected_response_days": 120,
    },
    {
        "country": "CH",
        "central_authority": "Federal Office of Justice (FOJ), International Legal Assistance Division",
        "languages": "German, French, Italian",
        "expected_response_days": 120,
    },
    {
        "country": "BY",
        "central_authority": "Prosecutor General's Office",
        "languages": "Belarusian, Russian",
        "expected_response_days": 60,
    },
    {
        "country": "LV",
        "central_authority": "Prosecutor General's Office (pre-trial stage)",
        "languages": "Latvian",
        "expected_response_days": 90,
    },
    # Parties to the Minsk Convention without a bilateral treaty of table 1: requests go under it.
    {
        "country": "AM",
        "central_authority": "Prosecutor General's Office (pre-trial stage)",
        "languages": "Armenian, Russian",
        "expected_response_days": 60,
    },
    {
        "country": "AZ",
        "central_authority": "Prosecutor General's Office (pre-trial stage)",
        "languages": "Azerbaijani, Russian",
        "expected_response_days": 60,
    },
    {
        "country": "TJ",
        "central_authority": "Prosecutor General's Office (pre-trial stage)",
        "languages": "Tajik, Russian",
        "expected_response_days": 60,
    },
]
# The office writes its letters in English, Russian or Kazakh (documents.models.Document.Language). A
# state takes a letter as it is when the letter is in one of the languages it accepts; a letter in any
# other language goes with a translation. `letter_languages` is derived from `languages`, so the two
# cannot disagree: "Kyrgyz, Russian" -> "ru", "Greek, English" -> "en", "Korean" -> "".
OFFICE_LETTER_LANGUAGES = {"English": "en", "Russian": "ru", "Kazakh": "kk"}


def letter_languages(languages: str) -> str:
    """The office's letter language codes among a profile's accepted languages, comma-separated."""
    names = [name.strip() for name in languages.split(",")]
    return ",".join(OFFICE_LETTER_LANGUAGES[name] for name in names if name in OFFICE_LETTER_LANGUAGES)


for _profile in COUNTRY_PROFILES:
    _profile["letter_languages"] = letter_languages(_profile["languages"])
    _in_table = _profile["country"] in TREATY_STATE_CODES
    _profile["notes"] = (
        "Bilateral treaty on legal assistance in criminal matters (seed article, table 1). "
        if _in_table
        else "No bilateral MLA treaty: requests go under a convention both states are party to (UNCAC, UNTOC, "
        "the 1988 Vienna Convention, the Minsk Convention...) or reciprocity, or through informal networks. "
    ) + _PLANNING

# --- Authorities of foreign states ---------------------------------------------------------------------
# Only what the seed article states; no contact data (addresses, emails, phones) is given for a real
# state here: the office records those from the state's own publications.
_FIU_NOTE = (
    "Kazakhstan's Financial Monitoring Agency has signed a cooperation agreement with this state's financial "
    "intelligence unit (seed article, citing the EAG mutual evaluation of Kazakhstan, 2023). Record its name "
    "and contacts from its own publications."
)
# The states whose FIU the seed names, in its order.
FIU_AGREEMENT_STATES = [
    *("MD", "AE", "RU", "BY", "KG", "TJ", "CN", "CY", "MK", "ME", "TR", "RO", "LT", "JP", "HR", "AM", "PL", "PA"),
    *("BD", "GE", "MN", "KR", "IL", "GB", "RS", "CA", "LV", "HU", "UZ", "UA", "TM", "AF", "IN", "AL", "PK", "MO"),
    *("TG", "SX"),
]


def country_authorities(profile_codes) -> list[dict]:
    """The authorities the seed names, for the states that have a profile."""
    rows = [
        {
            "country": "BG",
            "kind": "asset_recovery",
            "name": "Commission for the Seizure of Illegally Obtained Property of the Republic of Bulgaria",
            "notes": "A Memorandum of Partnership and Cooperation with the Asset Recovery Committee of the "
            "Prosecutor General's Office defines the forms of cooperation to search for, detect, identify and "
            "confiscate illegal assets (seed article).",
        }
    ]
    rows += [
        {"country": code, "kind": "fiu", "name": "Financial intelligence unit", "notes": _FIU_NOTE}
        for code in FIU_AGREEMENT_STATES
    ]
    codes = set(profile_codes)
    return [row for row in rows if row["country"] in codes]


# --- Legal instruments --------------------------------------------------------------------------------

EVIDENCE_MEASURES = [
    "testimony",
    "documents",
    "locate_identify",
    "service_of_documents",
    "transfer_of_persons",
    "search_seizure",
]
# The seed does not analyse the other 26 treaties; this is the usual content of Kazakhstan's
# MLA treaties (evidence, and identifying, seizing and confiscating proceeds). Return and "any other
# assistance" are left out, so such requests go under UNCAC or a separate agreement.
GENERIC_BILATERAL_SCOPE = [*EVIDENCE_MEASURES, "identify_trace_assets", "freeze_seize_assets", "confiscate_assets"]
INFORMAL_SCOPE = ["information_exchange", "locate_identify", "identify_trace_assets"]


def _treaty_names(state_en: str, state_ru: str, state_kk: str) -> dict:
    return {
        "name_en": (
            f"Treaty between the Republic of Kazakhstan and {state_en} on Mutual Legal Assistance in Criminal Matters"
        ),
        "name_ru": f"Договор между Республикой Казахстан и {state_ru} о взаимной правовой помощи по уголовным делам",
        "name_kk": (
            f"Қазақстан Республикасы мен {state_kk} арасындағы қылмыстық істер бойынша өзара құқықтық көмек туралы шарт"
        ),
    }


def treaty_code(country: str) -> str:
    return f"mlat-kz-{country.lower()}"


_EVIDENCE_LINK = {
    "code": "property_crime_evidence",
    "name_en": "Evidence that the property is proceeds or an instrument of the offence, or of their equivalent value",
    "name_ru": (
        "Доказательства того, что имущество является доходом от преступления "
        "или его орудием либо соответствует их стоимости"
    ),
    "name_kk": (
        "Мүліктің қылмыстан алынған кіріс немесе қылмыс құралы екенін не "
        "олардың құнына сәйкес келетінін растайтын дәлелдемелер"
    ),
    "mandatory": True,
    # Asked of a request about property; a request for testimony or documents alone needs none.
    "measures": ASSET_MEASURES,
}

_UK_CITATION = "UK treaty, contents of a request about proceeds of crime (seed article, fn. 6)"

# What the seed says about four treaties (its pages on the US, Korea, UK and India treaties).
TREATY_DETAILS = {
    "US": {
        "ratification_reference": (
            "Law of the Republic of Kazakhstan of 16 July 2015 No. 331-V on ratification "
            "(https://adilet.zan.kz/rus/docs/Z1500000331)"
        ),
        "scope_citation": "Art. 1(3)",
        "any_other_assistance_citation": "Art. 1(3) (any other form of assistance not prohibited)",
        # Art. 1(3): testimony; documents and their attestation; locating/identifying persons and objects;
        # service of documents; transfer of persons in custody; searches and seizures; identifying,
        # tracing, freezing, seizing and confiscating assets; any other assistance not prohibited.
        "measures": [
            *EVIDENCE_MEASURES,
            "identify_trace_assets",
            "freeze_seize_assets",
            "confiscate_assets",
        ],
        "any_other_assistance": True,
        "value_based_confiscation": True,
        "confiscation_citation": "Art. 1(3) (identifying, tracing, freezing, seizing and confiscating assets)",
        "requirements": [{**_EVIDENCE_LINK, "citation": "Art. 1(3); seed article, p. on US and Korea treaties"}],
        "notes": (
            "Confiscation possible on sufficient evidence of the criminal origin of the assets, of their use as "
            "an instrument of the crime or of their equivalent value (seed article). Bona fide third parties "
            "are not specifically addressed."
        ),
    },
    "KR": {
        "ratification_reference": (
            "Law of the Republic of Kazakhstan of 8 July 2011 No. 453-IV on ratification "
            "(https://adilet.zan.kz/rus/docs/Z1100000453)"
        ),
        "scope_citation": "Art. 1; art. 16 (proceeds of crime)",
        "measures": [*EVIDENCE_MEASURES, "identify_trace_assets", "freeze_seize_assets", "confiscate_assets"],
        # "... and other assistance related to the purpose of the Treaty which does not contradict the
        # legislation of the Requested Party."
        "any_other_assistance": True,
        # The seed quotes the clause in its pages on art. 16 without numbering the paragraph.
        "any_other_assistance_citation": (
            "Clause on other assistance related to the Treaty's purpose, not contrary to the requested Party's "
            "law (seed article, on art. 16)"
        ),
        "value_based_confiscation": True,
        "requested_party_retains_proceeds": True,
        "bona_fide_third_parties_protected": True,
        "confiscation_citation": (
            "Art. 16: the requested Party looks for proceeds (16(1)), seizes or confiscates them under its law, "
            "respects the rights of bona fide third parties, and retains confiscated proceeds unless otherwise "
            "agreed in the individual case"
        ),
        "requirements": [{**_EVIDENCE_LINK, "citation": "Art. 16"}],
        "notes": (
            "The only one of the four treaties analysed in the seed that explicitly protects bona fide third "
            "parties. Confiscated proceeds stay with the requested Party unless a return is agreed case by case."
        ),
    },
    "GB": {
        "ratification_reference": (
            "Law of the Republic of Kazakhstan of 24 February 2016 No. 460-V on ratification (seed article, fn. 6)"
        ),
        "scope_citation": "",
        "measures": [*GENERIC_BILATERAL_SCOPE, "return_assets"],
        "court_decision_required": True,
        "confiscation_citation": (
            "Treaty provisions on proceeds of crime: a court's restraint or confiscation decision is required, "
            "with evidence linking the property to the crime and the rights of third parties (seed article)"
        ),
        "requirements": [
            {
                "code": "property_details",
                "citation": _UK_CITATION,
                "measures": ASSET_MEASURES,
                "name_en": "Detailed information about the property in respect of which cooperation is requested",
                "name_ru": "Подробные сведения об имуществе, в отношении которого запрашивается сотрудничество",
                "name_kk": "Ынтымақтастық сұралып отырған мүлік туралы толық мәліметтер",
                "mandatory": True,
            },
            {
                "code": "property_location",
                "citation": _UK_CITATION,
                "measures": ASSET_MEASURES,
                "name_en": "Location of the property and its relation to the subject of the request",
                "name_ru": "Сведения о местонахождении имущества и его связи с предметом запроса",
                "name_kk": "Мүліктің орналасқан жері және оның сұрау салу нысанасымен байланысы туралы мәліметтер",
                "mandatory": True,
            },
            {
                "code": "property_crime_link",
                "citation": _UK_CITATION,
                "measures": ASSET_MEASURES,
                "name_en": "The connection, if any, between the property and the offences",
                "name_ru": "Связь, если таковая имеется, между имуществом и преступлениями",
                "name_kk": "Мүлік пен қылмыстар арасындағы байланыс (егер бар болса)",
                "mandatory": True,
            },
            {
                "code": "third_party_interests",
                "citation": _UK_CITATION,
                "measures": ASSET_MEASURES,
                "name_en": "Information about any interests of third parties in the property",
                "name_ru": "Сведения о любых интересах третьих лиц в отношении этого имущества",
                "name_kk": "Осы мүлікке қатысты үшінші тұлғалардың кез келген мүдделері туралы мәліметтер",
                "mandatory": True,
            },
            {
                "code": "court_decision_copy",
                "citation": _UK_CITATION,
                "measures": ASSET_MEASURES,
                "name_en": (
                    "Where available, a certified copy of the court's restraint or confiscation decision, and a "
                    "statement of its grounds if the decision does not give them"
                ),
                "name_ru": (
                    "При наличии — заверенная копия решения суда об ограничении или конфискации и заявление "
                    "об основаниях его вынесения, если они не указаны в самом решении"
                ),
                "name_kk": (
                    "Бар болған жағдайда — соттың шектеу немесе тәркілеу туралы шешімінің куәландырылған "
                    "көшірмесі және шешімде көрсетілмесе, оның негіздері туралы мәлімдеме"
                ),
                # "if available": the seed lists it last, as optional.
                "mandatory": False,
            },
        ],
        "notes": (
            "A formalised approach (seed article): requests about property give the five items of the "
            "checklist. Bona fide third parties are not specifically addressed. The treaty's scope article is "
            "not analysed in the seed; the scope here is the usual one."
        ),
    },
    "IN": {
        "ratification_reference": (
            "Law of the Republic of Kazakhstan of 17 May 2000 No. 49 on ratification "
            "(https://adilet.zan.kz/rus/docs/Z000000049_)"
        ),
        "scope_citation": "Art. 1(2), items 1-9",
        # 1) detecting, arresting and confiscating proceeds and instruments; 2) evidence and statements;
        # 3) information and documents; 4) detecting and identifying persons and objects; 5) finding and
        # seizing materials; 6) transfer of property; 7) temporary transfer of persons in custody;
        # 8) service of documents incl. summonses; 9) other assistance not contrary to the requested law.
        "measures": [
            "identify_trace_assets",
            "freeze_seize_assets",
            "confiscate_assets",
            "testimony",
            "documents",
            "locate_identify",
            "search_seizure",
            "return_assets",
            "transfer_of_persons",
            "service_of_documents",
        ],
        "any_other_assistance": True,
        "any_other_assistance_citation": "Art. 1(2), item 9 (other assistance not contrary to the requested law)",
        "confiscation_citation": (
            "Art. 1(2)(1): detection, arrest and confiscation of criminally acquired valuables and instruments of "
            "crime, under the requested Party's law"
        ),
        "requirements": [],
        "notes": (
            "A broad, integrated approach from identifying assets to their confiscation (seed article). "
            "Bona fide third parties are not specifically addressed."
        ),
    },
}


# Before a request goes: the translation and the signed letter. The seed article says nothing about the
# language or the form of requests, so these are the office's working terms, to check against each text:
# - the bilateral MLA treaties, as usual for such treaties (and as the UN Model Treaty on Mutual
#   Assistance in Criminal Matters provides), take a written request signed by the requesting
#   authority, with a translation into the requested Party's language (or one it accepts);
# - UNCAC art. 46(14) and UNTOC art. 18(14): a request in writing "in a language acceptable to the
#   requested State Party"; the office sends its formal requests signed;
# - reciprocity: a formal request under the requested state's own law, signed and translated;
# - the asset recovery memorandum and the informal networks: an exchange between agencies in a working
#   language, without translation or signature.
# Whether a translation is needed at all is the country profile's `letter_languages`: a letter in a
# language the state accepts needs none (mla_requests/case_file.py).
FORMAL_SENDING_TERMS = {"translation_required_before_sending": True, "signed_letter_required_before_sending": True}
INFORMAL_SENDING_TERMS = {"translation_required_before_sending": False, "signed_letter_required_before_sending": False}


def _bilateral_instruments() -> list[dict]:
    instruments = []
    for code, state_en, state_ru, state_kk in TREATY_STATES:
        details = TREATY_DETAILS.get(code, {})
        instrument = {
            "code": treaty_code(code),
            "kind": "bilateral_treaty",
            "short_name": f"KZ–{code} MLA treaty",
            **_treaty_names(state_en, state_ru, state_kk),
            "counterpart_countries": [code],
            "open_to_all_states": False,
            "ratification_reference": "",
            "scope_citation": "",
            "measures": GENERIC_BILATERAL_SCOPE,
            "any_other_assistance": False,
            "value_based_confiscation": False,
            "requested_party_retains_proceeds": False,
            "court_decision_required": False,
            "bona_fide_third_parties_protected": False,
            "confiscation_citation": "",
            "expected_response_days": None,
            **FORMAL_SENDING_TERMS,
            "requirements": [],
            "notes": (
                "In force per the Prosecutor General's Office treaty map (seed article, table 1 and fn. 3). "
                "Title and scope are working defaults; check them against the treaty text."
            ),
        }
        instrument.update(details)
        instruments.append(instrument)
    return instruments


_ALL_BUT_OTHER = [m["code"] for m in MEASURES if m["code"] != "other"]

# UNCAC art. 46(15) and UNTOC art. 18(15): what a request shall contain.
_CONVENTION_CONTENTS = [
    (
        "requesting_authority",
        "The identity of the authority making the request",
        "Сведения об органе, направляющем запрос",
        "Сұрау салуды жіберетін орган туралы мәліметтер",
        True,
        "a",
    ),
    (
        "subject_of_investigation",
        "The subject matter and nature of the investigation, prosecution or proceeding, "
        "and the authority conducting it",
        "Предмет и характер расследования, уголовного преследования или судебного "
        "разбирательства и наименование ведущего их органа",
        "Тергеудің, қылмыстық қудалаудың немесе сот талқылауының нысанасы мен сипаты "
        "және оны жүргізетін органның атауы",
        True,
        "b",
    ),
    (
        "summary_of_facts",
        "A summary of the relevant facts",
        "Краткое изложение соответствующих фактов",
        "Тиісті фактілердің қысқаша баяндамасы",
        True,
        "c",
    ),
    (
        "assistance_sought",
        "A description of the assistance sought and any particular procedure to be followed",
        "Описание запрашиваемой помощи и любой конкретной процедуры, которую просят соблюсти",
        "Сұралып отырған көмектің және сақтау сұралатын кез келген нақты рәсімнің сипаттамасы",
        True,
        "d, e",
    ),
    (
        "person_concerned",
        "Where possible, the identity, location and nationality of any person concerned",
        "По возможности — сведения о личности, местонахождении и гражданстве соответствующего лица",
        "Мүмкіндігінше — тиісті адамның жеке басы, тұрған жері және азаматтығы туралы мәліметтер",
        False,
        "f",
    ),
    (
        "purpose",
        "The purpose for which the evidence, information or action is sought",
        "Цель, для которой запрашиваются доказательства, информация или действия",
        "Дәлелдемелер, ақпарат немесе әрекеттер сұралып отырған мақсат",
        True,
        "g",
    ),
]


def _convention_requirements(article: str) -> list[dict]:
    return [
        {
            "code": code,
            "name_en": en,
            "name_ru": ru,
            "name_kk": kk,
            "mandatory": mandatory,
            "citation": f"Art. {article}(15)({letters})",
        }
        for code, en, ru, kk, mandatory, letters in _CONVENTION_CONTENTS
    ]


# UNCAC art. 55(3): what a request for confiscation contains besides the art. 46(15) items, and
# art. 57(3): on what ground confiscated property is returned. They apply to requests asking for
# confiscation / return only.
_UNCAC_CONFISCATION_CONTENTS = [
    {
        "code": "uncac_property_description",
        "name_en": (
            "A description of the property to be confiscated, including, to the extent possible, its location and, "
            "where relevant, its estimated value"
        ),
        "name_ru": (
            "Описание имущества, подлежащего конфискации, включая, по возможности, его местонахождение и, "
            "в надлежащих случаях, его оценочную стоимость"
        ),
        "name_kk": (
            "Тәркіленуге жататын мүліктің сипаттамасы, оның ішінде мүмкіндігінше оның орналасқан жері және "
            "тиісті жағдайларда оның бағаланған құны"
        ),
        "mandatory": True,
        "citation": "Art. 55(3)(a)",
        "measures": ["confiscate_assets"],
    },
    {
        "code": "uncac_confiscation_facts",
        "name_en": (
            "A statement of the facts relied upon, sufficient to enable the requested State to seek the order "
            "under its domestic law"
        ),
        "name_ru": (
            "Изложение фактов, на которые опирается запрашивающее государство, достаточное для того, чтобы "
            "запрашиваемое государство могло добиваться вынесения решения согласно своему внутреннему праву"
        ),
        "name_kk": (
            "Сұрау салушы мемлекет сүйенетін фактілердің сұрау салынған мемлекет өзінің ішкі құқығына сәйкес "
            "шешім шығаруға қол жеткізуі үшін жеткілікті баяндамасы"
        ),
        "mandatory": True,
        "citation": "Art. 55(3)(a)",
        "measures": ["confiscate_assets"],
    },
    {
        "code": "uncac_order_extent",
        "name_en": (
            "For an order of confiscation of the requesting State: a legally admissible copy of it, a statement "
            "of the facts and of the extent to which its execution is requested"
        ),
        "name_ru": (
            "Для решения о конфискации запрашивающего государства: приемлемая с юридической точки зрения копия "
            "решения, изложение фактов и информация о том, в каких пределах испрашивается исполнение решения"
        ),
        "name_kk": (
            "Сұрау салушы мемлекеттің тәркілеу туралы шешімі үшін: шешімнің заңдық тұрғыдан қолайлы көшірмесі, "
            "фактілердің баяндамасы және шешімді орындау қандай шекте сұралатыны туралы ақпарат"
        ),
        "mandatory": True,
        "citation": "Art. 55(3)(b)",
        "measures": ["confiscate_assets"],
    },
    {
        "code": "uncac_third_parties_due_process",
        "name_en": (
            "A statement of the measures taken to give adequate notice to bona fide third parties and to ensure "
            "due process, and a statement that the confiscation order is final"
        ),
        "name_ru": (
            "Заявление с указанием мер, принятых для надлежащего уведомления добросовестных третьих сторон и "
            "обеспечения надлежащих правовых процедур, и заявление о том, что решение о конфискации является "
            "окончательным"
        ),
        "name_kk": (
            "Адал үшінші тараптарды тиісінше хабардар ету және тиісті құқықтық рәсімдерді қамтамасыз ету үшін "
            "қабылданған шаралар туралы мәлімдеме және тәркілеу туралы шешімнің түпкілікті екені туралы мәлімдеме"
        ),
        "mandatory": True,
        "citation": "Art. 55(3)(b)",
        "measures": ["confiscate_assets"],
    },
    {
        "code": "uncac_return_ground",
        "name_en": (
            "The ground for return under art. 57(3): (a) embezzled public funds, final judgment; (b) prior "
            "ownership or damage; (c) prior legitimate owners or victims"
        ),
        "name_ru": (
            "Основание возврата по ст. 57(3): a) растрата публичных средств, окончательное решение; "
            "b) прежняя собственность или ущерб; c) законные собственники или потерпевшие"
        ),
        "name_kk": (
            "57(3)-бап бойынша қайтару негізі: a) мемлекеттік қаражатты жымқыру, түпкілікті шешім; "
            "b) бұрынғы меншік немесе залал; c) заңды меншік иелері немесе жәбірленушілер"
        ),
        "mandatory": True,
        "citation": "Art. 57(3)",
        "measures": ["return_assets"],
    },
    {
        "code": "uncac_return_final_judgment",
        "name_en": (
            "For embezzled public funds: the final judgment in the requesting State (the requested State may waive it)"
        ),
        "name_ru": (
            "Для растраченных публичных средств: окончательное судебное решение в запрашивающем государстве "
            "(запрашиваемое государство может отказаться от этого требования)"
        ),
        "name_kk": (
            "Жымқырылған мемлекеттік қаражат үшін: сұрау салушы мемлекеттегі түпкілікті сот шешімі (сұрау салынған "
            "мемлекет бұл талаптан бас тарта алады)"
        ),
        "mandatory": False,
        "citation": "Art. 57(3)(a)",
        "measures": ["return_assets"],
    },
]


_INFORMAL_COMMON = {
    "kind": "informal_network",
    "counterpart_countries": [],
    "open_to_all_states": True,
    "measures": INFORMAL_SCOPE,
    "any_other_assistance": False,
    "value_based_confiscation": False,
    "requested_party_retains_proceeds": False,
    "court_decision_required": False,
    "bona_fide_third_parties_protected": False,
    "confiscation_citation": "",
    "ratification_reference": "",
    "scope_citation": "",
    "expected_response_days": 30,
    **INFORMAL_SENDING_TERMS,
    "requirements": [],
}
_INFORMAL_NOTE = (
    "Informal channel: fast exchange of information to locate and trace persons and assets, and advice on "
    "preparing a formal request. No coercive measures (freezing, seizure, confiscation) and no evidence for "
    "court without a formal request. "
)

MULTILATERAL_INSTRUMENTS = [
    {
        "code": "uncac",
        "kind": "multilateral_convention",
        "short_name": "UNCAC",
        "name_en": "United Nations Convention against Corruption (UNCAC)",
        "name_ru": "Конвенция Организации Объединенных Наций против коррупции",
        "name_kk": "Біріккен Ұлттар Ұйымының Сыбайлас жемқорлыққа қарсы конвенциясы",
        "counterpart_countries": [],
        "open_to_all_states": True,
        "signed_on": datetime.date(2003, 10, 31),  # adopted by the UN General Assembly
        "in_force_on": datetime.date(2005, 12, 14),
        "ratification_reference": "",
        "scope_citation": "Art. 46(3) (mutual legal assistance); Chapter V, arts. 51-59 (asset recovery)",
        "measures": _ALL_BUT_OTHER,
        "any_other_assistance": True,  # art. 46(3)(i)
        "any_other_assistance_citation": "Art. 46(3)(i) (any other type of assistance not contrary to domestic law)",
        "value_based_confiscation": True,  # art. 31(1)(a), art. 55(1)
        "requested_party_retains_proceeds": False,  # art. 57(3): return of embezzled public funds
        "court_decision_required": True,  # art. 55(1)(b), art. 57(3)(a)
        "bona_fide_third_parties_protected": True,  # art. 31(9), art. 55(9), art. 57(2)
        "confiscation_citation": (
            "Arts. 31, 54, 55 (confiscation incl. value-based), 57 (return and disposal; for embezzled public "
            "funds on a final judgment in the requesting state), 55(9) (bona fide third parties)"
        ),
        "expected_response_days": None,
        **FORMAL_SENDING_TERMS,
        "requirements": _convention_requirements("46") + _UNCAC_CONFISCATION_CONTENTS,
        "notes": "The legal basis for states with no bilateral treaty; the whole of chapter V concerns asset recovery.",
    },
    {
        "code": "untoc",
        "kind": "multilateral_convention",
        "short_name": "UNTOC",
        "name_en": "United Nations Convention against Transnational Organized Crime (UNTOC)",
        "name_ru": "Конвенция Организации Объединенных Наций против транснациональной организованной преступности",
        "name_kk": "Біріккен Ұлттар Ұйымының Трансұлттық ұйымдасқан қылмысқа қарсы конвенциясы",
        "counterpart_countries": [],
        "open_to_all_states": True,
        "signed_on": datetime.date(2000, 11, 15),  # adopted by the UN General Assembly
        "in_force_on": datetime.date(2003, 9, 29),
        "ratification_reference": "",
        "scope_citation": "Art. 18(3) (mutual legal assistance); arts. 12-14 (confiscation)",
        "measures": _ALL_BUT_OTHER,
        "any_other_assistance": True,  # art. 18(3)(i)
        "any_other_assistance_citation": "Art. 18(3)(i) (any other type of assistance not contrary to domestic law)",
        # Art. 3(1): offences established under arts. 5, 6, 8 and 23 and serious crime, transnational and
        # involving an organised criminal group.
        "offence_scope": ["organised_crime"],
        "offence_scope_citation": "Art. 3 (scope of application: offences involving an organised criminal group)",
        "value_based_confiscation": True,  # art. 12(1)(a)
        "requested_party_retains_proceeds": True,  # art. 14(1): disposed of by the confiscating state
        "court_decision_required": True,  # art. 13(1)(b)
        "bona_fide_third_parties_protected": True,  # art. 12(8), art. 13(8)
        "confiscation_citation": (
            "Arts. 12 (confiscation incl. value-based), 13 (international cooperation), 14 (the confiscating "
            "state disposes of the proceeds; priority consideration to returning them, art. 14(2))"
        ),
        "expected_response_days": None,
        **FORMAL_SENDING_TERMS,
        "requirements": _convention_requirements("18"),
        "notes": (
            "For offences committed by organised criminal groups; the requested state may keep what it confiscates."
        ),
    },
    {
        "code": "reciprocity",
        "kind": "reciprocity",
        "short_name": "Reciprocity",
        "name_en": "Reciprocity (no treaty)",
        "name_ru": "Принцип взаимности (при отсутствии договора)",
        "name_kk": "Өзаралық қағидаты (шарт болмаған жағдайда)",
        "counterpart_countries": [],
        "open_to_all_states": True,
        "ratification_reference": "",
        "scope_citation": "Code of Criminal Procedure of the Republic of Kazakhstan, international cooperation",
        "measures": [*EVIDENCE_MEASURES, "identify_trace_assets", "freeze_seize_assets"],
        "any_other_assistance": False,
        "value_based_confiscation": False,
        "requested_party_retains_proceeds": False,
        "court_decision_required": True,
        "bona_fide_third_parties_protected": False,
        "confiscation_citation": "",
        "expected_response_days": None,
        **FORMAL_SENDING_TERMS,
        "requirements": [
            {
                "code": "reciprocity_assurance",
                "name_en": "Written assurance of reciprocity",
                "name_ru": "Письменная гарантия взаимности",
                "name_kk": "Өзаралықтың жазбаша кепілдігі",
                "mandatory": True,
                "citation": "Code of Criminal Procedure of the Republic of Kazakhstan",
            }
        ],
        "notes": (
            "Assistance without a treaty, on the written promise to do the same for the requested state. "
            "Execution is at the requested state's discretion; confiscation and return are rarely obtained this way."
        ),
    },
    {
        "code": "bg-asset-recovery-memorandum",
        "kind": "agreement",
        "short_name": "KZ–BG asset recovery memorandum",
        "name_en": (
            "Memorandum of Partnership and Cooperation between the Asset Recovery Committee of the Prosecutor "
            "General's Office of Kazakhstan and the Commission for the Seizure of Illegally "
            "Obtained Property of Bulgaria"
        ),
        "name_ru": (
            "Меморандум о партнерстве и сотрудничестве между Комитетом по возврату активов Генеральной "
            "прокуратуры Республики Казахстан и Комиссией по изъятию незаконно "
            "приобретенного имущества Республики Болгария"
        ),
        "name_kk": (
            "Қазақстан Республикасы Бас прокуратурасының Активтерді қайтару комитеті мен Болгария Республикасының "
            "Заңсыз алынған мүлікті алып қою жөніндегі комиссиясы арасындағы әріптестік және "
            "ынтымақтастық туралы меморандум"
        ),
        "counterpart_countries": ["BG"],
        "open_to_all_states": False,
        "ratification_reference": "",
        "scope_citation": "",
        "measures": INFORMAL_SCOPE,
        "any_other_assistance": False,
        "value_based_confiscation": False,
        "requested_party_retains_proceeds": False,
        "court_decision_required": False,
        "bona_fide_third_parties_protected": False,
        "confiscation_citation": "",
        "expected_response_days": 60,
        **INFORMAL_SENDING_TERMS,
        "requirements": [],
        "notes": (
            "Partnership mechanisms for the search, detection and identification of illegal assets (seed article, "
            "fn. 11). Coercive measures still need a request under the bilateral treaty."
        ),
    },
    {
        **_INFORMAL_COMMON,
        "code": "carin",
        "short_name": "CARIN",
        "name_en": "Camden Asset Recovery Inter-Agency Network (CARIN)",
        "name_ru": "Камденская межведомственная сеть по возврату активов (CARIN)",
        "name_kk": "Активтерді қайтару жөніндегі Камден ведомствоаралық желісі (CARIN)",
        "notes": _INFORMAL_NOTE + "Established in 2004; the most widely used channel (seed article).",
    },
    {
        **_INFORMAL_COMMON,
        "code": "arin-ap",
        "short_name": "ARIN-AP",
        "name_en": "Asset Recovery Interagency Network for Asia and the Pacific (ARIN-AP)",
        "name_ru": "Межведомственная сеть по возврату активов Азиатско-Тихоокеанского региона (ARIN-AP)",
        "name_kk": "Азия-Тынық мұхиты өңірінің активтерді қайтару жөніндегі ведомствоаралық желісі (ARIN-AP)",
        "notes": _INFORMAL_NOTE,
    },
    {
        **_INFORMAL_COMMON,
        "code": "arin-wca",
        "short_name": "ARIN-WCA",
        "name_en": "Asset Recovery Interagency Network for West and Central Asia (ARIN-WCA)",
        "name_ru": "Межведомственная сеть по возврату активов Западной и Центральной Азии (ARIN-WCA)",
        "name_kk": "Батыс және Орталық Азияның активтерді қайтару жөніндегі ведомствоаралық желісі (ARIN-WCA)",
        "notes": _INFORMAL_NOTE,
    },
    {
        **_INFORMAL_COMMON,
        "code": "egmont",
        "short_name": "Egmont Group",
        "name_en": "Egmont Group of Financial Intelligence Units",
        "name_ru": "Группа «Эгмонт» подразделений финансовой разведки",
        "name_kk": "Қаржылық барлау бөлімшелерінің «Эгмонт» тобы",
        "notes": _INFORMAL_NOTE
        + "Between financial intelligence units (for Kazakhstan, the Financial Monitoring Agency).",
    },
]

# --- The 1988 Vienna Convention and the CIS conventions ----------------------------------------------
# States parties: only those known reliably are loaded as counterpart states (a convention binds only
# its parties: check_instrument_applies). A state whose status could not be verified here is named in
# the notes as "status not verified" and is not loaded; add it once the register confirms it.
# Sources: UN Treaty Collection, chapter VI.19 (Vienna 1988); the CIS Executive Committee's register
# of the Commonwealth's treaties (Minsk 1993, Chisinau 2002). See docs/refdata.md.

# Among the states the office keeps a profile of. The Convention has near-universal participation.
VIENNA_1988_PARTIES = [
    *(code for code in TREATY_STATE_CODES if code != "KP"),
    "RU",
    "DE",
    "CH",
    "BY",
    "LV",
    "AM",
    "AZ",
    "TJ",
]
VIENNA_1988_NOT_VERIFIED = ["KP"]
MINSK_1993_PARTIES = ["AM", "AZ", "BY", "KG", "RU", "TJ", "UZ"]
MINSK_1993_NOT_VERIFIED = ["GE", "MD", "TM", "UA"]
CHISINAU_2002_PARTIES: list[str] = []
CHISINAU_2002_NOT_VERIFIED = ["AM", "AZ", "BY", "KG", "MD", "RU", "TJ", "UA", "UZ"]

# Art. 7(10): what a request shall contain (as UNCAC art. 46(15), lettered differently).
_VIENNA_LETTERS = {
    "requesting_authority": "a",
    "subject_of_investigation": "b",
    "summary_of_facts": "c",
    "assistance_sought": "d",
    "person_concerned": "e",
    "purpose": "f",
}


def _vienna_requirements() -> list[dict]:
    return [
        {
            "code": code,
            "name_en": en,
            "name_ru": ru,
            "name_kk": kk,
            "mandatory": mandatory,
            "citation": f"Art. 7(10)({_VIENNA_LETTERS[code]})",
        }
        for code, en, ru, kk, mandatory, _letters in _CONVENTION_CONTENTS
    ]


# Minsk art. 7 / Chisinau art. 7: the form and contents of a request (поручение).
def _cis_requirements(article: str) -> list[dict]:
    items = [
        (
            "cis_institutions",
            "The requesting and the requested institutions",
            "Наименование запрашивающего и запрашиваемого учреждений",
            "Сұрау салушы және сұрау салынған мекемелердің атауы",
        ),
        (
            "cis_case_and_request",
            "The case and the content of the request",
            "Наименование дела и содержание поручения",
            "Істің атауы және тапсырманың мазмұны",
        ),
        (
            "cis_persons",
            "The persons concerned: names, citizenship, occupation and place of residence or stay",
            "Имена и фамилии лиц, их гражданство, занятие и место жительства или пребывания",
            "Адамдардың аты-жөні, азаматтығы, кәсібі және тұрғылықты немесе болатын жері",
        ),
        (
            "cis_offence",
            "In a criminal case: the facts of the offence and their legal qualification",
            "По уголовным делам — описание фактических обстоятельств совершенного деяния и их квалификация",
            "Қылмыстық істер бойынша — жасалған әрекеттің нақты мән-жайларының сипаттамасы және оларды саралау",
        ),
    ]
    return [
        {"code": code, "name_en": en, "name_ru": ru, "name_kk": kk, "mandatory": True, "citation": f"Art. {article}"}
        for code, en, ru, kk in items
    ]


def _parties_note(parties: list[str], not_verified: list[str], source: str) -> str:
    loaded = ", ".join(parties) if parties else "none yet"
    unverified = ", ".join(not_verified)
    return (
        f"States parties loaded: {loaded} (source: {source}). Status not verified: {unverified}; not loaded as "
        "parties until checked against that source."
    )


# Minsk art. 6: "in particular" questioning, expert examinations, inspections, searches, seizures,
# transfer of material evidence, tracing persons, service of documents... The list is not closed.
_CIS_SCOPE = ["testimony", "documents", "locate_identify", "service_of_documents", "search_seizure"]

CONVENTIONS_WITH_PARTIES = [
    {
        "code": "vienna-1988",
        "kind": "multilateral_convention",
        "short_name": "Vienna Convention 1988",
        "name_en": (
            "United Nations Convention against Illicit Traffic in Narcotic Drugs and Psychotropic Substances, 1988"
        ),
        "name_ru": "Конвенция Организации Объединенных Наций о борьбе против незаконного оборота наркотических "
        "средств и психотропных веществ 1988 года",
        "name_kk": "Есірткі құралдары мен психотроптық заттардың заңсыз айналымына қарсы күрес туралы 1988 жылғы "
        "Біріккен Ұлттар Ұйымының конвенциясы",
        "counterpart_countries": VIENNA_1988_PARTIES,
        "open_to_all_states": False,
        "signed_on": datetime.date(1988, 12, 20),  # opened for signature at Vienna
        "in_force_on": datetime.date(1990, 11, 11),
        "ratification_reference": "UN Treaty Collection, chapter VI.19 (status of the Convention)",
        "scope_citation": "Art. 7(2) (mutual legal assistance); art. 5(4) (confiscation)",
        # Art. 7(2): statements, service, searches and seizures, examining objects and sites, information
        # and evidentiary items, documents and records, identifying or tracing proceeds; art. 5(4):
        # identifying, tracing, freezing, seizing and confiscating proceeds at another Party's request.
        "measures": [
            "testimony",
            "service_of_documents",
            "search_seizure",
            "documents",
            "identify_trace_assets",
            "freeze_seize_assets",
            "confiscate_assets",
        ],
        "any_other_assistance": True,  # art. 7(3)
        "any_other_assistance_citation": "Art. 7(3) (other forms of assistance allowed by the requested Party's law)",
        # Art. 3(1): offences of illicit traffic, and laundering of property derived from them (3(1)(b)).
        "offence_scope": ["drugs", "laundering"],
        "offence_scope_citation": "Art. 3(1) (drug trafficking offences and the laundering of their proceeds)",
        "value_based_confiscation": True,  # art. 5(1)(a)
        "requested_party_retains_proceeds": True,  # art. 5(5)(a): disposed of under the confiscating Party's law
        "court_decision_required": True,  # art. 5(4)(a)(ii): an order of confiscation issued by the requesting Party
        "bona_fide_third_parties_protected": True,  # art. 5(8)
        "confiscation_citation": (
            "Art. 5 (confiscation incl. value-based, 5(1)(a); at another Party's request, 5(4); the confiscating "
            "Party disposes of the proceeds, 5(5)(a), and may share them, 5(5)(b); bona fide third parties, 5(8))"
        ),
        "expected_response_days": None,
        **FORMAL_SENDING_TERMS,
        "requirements": _vienna_requirements(),
        "notes": (
            "For drug trafficking offences and the laundering of their proceeds only. "
            + _parties_note(VIENNA_1988_PARTIES, VIENNA_1988_NOT_VERIFIED, "UN Treaty Collection, chapter VI.19")
        ),
    },
    {
        "code": "minsk-1993",
        "kind": "multilateral_convention",
        "short_name": "Minsk Convention 1993",
        "name_en": (
            "Convention on Legal Assistance and Legal Relations in Civil, Family and Criminal Matters (Minsk, 1993)"
        ),
        "name_ru": "Конвенция о правовой помощи и правовых отношениях по гражданским, семейным и уголовным делам "
        "(Минск, 22 января 1993 года)",
        "name_kk": "Азаматтық, отбасылық және қылмыстық істер бойынша құқықтық көмек және құқықтық қатынастар "
        "туралы конвенция (Минск, 1993 жылғы 22 қаңтар)",
        "counterpart_countries": MINSK_1993_PARTIES,
        "open_to_all_states": False,
        "signed_on": datetime.date(1993, 1, 22),
        "ratification_reference": "CIS Executive Committee, register of the Commonwealth's treaties",
        "scope_citation": "Art. 6 (scope of legal assistance)",
        "measures": _CIS_SCOPE,
        # Art. 6 lists the procedural actions "in particular": others the requested Party's law provides for.
        "any_other_assistance": True,
        "any_other_assistance_citation": "Art. 6 (other procedural actions the requested Party's law provides for)",
        "value_based_confiscation": False,
        "requested_party_retains_proceeds": False,
        "court_decision_required": False,
        "bona_fide_third_parties_protected": False,
        "confiscation_citation": "",
        "expected_response_days": None,
        **FORMAL_SENDING_TERMS,
        "requirements": _cis_requirements("7"),
        "notes": (
            "Between CIS states: requests pass between the competent institutions (for criminal cases the "
            "prosecutor's offices) in Russian or with a translation into it. No provision on confiscating "
            "proceeds: freezing or confiscation rests on art. 6's open list (note required). "
            + _parties_note(MINSK_1993_PARTIES, MINSK_1993_NOT_VERIFIED, "CIS Executive Committee register")
        ),
    },
    {
        "code": "chisinau-2002",
        "kind": "multilateral_convention",
        "short_name": "Chisinau Convention 2002",
        "name_en": (
            "Convention on Legal Assistance and Legal Relations in Civil, Family and Criminal Matters (Chisinau, 2002)"
        ),
        "name_ru": "Конвенция о правовой помощи и правовых отношениях по гражданским, семейным и уголовным делам "
        "(Кишинев, 7 октября 2002 года)",
        "name_kk": "Азаматтық, отбасылық және қылмыстық істер бойынша құқықтық көмек және құқықтық қатынастар "
        "туралы конвенция (Кишинев, 2002 жылғы 7 қазан)",
        "counterpart_countries": CHISINAU_2002_PARTIES,
        "open_to_all_states": False,
        "signed_on": datetime.date(2002, 10, 7),
        "ratification_reference": "CIS Executive Committee, register of the Commonwealth's treaties",
        "scope_citation": "Art. 6 (scope of legal assistance)",
        "measures": _CIS_SCOPE,
        "any_other_assistance": True,
        "any_other_assistance_citation": "Art. 6 (other procedural actions the requested Party's law provides for)",
        "value_based_confiscation": False,
        "requested_party_retains_proceeds": False,
        "court_decision_required": False,
        "bona_fide_third_parties_protected": False,
        "confiscation_citation": "",
        "expected_response_days": None,
        **FORMAL_SENDING_TERMS,
        "requirements": _cis_requirements("7"),
        "notes": (
            "Replaces the Minsk Convention between the states that ratified it; between the others the Minsk "
            "Convention still applies. Scope and contents taken as in the Minsk Convention: check them against "
            "the text. "
            + _parties_note(CHISINAU_2002_PARTIES, CHISINAU_2002_NOT_VERIFIED, "CIS Executive Committee register")
        ),
    },
]


INFORMAL_NETWORK_CODES = ["carin", "arin-ap", "arin-wca", "egmont"]


def legal_instruments() -> list[dict]:
    """Every instrument, with its scope (measure codes), counterparts (country codes) and requirements."""
    return _bilateral_instruments() + MULTILATERAL_INSTRUMENTS + CONVENTIONS_WITH_PARTIES
