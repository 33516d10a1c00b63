"""A campaign's title is followed by its period only when the title does not already name it."""

from datetime import date

from shnor.monitoring.models import Campaign


def test_the_period_is_added_only_when_the_title_does_not_name_it():
    named = Campaign(title="Мониторинг ШНОР, январь – июнь 2021 года", period_text="январь – июнь 2021 года",
                     period_start=date(2021, 1, 1), period_end=date(2021, 6, 30))
    assert named.title_with_period() == "Мониторинг ШНОР, январь – июнь 2021 года"
    plain = Campaign(title="Мониторинг ШНОР", period_text="", period_start=date(2021, 1, 1), period_end=date(2021, 6, 30))
    assert plain.title_with_period() == "Мониторинг ШНОР (01.01.2021 – 30.06.2021)"
