"""The UI's own small forms: a user's preferences and a team."""

from __future__ import annotations

from typing import cast

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
        cast(forms.ChoiceField, self.fields["language"]).choices = languages or list(settings.LANGUAGES)

    def clean(self) -> dict:
        from careloop.cases import canned

        super().clean()
        data = self.cleaned_data  # what super().clean() returns
        if self.errors:
            return data
        try:
            data["name"], data["language"], data["body"] = canned.check(
                data.get("name", ""), data.get("language", ""), data.get("body", ""), exclude=self.exclude)
        except canned.CannedResponseError as exc:
            words = CANNED_REFUSALS.get(exc.code)
            self.add_error(exc.field, str(words) % exc.params if words and exc.params else str(words or exc))
        return data


class ServiceLevelForm(forms.Form):
    """The service levels on the settings page (careloop/cases/service_levels.py): a number and its unit each; an
    empty number puts the level back to its default (CARELOOP_SERVICE_LEVELS)."""

    UNITS = (("hours", _("hours")), ("days", _("days")))
    LABELS = {"first_contact_hours": _("First private contact after a case opens, at most"),
              "follow_up_hours": _("Follow-up question after the action is done, at most")}

    def __init__(self, *args, defaults: dict[str, float] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from careloop.cases import service_levels as sla

        self.defaults = defaults or {}
        for name in sla.NAMES:
            self.fields[name] = forms.CharField(label=self.LABELS[name], required=False, max_length=20,
                                                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}))
            self.fields[f"{name}_unit"] = forms.ChoiceField(choices=self.UNITS, initial="hours",
                                                            label=_("Unit"), required=False)

    def rows(self) -> list[dict]:
        """Each level with its number field, its unit field and its default, for the template."""
        from careloop.cases import service_levels as sla

        return [{"name": name, "field": self[name], "unit": self[f"{name}_unit"],
                 "default": self.defaults.get(name)} for name in sla.NAMES]

    def clean(self):
        from careloop.cases import service_levels as sla

        super().clean()
        data = self.cleaned_data  # what super().clean() returns
        hours: dict[str, float | None] = {}
        for name in sla.NAMES:
            text = (data.get(name) or "").strip().replace(",", ".")
            if not text:
                hours[name] = None
                continue
            try:
                value = float(text)
            except ValueError:
                self.add_error(name, _("“%(text)s” is not a number. Write how long, e.g. 24 or 1.5.") % {"text": text})
                continue
            if value != value or value in (float("inf"), float("-inf")):
                self.add_error(name, _("Write how long as a plain number, e.g. 24 or 1.5."))
                continue
            if data.get(f"{name}_unit") == "days":
                value *= 24
            if value < sla.MIN_HOURS:
                self.add_error(name, _("That is too short: a service level is at least 15 minutes (0.25 hours)."))
            elif value > sla.MAX_HOURS:
                self.add_error(name, _("That is too long: a service level is at most 90 days (2,160 hours)."))
            else:
                hours[name] = round(value, 4)
        data["hours"] = hours
        return data
