"""Workflows as data: each stateful model declares its transitions once (DESIGN.md §3).

A `Transition` names the states it leaves from, the state it reaches, who may perform it,
the event it records, whether a reason is required and the deadline it sets. A `Workflow`
gathers a model's transitions and is the only place that:

- performs one (`perform`): lock the row, check permission and state, apply the service's
  own changes, set the state, write the event row and the audit entry in one transaction,
  and run notifications once that transaction has committed;
- answers "what may this user do now" (`available`): pages, templates and the API read it,
  so no status string or permission rule is repeated outside the workflow;
- performs one action on many rows (`perform_many`), each row in its own savepoint, for
  batch decisions and the demo;
- draws itself (`mermaid`), for the diagrams in docs/.

Services stay the public API (`application_submit(...)`); their bodies call `perform`
with a `change` callback for what is particular to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit, scoping
from kechuang.core.models import AuditEntry
from kechuang.core.roles import Role

M = TypeVar("M", bound=models.Model)
Who = Callable[[Any, Any], bool]  # (user, obj) -> may this user perform it on obj
Label = str | Promise

# --- who may: predicates combined with | and & ------------------------------------------


@dataclass(frozen=True)
class May:
    """A permission predicate on (user, obj) that combines with `|` and `&`."""

    test: Who
    name: str = ""

    def __call__(self, user: Any, obj: Any) -> bool:
        return bool(self.test(user, obj))

    def __or__(self, other: May) -> May:
        return May(lambda u, o: self(u, o) or other(u, o), f"{self.name} | {other.name}")

    def __and__(self, other: May) -> May:
        return May(lambda u, o: self(u, o) and other(u, o), f"{self.name} & {other.name}")


def role(*roles: str) -> May:
    """Any user of one of `roles`, whatever the object."""
    return May(lambda u, _o: scoping.role_of(u) in roles, "/".join(roles))


def acts_for(user: Any, org_id: int | None, role: str | None = None) -> bool:
    """`user` is a user of the organisation `org_id` (in `role`, when given)."""
    return bool(
        org_id is not None
        and getattr(user, "organization_id", None) == org_id
        and (scoping.role_of(user) == role if role else scoping.role_of(user) is not None)
    )


def owner(path: str, role_: str = Role.ENTERPRISE) -> May:
    """A user of `role_` whose organisation is the object's `path` (an attribute chain
    ending in an id, such as "enterprise_id" or "challenge.issuer_id")."""

    def test(user: Any, obj: Any) -> bool:
        return acts_for(user, resolve(obj, path), role_)

    return May(test, f"{role_}:{path}")


def in_scope(*roles: str) -> May:
    """A user of one of `roles` whose scope covers the object (`scoping.can_edit`)."""
    return May(lambda u, o: scoping.role_of(u) in roles and scoping.can_edit(u, o), "/".join(roles))


province = role(Role.PROVINCE_ADMIN)  # the province's administrators
nobody = May(lambda _u, _o: False, "system")


def resolve(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def day(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


# --- transitions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One action on a stateful record, declared as data."""

    name: str
    label: Label
    source: tuple[str, ...]
    target: str | None  # None: the state does not change (a comment, an amendment)
    who: Who
    event: str | None = None
    reason: bool = False  # a reason is required
    confirm: Label = ""  # irreversible: the page asks this before it posts
    style: str = "primary"  # primary | danger | secondary, for the button
    # Sets the deadline fields the new state runs against, from the day of the action.
    deadline: Callable[[Any, dt.date], None] | None = None
    # A condition of the record beyond its state; returns why not, or "" when it holds.
    # "Why not" may be a ValidationError, to refuse with its own code and params.
    guard: Callable[[Any], Label | ValidationError | None] | None = None
    # Shown in `available` but performed on a form of its own (a URL name, reversed with pk).
    form: str = ""

    def holds(self, obj: Any) -> Label | ValidationError | None:
        return self.guard(obj) if self.guard else ""


@dataclass
class Done(Generic[M]):
    """What `perform_many` did: the rows changed and, for the others, why not."""

    done: list[M] = field(default_factory=list)
    failed: list[tuple[Any, str]] = field(default_factory=list)


BAD_STATUS = _("当前状态为“%(status)s”,不能执行此操作")


class Workflow(Generic[M]):
    """The transitions of one model, and the one way to perform them."""

    def __init__(
        self,
        model: type[M],
        transitions: Sequence[Transition],
        *,
        field: str = "status",
        emit: Callable[..., Any] | None = None,
        name: str = "",
        register: bool = True,
    ) -> None:
        self.model = model
        self.field = field
        self.emit = emit
        self.name = name or model._meta.label_lower
        self.transitions = {t.name: t for t in transitions}
        if len(self.transitions) != len(transitions):
            raise ValueError(f"{self.name}: two transitions share a name")
        states = {c for c, _l in self.choices}
        for t in transitions:
            unknown = (set(t.source) | ({t.target} if t.target else set())) - states
            if states and unknown:
                raise ValueError(f"{self.name}.{t.name}: unknown states {sorted(unknown)}")
        if register:
            WORKFLOWS[self.name] = self

    def __getitem__(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise ValueError(f"{self.name} has no transition {name!r}") from None

    @property
    def choices(self) -> list[tuple[str, Any]]:
        return list(getattr(self.model._meta.get_field(self.field), "choices", None) or [])

    def state(self, obj: M) -> str:
        return str(getattr(obj, self.field))

    # -- asking -----------------------------------------------------------------------------

    def may(self, user: Any, obj: M, name: str) -> bool:
        """`user` may perform `name` on `obj` now: state, guard and permission all hold."""
        t = self[name]
        # Cheapest first: a guard may query, so it runs only for a user who may act.
        return (
            self.state(obj) in t.source
            and bool(user is not None and t.who(user, obj))
            and not t.holds(obj)
        )

    def awaits(self, obj: M, name: str) -> bool:
        """`obj` is in a state that `name` leaves from, whoever would perform it: a deadline
        or a queue that runs until someone performs `name` reads this, not a status string."""
        return self.state(obj) in self[name].source

    def awaiting(self, name: str) -> models.Q:
        """`awaits` as a filter on the model's rows."""
        return models.Q(**{f"{self.field}__in": self[name].source})

    def available(self, user: Any, obj: M) -> list[Transition]:
        """The actions open to `user` on `obj` now, in declaration order."""
        return [t for t in self.transitions.values() if self.may(user, obj, t.name)]

    def actions(self, user: Any, obj: M) -> list[dict[str, Any]]:
        """`available` as plain data, for the API's `"actions"` and the templates."""
        return [
            {
                "name": t.name,
                "label": str(t.label),
                "reason_required": t.reason,
                "confirm": str(t.confirm),
                "style": t.style,
                "form": t.form,
            }
            for t in self.available(user, obj)
        ]

    def check(self, actor: Any, obj: M, t: Transition, reason: str = "") -> None:
        """Permission first (403), then state and guard (400), then the reason."""
        scoping.require(bool(actor is not None and t.who(actor, obj)))
        if self.state(obj) not in t.source:
            raise ValidationError(
                BAD_STATUS,
                code="bad_status",
                params={"status": getattr(obj, f"get_{self.field}_display")()},
            )
        why = t.holds(obj)
        if isinstance(why, ValidationError):
            raise why
        if why:
            raise ValidationError(str(why), code="guard")
        if t.reason and not (reason or "").strip():
            raise ValidationError({"reason": _("请填写理由")}, code="reason")

    # -- doing ------------------------------------------------------------------------------

    def lock(self, obj: M) -> M:
        return type(obj)._default_manager.select_for_update().get(pk=obj.pk)

    def perform(
        self,
        name: str,
        *,
        actor: Any,
        obj: M,
        reason: str = "",
        on: dt.date | None = None,
        source: str = "web",
        change: Callable[[M], Mapping[str, Any] | None] | None = None,
        data: Mapping[str, Any] | None = None,
        notify: Callable[[M], None] | None = None,
    ) -> M:
        """Perform transition `name` on `obj` and return the changed row.

        `change(obj)` makes the service's own changes to the locked row (and may raise a
        ValidationError); what it returns is added to the event's data. Nested in a caller's
        transaction, it commits with that transaction; notifications wait for the commit.
        """
        t = self[name]
        with transaction.atomic():
            row = self.lock(obj)
            self.check(actor, row, t, reason)
            before = audit.snapshot(row)
            extra = dict(data or {})
            if change is not None:
                extra.update(change(row) or {})
            if t.target is not None:
                setattr(row, self.field, t.target)
            if t.deadline is not None:
                t.deadline(row, day(on))
            row.save()
            if t.event and self.emit is not None:
                self.emit(t.event, actor=actor, obj=row, reason=(reason or "").strip(), **extra)
            audit.record(
                actor, AuditEntry.Action.UPDATE, row, before, audit.snapshot(row), source=source
            )
            if notify is not None:
                transaction.on_commit(lambda: notify(row))
        return row

    def perform_many(
        self,
        name: str,
        *,
        actor: Any,
        objs: Iterable[M],
        run: Callable[[M], M | None] | None = None,
        **kwargs: Any,
    ) -> Done[M]:
        """`perform` on each row in a savepoint of its own: one refusal stops no other.

        `run(obj)` replaces the plain `perform` where the action goes through a service of
        its own (which performs the same transition with its own changes).
        """
        self[name]  # an unknown action fails loudly, before any row
        result: Done[M] = Done()
        for obj in objs:
            try:
                with transaction.atomic():
                    if run is not None:
                        row = run(obj) or obj
                    else:
                        row = self.perform(name, actor=actor, obj=obj, **kwargs)
                    result.done.append(row)
            except (ValidationError, PermissionDenied) as e:
                result.failed.append((obj, "; ".join(_messages(e))))
        return result

    def bulk_actions(self, user: Any, objs: Iterable[M], names: Sequence[str]) -> list[Transition]:
        """Of the actions `names` offered on a list, those open to `user` on at least one of
        `objs` (a page of rows), for the buttons above it."""
        rows = list(objs)
        return [
            self[n]
            for n in names
            if not self[n].form and any(self.may(user, obj, n) for obj in rows)
        ]

    # -- drawing ----------------------------------------------------------------------------

    def mermaid(self) -> str:
        """A state diagram of the transitions, in Mermaid."""
        labels = {c: str(lbl) for c, lbl in self.choices}
        lines = ["stateDiagram-v2"]
        for code, label in labels.items():
            lines.append(f'    state "{label} ({code})" as {code}')
        for t in self.transitions.values():
            who = getattr(t.who, "name", "") or getattr(t.who, "__name__", "")
            for s in t.source:
                target = t.target or s
                note = f"{t.label}" + (f" [{who}]" if who else "") + (" *理由" if t.reason else "")
                lines.append(f"    {s} --> {target}: {note}")
        return "\n".join(lines) + "\n"


def _messages(e: Exception) -> list[str]:
    if isinstance(e, ValidationError):
        return [str(m) for m in e.messages]
    # The denial's own text is for the log; the user is told in their language.
    return [str(_("无权执行此操作"))]


WORKFLOWS: dict[str, Workflow[Any]] = {}
