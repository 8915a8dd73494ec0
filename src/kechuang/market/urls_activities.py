"""The market's front page, and pages of events, brokers and training."""

from django.urls import path

from kechuang.market.views import activities as a
from kechuang.market.views import edits as e

urlpatterns = [
    path("", a.market_index, name="index"),
    path("events/", a.event_list, name="event_list"),
    path("events/new", a.event_create, name="event_create"),
    path("events/<int:pk>/", a.event_detail, name="event_detail"),
    path("events/<int:pk>/edit", e.event_edit, name="event_edit"),
    path("events/<int:pk>/participants", a.participant_add, name="participant_add"),
    path("events/<int:pk>/outcomes", a.outcome_add, name="outcome_add"),
    path("brokers/", a.broker_list, name="broker_list"),
    path("brokers/new", a.broker_create, name="broker_create"),
    path("brokers/<int:pk>/edit", e.broker_edit, name="broker_edit"),
    path("training/", a.training_list, name="training_list"),
    path("training/new", a.training_create, name="training_create"),
    path("training/<int:pk>/", a.training_detail, name="training_detail"),
    path("training/<int:pk>/edit", e.training_edit, name="training_edit"),
    path("training/<int:pk>/attendees", a.attendance_add, name="attendance_add"),
]
