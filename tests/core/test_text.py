from hypothesis import given, settings
from hypothesis import strategies as st

from shnor.core.text import fold, lemma_text, lemmas, normalise, tokens


def test_tokens_keep_words_and_punctuation():
    assert tokens("Заседание ШМО, протокол №3") == ["Заседание", "ШМО", ",", "протокол", "№", "3"]


def test_lemmas_give_lower_case_normal_forms():
    assert lemmas("Учителя прошли курсы") == ["учитель", "пройти", "курс"]


def test_lemmas_keep_field_abbreviations_as_tokens():
    assert lemmas("КПК, РМО, ВСОКО, ОГЭ, ВсОШ") == ["кпк", "рмо", "всоко", "огэ", "всош"]


def test_lemmas_drop_single_letter_words():
    assert lemmas("работа с родителями и учителями") == ["работа", "родитель", "учитель"]


def test_lemmas_strip_case_endings_and_digits_from_abbreviations():
    assert lemmas("разработка ИУПов, ИОМы, КДР4, ВПР-2020") == ["разработка", "иуп", "иом", "кдр", "впр"]


def test_lemmas_drop_numbers_dates_links_and_punctuation():
    text = "Приказ от 09.03.2022 № 52 https://clck.ru/34PaDg – 12 чел."
    assert lemmas(text) == ["приказ", "от", "человек"]


def test_lemmas_split_words_run_together():
    assert lemmas("документыподтверждают") == ["документ", "подтверждать"]
    assert lemmas("ведется вМБОУ") == ["вестись", "мбоу"]


def test_lemmas_split_hyphenated_compounds():
    assert lemmas("психолого-педагогическое сопровождение") == [
        "психолого",
        "педагогический",
        "сопровождение",
    ]


def test_lemmas_replace_yo_with_ye():
    assert lemmas("ребёнку") == ["ребенок"]


def test_lemma_text_joins_lemmas_with_spaces():
    assert lemma_text("Родительские собрания") == "родительский собрание"


def test_normalise_folds_case_and_drops_digits_and_links():
    assert normalise("  КПК – 12 чел.  Ёлка https://clck.ru/rk4QS") == "кпк – чел. елка"


def test_lemmas_of_empty_text_are_empty():
    assert lemmas("") == []
    assert lemmas("!!! 123 ...") == []


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_lemmas_never_crash_and_return_lower_case_words(text):
    for lemma in lemmas(text):
        assert lemma
        assert lemma == lemma.lower()
        assert " " not in lemma


def test_fold_makes_case_yo_quotes_and_spaces_alike():
    assert fold('МБОУ  «Гобикская СОШ»') == fold('мбоу "гобикская сош"') == "мбоу гобикская сош"
    assert fold("Всё ЕЩЁ") == "все еще"
    assert fold(None) == ""



def test_clip_keeps_a_short_text_and_cuts_a_long_one_at_a_word_with_an_ellipsis():
    from shnor.core.text import clip

    assert clip("Курсы повышения квалификации", 80) == "Курсы повышения квалификации"
    assert clip("Курсы повышения квалификации учителей математики", 30) == "Курсы повышения квалификации…"
    assert len(clip("Курсы повышения квалификации учителей математики", 30)) <= 30
    assert clip("Сверхдлинноеслово" * 5, 20) == ("Сверхдлинноеслово" * 5)[:19] + "…"  # no word boundary: cut where it must
    assert clip("Семинар, совещание — итоги", 21) == "Семинар, совещание…"  # no dangling punctuation
