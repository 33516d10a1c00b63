from __future__ import annotations

from django import forms

from .models import ActivityType, Direction, PlannedActivity


class ActivityTypeForm(forms.ModelForm):
    directions = forms.ModelMultipleChoiceField(
        queryset=Direction.objects.select_related("framework").order_by("framework__code", "order"),
        required=False, label="Направления", widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ActivityType
        fields = ["name", "examples", "form", "is_active"]
        widgets = {"examples": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["directions"].initial = list(self.instance.mappings.values_list("direction_id", flat=True))
        self.fields["directions"].label_from_instance = lambda d: f"{d.framework.name}: {d.name}"


class DirectionForm(forms.ModelForm):
    class Meta:
        model = Direction
        fields = ["name", "order"]


class PlannedActivityForm(forms.ModelForm):
    deadline = forms.CharField(label="Сроки", required=False, max_length=300,
                               help_text="как в дорожной карте: «Октябрь 2021», «в течение учебного года», «до 01.12.2021»")

    class Meta:
        model = PlannedActivity
        fields = ["number", "section", "title", "activity_type", "directions", "responsible", "expected_result", "indicator"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "directions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, framework=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_type"].queryset = ActivityType.objects.filter(is_active=True)
        self.fields["activity_type"].empty_label = "— не указан —"
        self.fields["directions"].queryset = Direction.objects.filter(framework=framework) if framework else Direction.objects.none()
        if self.instance.pk:
            self.fields["deadline"].initial = self.instance.deadline_text
