from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm

from orgs.models import Membership, Organization

PROFILE_FIELDS = ["name", "arr_band", "segment", "team_size", "team_age", "industry"]
EMAIL_TAKEN = "An account with this email already exists. Log in instead, or reset your password."
# An account's email is also its username, which is shorter than an email address may be: a
# longer one would fail in the database (PostgreSQL) instead of in the form.
ACCOUNT_EMAIL_MAX_LENGTH = get_user_model()._meta.get_field("username").max_length


class SignupForm(forms.Form):
    KIND_CHOICES = [
        ("leader", "I lead a Customer Success team"),
        ("consultant", "I am a consultant working with several CS teams"),
    ]
    name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(label="Work email", max_length=ACCOUNT_EMAIL_MAX_LENGTH)
    password = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    kind = forms.ChoiceField(
        label="How will you use Stagewise?",
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        initial="leader",
    )
    org_name = forms.CharField(
        label="Organization name",
        max_length=120,
        required=False,
        help_text="Your company or CS organization. You can change it later.",
    )
    company = forms.CharField(label="Consultancy (optional)", max_length=120, required=False)

    def __init__(self, *args, invited_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.invited_email = invited_email
        if invited_email:
            # An invited person joins an existing org: no org or consultant choice to make.
            self.fields["email"].initial = invited_email
            self.fields["email"].disabled = True
            for name in ("kind", "org_name", "company"):
                del self.fields[name]

    def clean_email(self):
        email = (self.invited_email or self.cleaned_data["email"]).strip().lower()
        if get_user_model().objects.filter(username__iexact=email).exists():
            raise forms.ValidationError(EMAIL_TAKEN)
        return email

    def clean(self):
        data = super().clean()
        if self.invited_email:
            data["kind"] = "member"
        elif data.get("kind") == "leader" and not (data.get("org_name") or "").strip():
            self.add_error("org_name", "Name your organization so colleagues can find it.")
        password = data.get("password")
        if password:
            user = get_user_model()(
                username=data.get("email", ""),
                email=data.get("email", ""),
                first_name=data.get("name", ""),
            )
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


EMPTY_CHOICE = "Choose…"


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = PROFILE_FIELDS
        help_texts = {
            "arr_band": "Used to rank roadmap actions and to compare you with peers; not scored.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django labels a model field's empty choice "---------"; say what to do instead.
        for field in self.fields.values():
            if isinstance(field, forms.TypedChoiceField) and field.choices[:1] == [
                ("", "---------")
            ]:
                field.choices = [("", EMPTY_CHOICE), *field.choices[1:]]


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=ACCOUNT_EMAIL_MAX_LENGTH)
    role = forms.ChoiceField(
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        help_text="Leaders start and submit assessments and manage members.",
    )


class ConsultantGrantForm(forms.Form):
    email = forms.EmailField(
        label="Consultant's email", help_text="They need a consultant account on Stagewise."
    )


class EmailLoginForm(AuthenticationForm):
    """Usernames are email addresses: say so on the login page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget.input_type = "email"
        self.fields["username"].widget.attrs["autocomplete"] = "email"
