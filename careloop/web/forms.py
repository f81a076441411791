"""The UI's own small forms: a user's preferences and a team."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from careloop.web.models import Preference, Team


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["language"]
        labels = {"language": _("Language")}


class TeamForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"), required=False,
        label=_("Members"), widget=forms.CheckboxSelectMultiple,  # styled as a row of choices on the page
    )

    class Meta:
        model = Team
        fields = ["name", "members"]
        labels = {"name": _("Name")}
