"""The 400 response. Oversized or overfull requests fail before any view runs (the CSRF check
reads the body first), so the autosave endpoint's JSON contract has to be kept here: its script
shows the `error` text of a JSON answer and would otherwise say only that saving failed."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.views.defaults import bad_request as page_bad_request

from config.security import FilePartsRefused

BAD_REQUEST = "The request was too large or malformed, so nothing was saved."
JSON_URL_NAMES = {"assessment_autosave"}


def bad_request(request, exception):
    # Only our own refusals say more than the generic text; Django's may name internals.
    detail = str(exception) if isinstance(exception, FilePartsRefused) else ""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in JSON_URL_NAMES:
        return JsonResponse({"ok": False, "error": detail or BAD_REQUEST}, status=400)
    if detail:
        return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
    return page_bad_request(request, exception)
