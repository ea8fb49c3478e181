"""The 400 response. Oversized or overfull requests fail before any view runs (the CSRF check
reads the body first), so the autosave endpoint's JSON contract has to be kept here: its script
shows the `error` text of a JSON answer and would otherwise say only that saving failed."""

from django.http import JsonResponse
from django.views.defaults import bad_request as page_bad_request

BAD_REQUEST = "The request was too large or malformed, so nothing was saved."
JSON_URL_NAMES = {"assessment_autosave"}


def bad_request(request, exception):
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in JSON_URL_NAMES:
        return JsonResponse({"ok": False, "error": BAD_REQUEST}, status=400)
    return page_bad_request(request, exception)
