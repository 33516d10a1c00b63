from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from shnor.core.documents import FORMATS, xlsx
from shnor.core.sheets import SheetError, Table
from shnor.uploads import SHEET_EXTENSIONS, validate_upload

from .access import require_regional
from .importing import COLUMNS, import_schools
from .models import Municipality, SchoolStatus, Scope


@login_required
def school_list(request):
    scope = Scope.of(request.user)
    schools = scope.schools().filtered(request.GET).select_related("municipality").order_by("municipality__name", "short_name")
    q, muni, status = request.GET.get("q", "").strip(), request.GET.get("municipality", ""), request.GET.get("status", "")
    page = Paginator(schools, 100).get_page(request.GET.get("page"))
    return render(request, "registry/school_list.html", {
        "title": "Школы", "page": page, "q": q, "municipality": muni, "status": status,
        "municipalities": Municipality.objects.filter(schools__in=scope.schools()).distinct().order_by("name"),
        "statuses": SchoolStatus.Kind.choices, "can_import": scope.is_regional,
    })


class UploadForm(forms.Form):
    file = forms.FileField(label="Файл XLSX или CSV", error_messages={"required": "Выберите файл."})
    region = forms.ModelChoiceField(queryset=None, label="Регион", empty_label=None)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def clean_file(self):
        f = self.cleaned_data["file"]
        validate_upload(f, extensions=SHEET_EXTENSIONS)
        return f


@login_required
def school_import(request):
    scope = require_regional(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, regions=scope.regions())
    result = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            result = import_schools(f.read(), f.name, form.cleaned_data["region"], request.user)
        except SheetError as exc:
            form.add_error("file", str(exc))
        else:
            if result.committed:
                messages.success(request, f"Список школ загружен: создано {result.created}, обновлено {result.updated}.")
            else:
                messages.error(request, "Список не загружен: исправьте ошибки в строках ниже и загрузите файл снова. Ничего не изменено.")
    return render(request, "registry/school_import.html", {"title": "Загрузка списка школ", "form": form, "result": result},
                  status=400 if request.method == "POST" and (not form.is_valid() or (result and not result.committed)) else 200)


@login_required
def school_template(request):
    require_regional(request.user)
    table = Table("shablon_shkoly", "Школы", COLUMNS, [[c.example for c in COLUMNS]],
                  notes=["Шаблон списка школ. Строка-пример ниже: замените её своими данными. * — обязательные столбцы."])
    response = HttpResponse(xlsx.write_bytes(table, mark_required=True), content_type=FORMATS["xlsx"].content_type)
    response["Content-Disposition"] = 'attachment; filename="shablon_shkoly.xlsx"'
    return response
