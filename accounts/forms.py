from __future__ import annotations

from urllib.parse import urlsplit

from django import forms

from accounts.models import Preference, SavedView


class PreferenceForm(forms.ModelForm):
    hours = forms.IntegerField(required=False, min_value=1, max_value=24 * 90)

    class Meta:
        model = Preference
        fields = ["hours", "vo"]


class SavedViewForm(forms.ModelForm):
    """A page's URL (path and query string, as the browser shows it) under a name."""

    url = forms.CharField(max_length=2500)

    class Meta:
        model = SavedView
        fields = ["name"]

    def clean_url(self) -> str:
        parts = urlsplit(self.cleaned_data["url"])
        # Only the monitor's own pages: a saved view is shared as a link.
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
            raise forms.ValidationError("a path of this monitor, e.g. /jobs/?jobstatus=failed")
        self.instance.path, self.instance.query = parts.path, parts.query
        return self.cleaned_data["url"]
