"""Forms of the account pages: the password change and the one-time code of a second factor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's (old password, new twice, the validators of settings); the new one must differ
    from the old, or a forced change would change nothing."""

    def clean(self) -> Any:
        cleaned = super().clean()
        password = self.cleaned_data.get("new_password1")
        if password and not self.has_error("new_password2") and self.user.check_password(password):
            self.add_error(
                "new_password2",
                forms.ValidationError(_("新密码不能与原密码相同"), code="password_unchanged"),
            )
        return cleaned

    def save(self, commit: bool = True) -> Any:  # the service sets and records the password
        raise NotImplementedError("use accounts.password_set")


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("动态验证码"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("请输入验证器应用显示的 6 位数字")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()
