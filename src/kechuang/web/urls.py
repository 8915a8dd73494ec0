from django.urls import path

from kechuang.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
