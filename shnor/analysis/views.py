# TEMPORARY: replaced by the analysis work (issue 3).
from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def spravka(request, code):
    return render(request, "web/error.html", {"title": "Справка", "message": "Раздел готовится."})


@login_required
def dashboard(request):
    return render(request, "web/error.html", {"title": "Аналитика", "message": "Раздел готовится."})


@login_required
def task_list(request):
    return render(request, "web/error.html", {"title": "Поручения", "message": "Раздел готовится."})
