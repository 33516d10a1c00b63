"""The demo's recommendations and management decisions of the January–June 2021 справка, with their execution as the
addressees marked it, so that the next campaign's справка has a true «Исполнение рекомендаций …» section."""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.files.base import ContentFile
from django.utils import timezone

from shnor.actions import door
from shnor.actions.models import Action
from shnor.core import actions as core

SOURCE = "аналитическая справка по итогам мониторинга за январь – июнь 2021 года (демонстрационные данные)"

# kind, addressee as written, school numbers, text, deadline, status, who marks, note, order (number, date), link
ITEMS = [
    ("decision", "ЦНППМ", [], "запланировать практикумы с руководителями образовательных организаций по вопросам наставничества "
     "и внутришкольного контроля", "с 1 сентября 2021 г.", core.DONE, "coordinator",
     "Проведены два практикума (сентябрь, октябрь 2021 г.), участвовали руководители 14 школ.", ("312", date(2021, 8, 27)), ""),
    ("decision", "региональному координатору (О. Г. Викульева)", [], "организовать индивидуальную помощь образовательным "
     "организациям, отстающим в реализации дорожных карт", "постоянно", core.IN_PROGRESS, "coordinator",
     "Проведены консультации с тремя школами; работа продолжается.", None, ""),
    ("decision", "руководители ОО", [], "подготовить отчёт о реализации мероприятий дорожных карт за II полугодие 2021 года",
     "до 01 декабря 2021 года", core.NOT_STARTED, "", "", None, ""),
    ("recommendation", "Органу местного самоуправления в сфере образования (Рогнединский район)", [],
     "взять на контроль реализацию дорожных карт МБОУ «Гобикская СОШ» и МБОУ «Снопотская СОШ»; обеспечить представление "
     "заверенных отчётов", "до 01.12.2021", core.DONE, "municipal",
     "Реализация дорожных карт рассмотрена на совещании руководителей; отчёты представлены.", ("87", date(2021, 9, 14)), ""),
    ("recommendation", "Органу местного самоуправления в сфере образования (Гордеевский район)", [],
     "оказать помощь МБОУ Струговобудская ООШ в организации работы по направлению «работа с родителями»", "до 01.12.2021",
     core.IN_PROGRESS, "coordinator", "Запланирован выезд методиста.", None, ""),
    ("recommendation", "Образовательным организациям: МБОУ «Гобикская СОШ»", [9], "включить в дорожную карту и провести "
     "мероприятия по направлению «повышение мотивации обучающихся к учебной деятельности»", "в течение учебного года",
     core.DONE, "head", "Проведены предметная неделя и школьный этап олимпиады.", None, "https://gobik.example/news/olimpiada"),
    ("recommendation", "Образовательным организациям: МБОУ Карпиловская ООШ", [11], "обобщить опыт работы с родителями "
     "и представить его на региональном методическом семинаре", "до 01.12.2021", core.NOT_DONE, "coordinator",
     "Семинар перенесён организатором на 2022 год.", None, ""),
    ("recommendation", "Кураторам школ: МБОУ «Пацынская СОШ», МБОУ «Тюнинская СОШ имени Н.И.Рыленкова»", [10, 14],
     "организовать адресную методическую помощь и ежемесячно проверять выполнение дорожной карты", "постоянно",
     core.IN_PROGRESS, "coordinator", "", None, ""),
]


def load_actions(campaign, schools: dict, users: dict) -> int:
    """The items of `campaign` (bryansk-2021-h1); nothing when it already has some. Returns how many were made."""
    if Action.objects.filter(campaign=campaign).exists():
        return 0
    for kind, addressee, numbers, text, deadline, status, who, note, order, link in ITEMS:
        item = door.create(users["coordinator"], kind=kind, region=campaign.region, campaign=campaign, text=text, addressee_text=addressee,
                           deadline_text=deadline, school_ids=[schools[n].pk for n in numbers], source=SOURCE, context=campaign.period_end)
        if status == core.NOT_STARTED:
            continue
        evidence = ContentFile(b"%PDF-1.4 demo order", name=f"prikaz-{order[0]}.pdf") if order else None
        door.set_status(item, users[who], status, note=note, order_number=order[0] if order else "", order_date=order[1] if order else None,
                        evidence_url=link, evidence_file=evidence)
        when = timezone.make_aware(datetime.combine(order[1] if order else date(2021, 11, 20), time(11)))
        Action.objects.filter(pk=item.pk).update(status_changed_at=when)
    return len(ITEMS)
