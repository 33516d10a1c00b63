# TEMPORARY: replaced by the intake work (issue 4).
from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def upload(request, code):
    return render(request, "web/error.html", {"title": "Загрузка документов", "message": "Раздел готовится."})
