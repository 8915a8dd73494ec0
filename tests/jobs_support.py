"""Asking for an export that runs as a job, the way a browser does, and fetching its file."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from kechuang.core.models import Job


def export_file(client: Any, url: str, params: dict[str, Any] | None = None) -> Any:
    """GET the export page, POST its form; with JOBS_INLINE the job has run: download."""
    page = client.get(url, params or {})
    assert page.status_code == 200, page.status_code
    html = page.content.decode()
    assert 'id="export-request"' in html
    query = re.search(r'name="query" value="([^"]*)"', html)
    key = re.search(r'name="submission" value="([^"]*)"', html)
    data = {"query": query.group(1).replace("&amp;", "&") if query else "", "submission": key[1]}
    posted = client.post(url + ("?" + data["query"] if data["query"] else ""), data)
    assert posted.status_code == 302, posted.status_code
    job = Job.objects.get(pk=int(posted["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert job.status == "succeeded", (job.error, job.traceback)
    return client.get(reverse("core:job_download", args=[job.pk]))


def content(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
