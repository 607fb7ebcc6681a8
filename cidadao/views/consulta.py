"""The public status page by protocol (no login). Written in the status-page slice."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404


@login_not_required
def protocolo(request, protocolo):
    raise Http404
