"""Form pieces shared by the apps."""

from __future__ import annotations

import uuid

from django import forms


class SubmissionKey(forms.CharField):
    """A hidden key drawn when the form is shown: a second POST of the same form (a double
    click, a browser retry) carries the same key, and the job it started is found again
    rather than started twice (core/jobs.enqueue)."""

    def __init__(self) -> None:
        super().__init__(
            widget=forms.HiddenInput,
            required=False,
            max_length=64,
            initial=lambda: uuid.uuid4().hex,
        )
