"""The market's front page, and pages of events, brokers and training."""

from django.urls import path

from kechuang.market.activities import views

urlpatterns = [
    path("", views.market_index, name="index"),
    path("events/", views.event_list, name="event_list"),
    path("events/new", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit", views.event_edit, name="event_edit"),
    path("events/<int:pk>/participants", views.participant_add, name="participant_add"),
    path("events/<int:pk>/outcomes", views.outcome_add, name="outcome_add"),
    path("brokers/", views.broker_list, name="broker_list"),
    path("brokers/new", views.broker_create, name="broker_create"),
    path("brokers/<int:pk>/edit", views.broker_edit, name="broker_edit"),
    path("training/", views.training_list, name="training_list"),
    path("training/new", views.training_create, name="training_create"),
    path("training/<int:pk>/", views.training_detail, name="training_detail"),
    path("training/<int:pk>/edit", views.training_edit, name="training_edit"),
    path("training/<int:pk>/attendees", views.attendance_add, name="attendance_add"),
]
