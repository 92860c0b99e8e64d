from django.urls import path

from roofline.web.discussions import feeds, views

app_name = "discussions"
urlpatterns = [
    path("", views.thread_list, name="index"),
    path("new/", views.new_thread, name="new"),
    path("search/", views.search, name="search"),
    path("inbox/", views.inbox, name="inbox"),
    path("tokens/", views.api_tokens, name="tokens"),
    path("feed/atom/", feeds.ThreadsFeed(), name="feed"),
    path("c/<slug:category_slug>/", views.thread_list, name="category"),
    path("c/<slug:slug>/feed/atom/", feeds.CategoryFeed(), name="category-feed"),
    path("t/<int:pk>/", views.thread_detail, name="thread-short"),
    # The actions before the slugged permalink, which would otherwise take "reply" and "moderate" for slugs
    # (Thread.slug never is one of them).
    path("t/<int:pk>/reply/", views.reply_to_thread, name="reply"),
    path("t/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("t/<int:pk>/<slug:slug>/", views.thread_detail, name="thread"),
    path("p/<int:pk>/", views.post_permalink, name="post"),
    path("p/<int:pk>/edit/", views.edit_post, name="edit"),
    path("p/<int:pk>/delete/", views.delete_post, name="delete"),
    path("p/<int:pk>/vote/", views.vote, name="vote"),
    path("p/<int:pk>/accept/", views.accept, name="accept"),
    path("p/<int:pk>/hide/", views.hide, name="hide"),
    path("p/<int:pk>/history/", views.history, name="history"),
]
