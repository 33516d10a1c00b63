"""Regions, municipalities, schools, their yearly status, and who may see what.

Access scoping lives here: `School.objects.visible_to(user)` is the one place that decides which
schools a person may see; every view and API endpoint goes through it (or through `Scope`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from shnor.core.text import fold, parse_id


class Region(models.Model):
    code = models.SlugField("код", max_length=40, unique=True)
    name = models.CharField("название", max_length=200)

    class Meta:
        verbose_name = "регион"
        verbose_name_plural = "регионы"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name="регион")
    name = models.CharField("название", max_length=200)
    okato = models.CharField("код ОКТМО", max_length=20, blank=True)

    class Meta:
        verbose_name = "муниципалитет"
        verbose_name_plural = "муниципалитеты"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_name")]

    def __str__(self) -> str:
        return self.name


class SchoolQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def visible_to(self, user):
        return Scope.of(user).schools(self)

    def search(self, text: str):
        return self.filter(name_search__contains=fold(text)) if text else self

    def filtered(self, params):
        """The school list's filters from a query string: q (name), municipality, status, school."""
        qs = self.search(params.get("q", "").strip())
        municipality, status, school = params.get("municipality", ""), params.get("status", ""), params.get("school", "")
        if municipality:
            qs = qs.filter(municipality_id=parse_id(municipality)) if parse_id(municipality) else qs.none()
        if status in SchoolStatus.Kind.values:
            qs = qs.filter(statuses__status=status).distinct()
        if school:
            qs = qs.filter(pk=parse_id(school)) if parse_id(school) else qs.none()
        return qs


class School(models.Model):
    class Kind(models.TextChoices):
        SOSH = "СОШ", "СОШ — средняя общеобразовательная школа"
        OOSH = "ООШ", "ООШ — основная общеобразовательная школа"
        NOSH = "НОШ", "НОШ — начальная общеобразовательная школа"
        GYMNASIUM = "гимназия", "гимназия"
        LYCEUM = "лицей", "лицей"
        BOARDING = "школа-интернат", "школа-интернат"
        EVENING = "ВСОШ", "вечерняя (сменная) школа"
        OTHER = "иное", "иное"

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="schools", verbose_name="муниципалитет")
    full_name = models.CharField("полное наименование", max_length=500)
    short_name = models.CharField("краткое наименование", max_length=250)
    kind = models.CharField("тип", max_length=20, choices=Kind.choices, default=Kind.SOSH)
    number = models.CharField("номер", max_length=10, blank=True, help_text="«2» для «СОШ № 2»; сравнивается точно")
    inn = models.CharField("ИНН", max_length=12, blank=True)
    website = models.URLField("сайт", blank=True)
    email = models.EmailField("e-mail", blank=True)
    is_active = models.BooleanField("действует", default=True)
    # fold(short + full name), stored: SQLite's LIKE is case-sensitive for Cyrillic.
    name_search = models.CharField(max_length=800, editable=False, db_index=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = "школа"
        verbose_name_plural = "школы"
        ordering = ["short_name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "short_name"], name="school_unique_short_name"),
        ]

    def __str__(self) -> str:
        return self.short_name

    def save(self, *args, **kwargs):
        self.name_search = fold(f"{self.short_name} {self.full_name}")
        super().save(*args, **kwargs)

    @property
    def region_id(self) -> int:
        return self.municipality.region_id

    def status_for(self, year: int) -> SchoolStatus | None:
        return self.statuses.filter(year=year).first()


class SchoolStatus(models.Model):
    """Whether a school is in the ШНОР list (or risk zone, or a leader) for an academic year, and why."""

    class Kind(models.TextChoices):
        SHNOR = "shnor", "ШНОР"
        RISK = "risk", "зона риска"
        LEADER = "leader", "школа-лидер"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="statuses", verbose_name="школа")
    year = models.PositiveSmallIntegerField("учебный год (начало)", help_text="2021 для 2021/2022 учебного года")
    status = models.CharField("статус", max_length=10, choices=Kind.choices)
    basis_number = models.CharField("номер приказа", max_length=50, blank=True)
    basis_date = models.DateField("дата приказа", null=True, blank=True)
    basis_issuer = models.CharField("кто издал", max_length=300, blank=True)
    criteria = models.TextField("критерии включения", blank=True)
    risk_profiles = models.ManyToManyField("plans.Direction", blank=True, related_name="+", verbose_name="рисковые профили")

    class Meta:
        verbose_name = "статус школы"
        verbose_name_plural = "статусы школ"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="school_status_unique_year")]

    def __str__(self) -> str:
        return f"{self.school} — {self.get_status_display()} ({self.year}/{self.year + 1})"

    @property
    def basis(self) -> str:
        parts = ["приказ"]
        if self.basis_issuer:
            parts.append(self.basis_issuer)
        if self.basis_date:
            parts.append(f"от {self.basis_date:%d.%m.%Y}")
        if self.basis_number:
            parts.append(f"№ {self.basis_number}")
        return " ".join(parts) if len(parts) > 1 else ""


class Membership(models.Model):
    """A person's role and its scope. A curator holds one membership per assigned school."""

    class Role(models.TextChoices):
        REGIONAL = "regional", "региональный координатор"
        MUNICIPAL = "municipal", "муниципальный координатор"
        CURATOR = "curator", "куратор"
        HEAD = "head", "руководитель ОО"
        STAFF = "staff", "сотрудник ОО"
        OBSERVER = "observer", "наблюдатель"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name="пользователь")
    role = models.CharField("роль", max_length=12, choices=Role.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="регион")
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="муниципалитет")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships", verbose_name="школа")
    position = models.CharField("должность", max_length=300, blank=True)

    class Meta:
        verbose_name = "роль пользователя"
        verbose_name_plural = "роли пользователей"
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role__in=["regional"], region__isnull=False, municipality__isnull=True, school__isnull=True)
                    | Q(role="municipal", municipality__isnull=False, school__isnull=True)
                    | Q(role__in=["curator", "head", "staff"], school__isnull=False)
                    | Q(role="observer", school__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        target = self.school or self.municipality or self.region or "вся страна"
        return f"{self.user} — {self.get_role_display()} ({target})"


class Scope:
    """What one user may see and do, computed once per request from their memberships."""

    COORDINATOR_ROLES = {Membership.Role.REGIONAL, Membership.Role.MUNICIPAL}

    def __init__(self, user, memberships: list[Membership]):
        self.user = user
        self.memberships = memberships
        self.roles = {m.role for m in memberships}

    @classmethod
    def of(cls, user) -> Scope:
        if user is None or not user.is_authenticated:
            return cls(user, [])
        cached = getattr(user, "_shnor_scope", None)
        if cached is None:
            cached = cls(user, list(user.memberships.all()))
            user._shnor_scope = cached
        return cached

    @property
    def is_superuser(self) -> bool:
        return bool(self.user and self.user.is_authenticated and self.user.is_superuser)

    def _filter(self) -> Q | None:
        """A Q over School, or None for 'everything'."""
        if self.is_superuser:
            return None
        q = Q(pk__in=[])
        for m in self.memberships:
            if m.role in (Membership.Role.REGIONAL, Membership.Role.OBSERVER) and m.region_id:
                q |= Q(municipality__region_id=m.region_id)
            elif m.role in (Membership.Role.MUNICIPAL, Membership.Role.OBSERVER) and m.municipality_id:
                q |= Q(municipality_id=m.municipality_id)
            elif m.role == Membership.Role.OBSERVER:
                return None  # a federal observer sees the country, read-only
            elif m.school_id:
                q |= Q(pk=m.school_id)
        return q

    def schools(self, qs=None):
        qs = School.objects.all() if qs is None else qs
        q = self._filter()
        return qs if q is None else qs.filter(q)

    def school_q(self, prefix: str) -> Q:
        """The same scope as a Q over a related model: `scope.school_q("school")` for a report."""
        q = self._filter()
        if q is None:
            return Q()
        return Q(**{f"{prefix}__in": self.schools()})

    def can_see_school(self, school: School) -> bool:
        return self.schools().filter(pk=school.pk).exists()

    def _has(self, role: str, school: School) -> bool:
        return any(m.role == role and m.school_id == school.pk for m in self.memberships)

    def coordinates_school(self, school: School) -> bool:
        if self.is_superuser:
            return True
        for m in self.memberships:
            if m.role == Membership.Role.REGIONAL and m.region_id == school.municipality.region_id:
                return True
            if m.role == Membership.Role.MUNICIPAL and m.municipality_id == school.municipality_id:
                return True
        return False

    def coordinates_region(self, region_id: int) -> bool:
        return self.is_superuser or any(m.role == Membership.Role.REGIONAL and m.region_id == region_id for m in self.memberships)

    def can_edit_report_of(self, school: School) -> bool:
        return self._has(Membership.Role.HEAD, school) or self._has(Membership.Role.STAFF, school)

    def can_submit_report_of(self, school: School) -> bool:
        return self._has(Membership.Role.HEAD, school)

    def can_certify_report_of(self, school: School) -> bool:
        return self._has(Membership.Role.CURATOR, school)

    def can_accept_report_of(self, school: School) -> bool:
        return self.coordinates_school(school)

    def can_edit_roadmap_of(self, school: School) -> bool:
        return self._has(Membership.Role.HEAD, school) or self._has(Membership.Role.CURATOR, school) or self.coordinates_school(school)

    def can_diagnose(self, school: School) -> bool:
        """Record and correct a school's causes, deficits and risks: its curator and its coordinators."""
        return self._has(Membership.Role.CURATOR, school) or self.coordinates_school(school)

    # A municipality's own roadmap and report: its municipal coordinator, the region's coordinator and observer.

    def visible_municipalities(self, qs=None):
        """Municipalities whose own roadmap and report this user may see (schools and other municipalities may not)."""
        qs = Municipality.objects.all() if qs is None else qs
        if self.is_superuser:
            return qs
        q = Q(pk__in=[])
        for m in self.memberships:
            if m.role in (Membership.Role.REGIONAL, Membership.Role.OBSERVER) and m.region_id:
                q |= Q(region_id=m.region_id)
            elif m.role in (Membership.Role.MUNICIPAL, Membership.Role.OBSERVER) and m.municipality_id:
                q |= Q(pk=m.municipality_id)
            elif m.role == Membership.Role.OBSERVER:
                return qs  # a federal observer sees the country, read-only
        return qs.filter(q)

    def can_see_municipality(self, municipality: Municipality) -> bool:
        return self.visible_municipalities().filter(pk=municipality.pk).exists()

    def _municipal_coordinator_of(self, municipality: Municipality) -> bool:
        return any(m.role == Membership.Role.MUNICIPAL and m.municipality_id == municipality.pk for m in self.memberships)

    def can_edit_municipal_report(self, municipality: Municipality) -> bool:
        """Fill in and submit the municipality's own report: its municipal coordinator."""
        return self._municipal_coordinator_of(municipality)

    def can_certify_municipal_report(self, municipality: Municipality) -> bool:
        """Certify, accept or return the municipality's own report: the regional coordinator (no curator step)."""
        return self.coordinates_region(municipality.region_id)

    def can_edit_municipal_roadmap(self, municipality: Municipality) -> bool:
        return self._municipal_coordinator_of(municipality) or self.coordinates_region(municipality.region_id)

    @property
    def is_coordinator(self) -> bool:
        return self.is_superuser or bool(self.roles & self.COORDINATOR_ROLES)

    @property
    def is_regional(self) -> bool:
        return self.is_superuser or Membership.Role.REGIONAL in self.roles

    def coordinated_regions(self):
        """Regions this user coordinates as the regional coordinator (a municipal coordinator coordinates none)."""
        if self.is_superuser:
            return Region.objects.all()
        return Region.objects.filter(pk__in={m.region_id for m in self.memberships if m.role == Membership.Role.REGIONAL})

    def regions(self):
        """Regions in which this user coordinates (may create campaigns, edit catalogues)."""
        if self.is_superuser:
            return Region.objects.all()
        ids = {m.region_id for m in self.memberships if m.role == Membership.Role.REGIONAL}
        ids |= {m.municipality.region_id for m in self.memberships if m.role == Membership.Role.MUNICIPAL}
        return Region.objects.filter(pk__in=ids)

    def municipalities(self):
        if self.is_superuser:
            return Municipality.objects.all()
        q = Q(pk__in=[])
        for m in self.memberships:
            if m.role == Membership.Role.REGIONAL:
                q |= Q(region_id=m.region_id)
            elif m.role == Membership.Role.MUNICIPAL:
                q |= Q(pk=m.municipality_id)
        return Municipality.objects.filter(q)
