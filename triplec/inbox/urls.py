from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("_queue", views.queue_fragment, name="queue_fragment"),
    path("availability", views.availability, name="availability"),
    path("quick-replies/", views.quick_replies, name="quick_replies"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("api/conversations", views.queue_json, name="queue_json"),
    path("api/conversations/<int:pk>", views.conversation_json, name="conversation_json"),
    path("<int:pk>/", views.conversation, name="conversation"),
    path("<int:pk>/_timeline", views.timeline_fragment, name="timeline_fragment"),
    path("<int:pk>/reply", views.reply, name="reply"),
    path("<int:pk>/template", views.send_template, name="template"),
    path("<int:pk>/note", views.note, name="note"),
    path("<int:pk>/resolve", views.resolve, name="resolve"),
    path("<int:pk>/reopen", views.reopen, name="reopen"),
    path("<int:pk>/assign", views.assign, name="assign"),
    path("<int:pk>/billing", views.billing, name="billing"),
    path("<int:pk>/contact", views.contact_status, name="contact_status"),
    path("<int:pk>/quick/<int:reply_pk>", views.quick_reply_fill, name="quick_reply_fill"),
]

# Every URL above, for the need-to-know tests (name, needs a conversation id, method).
ALL_ROUTES = [(p.name, "<int:pk>" in str(p.pattern)) for p in urlpatterns]
