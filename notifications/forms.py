from django import forms

from notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["weekly_digest", "assessment_reminders", "reassessment_reminders"]


class DueDateForm(forms.Form):
    due_date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
