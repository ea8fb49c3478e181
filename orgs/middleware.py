"""Shows the "turn on two-factor authentication" page when an org requires it
(orgs.permissions.MfaRequired), instead of the generic 403 page."""

from django.shortcuts import render

from orgs.permissions import MfaRequired


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, MfaRequired):
            return None
        return render(
            request,
            "orgs/mfa_required.html",
            {"org": exception.org, "message": str(exception)},
            status=403,
        )
