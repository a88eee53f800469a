from django.urls import path

from . import streams

app_name = "events"

urlpatterns = [path("stream", streams.stream, name="stream")]
