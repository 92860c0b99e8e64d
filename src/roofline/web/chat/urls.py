from django.urls import path

from roofline.web.chat import views

app_name = "chat"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.chat_search, name="search"),
    path("m/<int:pk>/", views.message_permalink, name="message"),
    path("m/<int:pk>/history/", views.message_history, name="history"),
    path("<slug:slug>/", views.channel_page, name="channel"),
    path("<slug:slug>/older/", views.older_messages, name="older"),
]
