"""Security headers Django 5.2 does not set by itself, and limits on request bodies."""

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",  # no inline script anywhere: page data travels in data- attributes
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# --- request size ------------------------------------------------------------------------------
# Django caps the non-file part of a form (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams file parts
# to disk whatever their size, so a 40 MB multipart post to autosave used to be accepted. Here
# the whole body is capped before anything reads it, and a file part sent to a view that takes
# no files is refused outright (only the firm profile takes a file, its logo; imports go through
# a command). A view that takes files names its own body limit (its file limit plus room for the
# rest of the form); every other view keeps REQUEST_BODY_MAX_BYTES. Both
# are refused as 400s through the site's 400 handler (config/errors.py), which keeps the
# autosave endpoint's JSON contract. Checked in process_view, before the CSRF check reads the
# body, and once the URL is resolved, so the handler knows which answer to give.

BODY_TOO_LARGE = "This request is too large ({size} bytes); the limit is {limit} bytes."
NO_FILES_HERE = "This address takes no file uploads; send the form without files."


class FilePartsRefused(BadRequest):
    """A file part sent where no file is taken; the message is shown as is."""


def accepts_files(*, max_bytes: int):
    """Mark a view that takes file uploads, with the body limit it takes them under; every other
    view refuses file parts. Put it outermost, above login_required and the like."""

    def mark(view):
        view.accepts_files = True
        view.max_body_bytes = max_bytes
        return view

    return mark


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        limit = getattr(view_func, "max_body_bytes", None) or settings.REQUEST_BODY_MAX_BYTES
        if size > limit:
            raise RequestDataTooBig(BODY_TOO_LARGE.format(size=size, limit=limit))
        is_multipart = request.content_type == "multipart/form-data"
        if is_multipart and not getattr(view_func, "accepts_files", False) and request.FILES:
            raise FilePartsRefused(NO_FILES_HERE)
        return None
