import threading
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shnor.core import russian
from shnor.core.russian import (
    NBSP,
    agree,
    count_share,
    format_date,
    format_date_numeric,
    format_decimal,
    format_delta,
    format_percent,
    inflect,
    normalize_spaces,
    parse_decimal,
    percent,
    plural,
)

# ----------------------------------------------------------------------------------------------
# percent
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "total", "expected"),
    [
        (1, 16, "6.3"),  # 6.25: round() would give 6.2
        (13, 16, "81.3"),  # 81.25
        (2, 16, "12.5"),
        (3, 16, "18.8"),  # 18.75
        (14, 16, "87.5"),
        (11, 16, "68.8"),  # 68.75
        (9, 16, "56.3"),  # 56.25
        (16, 16, "100"),
        (0, 16, "0"),
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (5, 8, "62.5"),
        (1, 8, "12.5"),
        (1, 80, "1.3"),  # 1.25
        (1, 2000, "0.1"),  # 0.05
        (1, 2001, "0"),  # 0.0499…
        (17, 16, "106.3"),
        (500, 40000, "1.3"),  # 1.25
    ],
)
def test_percent_rounds_half_up_on_the_exact_value(part, total, expected):
    assert percent(part, total) == Decimal(expected)


def test_percent_has_one_decimal_place():
    assert str(percent(1, 16)) == "6.3"
    assert str(percent(16, 16)) == "100.0"


def test_percent_of_nothing_is_none():
    assert percent(0, 0) is None
    assert percent(3, 0) is None


@given(part=st.integers(0, 10_000), total=st.integers(1, 10_000))
def test_percent_is_never_more_than_half_a_tenth_off(part, total):
    exact = Fraction(part * 100, total)
    assert abs(Fraction(percent(part, total)) - exact) <= Fraction(1, 20)


# ----------------------------------------------------------------------------------------------
# format_decimal, format_percent, count_share, format_delta
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (1234.5, {}, "1 234,5"),
        (100.0, {}, "100"),
        (100, {}, "100"),
        (100.0, {"strip_zero": False}, "100,0"),
        (Decimal("12.50"), {"places": 2}, "12,50"),
        (Decimal("12.5"), {}, "12,5"),
        (0, {}, "0"),
        (0.05, {}, "0,1"),  # half up, and 0.05 is read as written, not as its binary approximation
        (0.15, {}, "0,2"),
        (2.675, {"places": 2}, "2,68"),  # round(2.675, 2) == 2.67
        (6.25, {}, "6,3"),
        (-6.25, {}, "−6,3"),  # half away from zero, U+2212 minus
        (-0.04, {}, "0"),  # no «−0»
        (-1234567.891, {"places": 2}, "−1 234 567,89"),
        (999.96, {}, "1 000"),
        (1000000, {}, "1 000 000"),
        (1234.5, {"places": 0}, "1 235"),
        (Fraction(1, 3), {"places": 3}, "0,333"),
        (None, {}, "—"),
    ],
)
def test_format_decimal_uses_comma_and_nbsp_groups(value, kwargs, expected):
    assert format_decimal(value, **kwargs) == expected.replace(" ", NBSP)


def test_format_decimal_separates_thousands_with_nbsp():
    assert format_decimal(1234.5) == f"1{NBSP}234,5"


@pytest.mark.parametrize("value", ["12,5", float("nan"), float("inf"), True])
def test_format_decimal_refuses_non_numbers(value):
    with pytest.raises((TypeError, ValueError)):
        format_decimal(value)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (12.5, 1, "12,5 %"),
        (100, 1, "100 %"),
        (Decimal("100.0"), 1, "100 %"),
        (6.3, 1, "6,3 %"),
        (Decimal("6.25"), 1, "6,3 %"),
        (0, 1, "0 %"),
        (33.333, 2, "33,33 %"),
        (None, 1, "—"),
    ],
)
def test_format_percent_puts_nbsp_before_percent_sign(value, places, expected):
    assert format_percent(value, places) == expected.replace(" ", NBSP)


@pytest.mark.parametrize(
    ("part", "total", "expected"),
    [
        (2, 16, "2 (12,5 %)"),
        (16, 16, "16 (100 %)"),
        (0, 16, "0 (0 %)"),
        (1, 16, "1 (6,3 %)"),
        (13, 16, "13 (81,3 %)"),
        (3, 16, "3 (18,8 %)"),
        (0, 0, "0 (—)"),
        (1234, 2000, "1 234 (61,7 %)"),
    ],
)
def test_count_share_shows_count_and_percentage(part, total, expected):
    assert normalize_spaces(count_share(part, total)) == expected


def test_count_share_never_prints_the_bryansk_error():
    # The Bryansk справка printed «2 (17%)» for 2 of 16.
    assert normalize_spaces(count_share(2, 16)) != "2 (17 %)"


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (1.1, {}, "+1,1 п.п."),
        (-0.8, {}, "−0,8 п.п."),
        (Decimal("-0.76"), {"unit": "%", "places": 2}, "−0,76 %"),
        (0, {}, "0 п.п."),
        (0.04, {}, "0 п.п."),  # rounds to zero: no sign
        (-0.04, {}, "0 п.п."),
        (2, {}, "+2 п.п."),
        (1.05, {}, "+1,1 п.п."),
        (-18, {"unit": "чел."}, "−18 чел."),
        (1234.5, {"unit": ""}, "+1 234,5"),
        (None, {}, "—"),
    ],
)
def test_format_delta_shows_sign_and_unit(value, kwargs, expected):
    assert normalize_spaces(format_delta(value, **kwargs)) == expected


def test_format_delta_uses_true_minus_and_nbsp_before_unit():
    assert format_delta(-0.8) == f"\u22120,8{NBSP}п.п."


# ----------------------------------------------------------------------------------------------
# parse_decimal, normalize_spaces
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,1", "1.1"),
        ("−0,76", "-0.76"),
        ("-0,76", "-0.76"),
        ("–3", "-3"),
        ("+1,5", "1.5"),
        ("1 234,5", "1234.5"),
        (f"1{NBSP}234,5", "1234.5"),
        ("1\u202f234,5", "1234.5"),
        ("12 345 678,9", "12345678.9"),
        ("12,5 %", "12.5"),
        ("12,5%", "12.5"),
        (f"100{NBSP}%", "100"),
        ("1.5", "1.5"),
        ("  7  ", "7"),
        ("0", "0"),
    ],
)
def test_parse_decimal_reads_russian_numbers(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["", "abc", "1 23", "1,2,3", "12,5 % школ", "1.234,5", ",5", "—", "1e5", None]
)
def test_parse_decimal_returns_none_for_garbage(text):
    assert parse_decimal(text) is None


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2))
def test_parse_decimal_reads_back_what_format_decimal_writes(value):
    assert parse_decimal(format_decimal(value, 2, strip_zero=False)) == value


def test_normalize_spaces_turns_special_spaces_into_one_plain_space():
    assert normalize_spaces(f" 1{NBSP}234\u2009школы\u202f\n\t(12,5{NBSP}%) ") == "1 234 школы (12,5 %)"


# ----------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "words", "digits"),
    [
        (date(2021, 7, 1), "1 июля 2021 г.", "01.07.2021"),
        (date(2022, 12, 31), "31 декабря 2022 г.", "31.12.2022"),
        (date(2023, 2, 2), "2 февраля 2023 г.", "02.02.2023"),
        (date(2024, 5, 9), "9 мая 2024 г.", "09.05.2024"),
        (date(2020, 3, 8), "8 марта 2020 г.", "08.03.2020"),
    ],
)
def test_format_date_writes_russian_dates(d, words, digits):
    assert normalize_spaces(format_date(d)) == words
    assert format_date_numeric(d) == digits


def test_format_date_keeps_year_and_g_together():
    assert format_date(date(2021, 7, 1)).endswith(f"2021{NBSP}г.")


# ----------------------------------------------------------------------------------------------
# plural and agree
# ----------------------------------------------------------------------------------------------

NUMBERS = (0, 1, 2, 3, 4, 5, 11, 12, 13, 14, 21, 22, 25, 101, 111, 112, 1234)

PLURALS = {
    "школа": "школ школа школы школы школы школ школ школ школ школ школа школы школ школа школ школ школы",
    "мероприятие": (
        "мероприятий мероприятие мероприятия мероприятия мероприятия мероприятий мероприятий мероприятий "
        "мероприятий мероприятий мероприятие мероприятия мероприятий мероприятие мероприятий мероприятий мероприятия"
    ),
    "учитель": (
        "учителей учитель учителя учителя учителя учителей учителей учителей учителей учителей учитель "
        "учителя учителей учитель учителей учителей учителя"
    ),
    "год": "лет год года года года лет лет лет лет лет год года лет год лет лет года",
    "человек": (
        "человек человек человека человека человека человек человек человек человек человек человек "
        "человека человек человек человек человек человека"
    ),
}


@pytest.mark.parametrize("word", list(PLURALS))
def test_plural_agrees_noun_with_every_kind_of_number(word):
    assert [plural(n, word) for n in NUMBERS] == PLURALS[word].split()


@pytest.mark.parametrize(
    ("n", "phrase", "expected"),
    [
        (1, "образовательная организация", "образовательная организация"),
        (2, "образовательная организация", "образовательные организации"),  # feminine: nominative plural
        (3, "образовательная организация", "образовательные организации"),
        (22, "образовательная организация", "образовательные организации"),
        (5, "образовательная организация", "образовательных организаций"),
        (11, "образовательная организация", "образовательных организаций"),
        (21, "образовательная организация", "образовательная организация"),
        (1, "общеобразовательное учреждение", "общеобразовательное учреждение"),
        (2, "общеобразовательное учреждение", "общеобразовательных учреждения"),  # neuter: genitive plural
        (5, "общеобразовательное учреждение", "общеобразовательных учреждений"),
        (2, "учебный год", "учебных года"),  # masculine: genitive plural
        (5, "учебный год", "учебных лет"),
        (4, "новая столовая", "новые столовые"),
        (2, "столовая", "столовые"),  # a noun declined like an adjective counts like one
        (2, "учёный", "учёных"),
        (3, "заведующий", "заведующих"),
        (2, "школа-лидер", "школы-лидера"),
        (5, "школа-лидер", "школ-лидеров"),
        (5, "молодой человек", "молодых людей"),
        (2, "молодой человек", "молодых человека"),
        (5, "учитель математики", "учителей математики"),
        (2, "мероприятие по повышению мотивации", "мероприятия по повышению мотивации"),
        (12, "Образовательная организация", "Образовательных организаций"),
        (5, "МБОУ «Пацынская СОШ»", "МБОУ «Пацынская СОШ»"),
        (5, "ОО", "ОО"),
        (-2, "школа", "школы"),
    ],
)
def test_plural_agrees_adjective_and_noun_phrases(n, phrase, expected):
    assert plural(n, phrase) == expected


@pytest.mark.parametrize(
    ("n", "word", "expected"),
    [
        (0, "школа", "0 школ"),
        (1, "школа", "1 школа"),
        (2, "школа", "2 школы"),
        (5, "школа", "5 школ"),
        (11, "школа", "11 школ"),
        (14, "школа", "14 школ"),
        (21, "школа", "21 школа"),
        (22, "школа", "22 школы"),
        (25, "школа", "25 школ"),
        (101, "школа", "101 школа"),
        (111, "школа", "111 школ"),
        (112, "школа", "112 школ"),
        (1234, "школа", "1 234 школы"),
        (1_000_001, "школа", "1 000 001 школа"),
        (16, "образовательная организация", "16 образовательных организаций"),
        (9, "общеобразовательная организация", "9 общеобразовательных организаций"),
        (2, "образовательная организация", "2 образовательные организации"),
        (3, "мероприятие", "3 мероприятия"),
        (28, "человек", "28 человек"),
        (10, "человек", "10 человек"),
        (3, "год", "3 года"),
        (-3, "школа", "−3 школы"),
    ],
)
def test_agree_writes_number_and_agreeing_noun(n, word, expected):
    assert normalize_spaces(agree(n, word)) == expected


def test_agree_groups_thousands_and_binds_noun_with_nbsp():
    assert agree(1234, "школа") == f"1{NBSP}234{NBSP}школы"


def test_agree_declines_each_word_form_once():
    from shnor.core.russian import _cached_decline

    words = ("школа", "образовательная организация", "мероприятие", "учитель")
    for w in words:
        for n in (1, 2, 5):
            agree(n, w)
    misses = _cached_decline.cache_info().misses
    for i in range(1_000):
        agree(i, words[i % len(words)])
    # Every number needs one of three forms of each word, and all of them were declined above.
    assert _cached_decline.cache_info().misses == misses


def test_agree_is_safe_from_several_threads():
    results: dict[int, list[str]] = {}

    def work(k):
        # Each thread keeps its own list: a shared list's extend() from a generator interleaves threads.
        results[k] = [normalize_spaces(agree(n, "направление")) for n in (1, 2, 5)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert list(results.values()) == [["1 направление", "2 направления", "5 направлений"]] * 8


# ----------------------------------------------------------------------------------------------
# inflect
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "case", "number", "expected"),
    [
        ("направление", "loct", "sing", "направлении"),
        ("направление", "gent", "plur", "направлений"),
        ("школа", "gent", "sing", "школы"),
        ("школа", "datv", "plur", "школам"),
        ("школа", "accs", "sing", "школу"),
        ("школа", "ablt", "sing", "школой"),
        ("школа", "nomn", "plur", "школы"),
        ("школа-лидер", "datv", "sing", "школе-лидеру"),
        ("школа-лидер", "ablt", "plur", "школами-лидерами"),
        ("образовательная организация", "loct", "sing", "образовательной организации"),
        ("образовательная организация", "accs", "sing", "образовательную организацию"),
        ("образовательная организация", "datv", "plur", "образовательным организациям"),
        ("общеобразовательное учреждение", "ablt", "sing", "общеобразовательным учреждением"),
        ("молодой учитель", "accs", "sing", "молодого учителя"),  # animate masculine
        ("молодой учитель", "accs", "plur", "молодых учителей"),
        ("учебный план", "accs", "sing", "учебный план"),  # inanimate masculine
        ("новая школа", "accs", "plur", "новые школы"),
        ("учитель", "nomn", "plur", "учителя"),  # not the bookish «учители»
        ("учитель-логопед", "nomn", "plur", "учителя-логопеды"),
        ("региональный координатор", "datv", "sing", "региональному координатору"),
        ("куратор", "ablt", "sing", "куратором"),
        ("учитель математики", "datv", "sing", "учителю математики"),
        ("Отдел образования", "loct", "sing", "Отделе образования"),
        ("Методическое объединение учителей", "gent", "sing", "Методического объединения учителей"),
        ("заведующий центром", "datv", "sing", "заведующему центром"),
        ("школа «Лидер»", "loct", "sing", "школе «Лидер»"),
        ("дорожная карта школы № 2", "accs", "sing", "дорожную карту школы № 2"),
        ("МБОУ «Пацынская СОШ»", "loct", "sing", "МБОУ «Пацынская СОШ»"),
        ("«Точка роста»", "gent", "sing", "«Точка роста»"),
        ("ЦНППМ", "datv", "sing", "ЦНППМ"),
        ("ОО", "loct", "plur", "ОО"),
        ("", "gent", "sing", ""),
        ("2022", "gent", "sing", "2022"),
    ],
)
def test_inflect_declines_known_words_and_keeps_names(phrase, case, number, expected):
    assert inflect(phrase, case, number) == expected


def test_inflect_rejects_unknown_case_or_number():
    with pytest.raises(ValueError):
        inflect("школа", "vocative")
    with pytest.raises(ValueError):
        inflect("школа", "gent", "dual")


@given(st.text(max_size=60))
def test_inflect_and_plural_never_fail_on_odd_text(text):
    assert isinstance(inflect(text, "gent"), str)
    assert isinstance(plural(5, text), str)


def test_a_latin_slug_transliterates_and_keeps_words_whole():
    from shnor.core.russian import latin_slug

    assert latin_slug("Мониторинг ШНОР, II полугодие 2026 года") == "monitoring-shnor-ii-polugodie-2026-goda"
    assert latin_slug("Щёлково: объём «Подъезд»", max_chars=14) == "shchelkovo"
    assert latin_slug("«»") == "campaign"


def test_shifting_a_period_by_months_keeps_month_ends():
    from datetime import date

    from shnor.core.periods import months_spanned, shift_months

    assert months_spanned(date(2021, 7, 1), date(2021, 12, 31)) == 6
    assert shift_months(date(2021, 12, 31), 6) == date(2022, 6, 30)
    assert shift_months(date(2022, 1, 20), 6) == date(2022, 7, 20)


@pytest.mark.parametrize(
    "name, gender",
    [("Кузнецова Марина Ивановна", "femn"), ("Сергеев Андрей Николаевич", "masc"), ("Лапина Елена Ильинична", "femn"),
     ("Мамедов Ильхам Гейдар оглы", "masc"), ("Алиева Лейла Рашид кызы", "femn"), ("Администратор", None), ("", None)],
)
def test_it_tells_a_persons_gender_by_the_patronymic(name, gender):
    assert russian.gender_of(name) == gender


@pytest.mark.parametrize(
    "verb, gender, expected",
    [("изменил", "femn", "изменила"), ("изменил", "masc", "изменил"), ("изменил", None, "изменил(а)"),
     ("отказался", "femn", "отказалась"), ("отказался", None, "отказал(а)ся")],
)
def test_it_agrees_a_past_verb_with_a_person(verb, gender, expected):
    assert russian.verb_past(verb, gender) == expected


@pytest.mark.parametrize("n, expected", [(1, "ждёт"), (21, "ждёт"), (2, "ждут"), (5, "ждут"), (11, "ждут"), (0, "ждут")])
def test_it_agrees_a_verb_with_a_number(n, expected):
    assert russian.by_number(n, "ждёт", "ждут") == expected


def _by_fraction(value, places):
    exact = russian._exact(value)
    return russian._half_up(exact.numerator, exact.denominator, places)


@given(st.one_of(st.integers(-10**40, 10**40), st.decimals(allow_nan=False, allow_infinity=False, places=4),
                 st.decimals(allow_nan=False, allow_infinity=False), st.floats(allow_nan=False, allow_infinity=False),
                 st.sampled_from([Decimal("0.05"), Decimal("-0.05"), Decimal("-0.04"), Decimal("6.25"), Decimal("-6.25"), 6.25, -0.04,
                                  Decimal("1E+40"), Decimal("123456789012345678901234567.89")])),
       st.integers(0, 3))
def test_the_decimal_and_integer_roundings_equal_the_exact_fractions(value, places):
    rounded = russian._rounded(value, places)
    assert str(rounded) == str(_by_fraction(value, places))  # the same number, written the same way (never −0)


@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6).filter(bool))
def test_percent_by_integers_equals_the_exact_fraction(part, total):
    assert russian.percent(part, total) == _by_fraction(Fraction(part * 100, total), 1)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), float("nan"), float("inf")])
def test_what_is_not_a_number_is_refused(value):
    with pytest.raises((ValueError, OverflowError, TypeError)):
        format_decimal(value)
