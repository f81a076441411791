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


# What careloop.cases.canned.check refuses, in the reader's language (by the refusal's code).
CANNED_REFUSALS = {
    "no_name": _("Give the canned response a name."),
    "long_name": _("The name is too long: at most %(max)s characters."),
    "no_language": _("Choose the language of the canned response."),
    "no_body": _("Write the text of the canned response."),
    "long_body": _("The text is too long: at most %(max)s characters."),
    "brace": _("A curly brace is not closed. Placeholders look like {member_name}; write a brace on its own as "
               "{{ or }}."),
    "placeholder": _("“{%(name)s}” is not a placeholder careloop knows. Use one of: %(known)s."),
    "taken": _("There is already a canned response named “%(name)s” in this language."),
}


class CannedResponseForm(forms.Form):
    """A canned response in the settings page; the checks (and their words) are careloop.cases.canned.check."""

    name = forms.CharField(label=_("Name"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    language = forms.ChoiceField(label=_("Language"), choices=[])
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, languages: list[tuple[str, str]] | None = None, exclude: int | None = None,
                 **kwargs) -> None:
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.exclude = exclude
        self.fields["language"].choices = languages or list(settings.LANGUAGES)

    def clean(self) -> dict:
        from careloop.cases import canned

        data = super().clean()
        if self.errors:
            return data
        try:
            data["name"], data["language"], data["body"] = canned.check(
                data.get("name", ""), data.get("language", ""), data.get("body", ""), exclude=self.exclude)
        except canned.CannedResponseError as exc:
            words = CANNED_REFUSALS.get(exc.code)
            self.add_error(exc.field, str(words) % exc.params if words and exc.params else str(words or exc))
        return data
