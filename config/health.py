"""A liveness probe for load balancers. It touches no database and no session, so it also serves
as the "bare Django view" baseline in benchmarks and load tests."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
