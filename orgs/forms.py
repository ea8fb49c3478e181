from django import forms
from django.contrib.auth import get_user_model, password_validation

from orgs import logos
from orgs.accounts import NormalisedEmailField
from orgs.emails import normalise_email
from orgs.models import Membership, Organization
from orgs.permissions import has_mfa

PROFILE_FIELDS = ["name", "arr_band", "segment", "team_size", "team_age", "industry"]
EMAIL_TAKEN = "An account with this email already exists. Log in instead, or reset your password."


class SignupForm(forms.Form):
    """Sign-up from an invitation link (orgs/views/accounts.py). Open sign-up is allauth's page
    with orgs.accounts.SignupForm."""

    KIND_CHOICES = [
        ("leader", "I lead a Customer Success team"),
        ("consultant", "I am a consultant working with several CS teams"),
    ]
    name = forms.CharField(label="Your name", max_length=150)
    email = NormalisedEmailField(label="Work email")
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

    def __init__(self, *args, invited_email: str = "", as_consultant: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.invited_email = invited_email
        if invited_email:
            # An invited person joins an existing org: no org or consultant choice to make
            # (the invitation says which); a consultant may still name their consultancy.
            self.fields["email"].initial = invited_email
            self.fields["email"].disabled = True
            for name in ("kind", "org_name") + (() if as_consultant else ("company",)):
                del self.fields[name]

    def clean_email(self):
        email = normalise_email(self.invited_email or self.cleaned_data["email"])
        if get_user_model().objects.filter(email__iexact=email).exists():
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


MFA_FIRST = (
    "Turn on two-factor authentication for your own account first (your name at the top, then "
    "Two-factor authentication), so that the rule does not lock you out."
)
EMPTY_CHOICE = "Choose…"


class OrganizationForm(forms.ModelForm):
    """The org's profile; with `mfa_setter` (a leader), also the rule that everyone with access
    must use two-factor authentication."""

    class Meta:
        model = Organization
        fields = [*PROFILE_FIELDS, "reassess_after_days", "paper_size", "require_mfa"]
        help_texts = {
            "arr_band": "Used to rank roadmap actions and to compare you with peers; not scored.",
        }

    def __init__(self, *args, mfa_setter=None, with_reminders=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.mfa_setter = mfa_setter
        self.fields["paper_size"].required = False
        if mfa_setter is None:
            del self.fields["require_mfa"]
        if with_reminders:
            # Left empty, the setting keeps its value: a profile form posted without it (an older
            # page, a script) changes nothing it did not show.
            self.fields["reassess_after_days"].required = False
        else:
            del self.fields["reassess_after_days"]
        # Django labels a model field's empty choice "---------"; say what to do instead.
        for field in self.fields.values():
            if isinstance(field, forms.TypedChoiceField) and field.choices[:1] == [
                ("", "---------")
            ]:
                field.choices = [("", EMPTY_CHOICE), *field.choices[1:]]

    def clean_reassess_after_days(self):
        days = self.cleaned_data["reassess_after_days"]
        return self.instance.reassess_after_days if days is None else days

    def clean_paper_size(self):
        # A form posted without the field (an older page, a script) keeps the stored size.
        return self.cleaned_data.get("paper_size") or self.instance.paper_size

    def clean_require_mfa(self):
        required = self.cleaned_data["require_mfa"]
        if required and not has_mfa(self.mfa_setter):
            raise forms.ValidationError(MFA_FIRST)
        return required


class InvitationForm(forms.Form):
    email = NormalisedEmailField(label="Email address")
    role = forms.ChoiceField(
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        help_text="Leaders start and submit assessments and manage members.",
    )


class ConsultantGrantForm(forms.Form):
    email = NormalisedEmailField(
        label="Consultant's email",
        help_text="Access goes to a consultant account with this confirmed address; anyone else "
        "gets an invitation to join as a consultant.",
    )


class AccountNameForm(forms.ModelForm):
    """The name colleagues see on team lists, progress grids and invitations."""

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name"]
        labels = {"first_name": "First name", "last_name": "Last name"}
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    def clean_first_name(self):
        # Someone must be named on team lists: an empty name would show as the bare address.
        name = self.cleaned_data["first_name"].strip()
        if not name:
            raise forms.ValidationError("Enter the name colleagues know you by.")
        return name

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()


class FirmProfileForm(forms.Form):
    """A consultant's firm branding. The logo is checked and re-encoded in clean_logo
    (orgs/logos.py); what reaches cleaned_data is our re-encoding, never the upload."""

    name = forms.CharField(label="Firm name", max_length=120)
    accent = forms.CharField(
        label="Accent colour",
        max_length=7,
        help_text="A colour as #rrggbb. It sits behind white text, so it must be dark enough "
        "to read (WCAG AA, contrast 4.5 or more).",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text="PNG or JPEG, up to 1 MB and 2,000 pixels on each side. We keep a clean copy "
        "without the file's metadata.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)

    def clean_accent(self):
        try:
            return logos.clean_accent(self.cleaned_data["accent"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > logos.MAX_BYTES:  # before reading a byte of it
            raise forms.ValidationError(logos.TOO_LARGE.format(size=f"{upload.size:,}"))
        try:
            return logos.clean_logo(upload.read(logos.MAX_BYTES + 1))
        except logos.LogoError as exc:
            raise forms.ValidationError(str(exc)) from exc
