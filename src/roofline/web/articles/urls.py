from django.urls import path

from roofline.web.articles import feeds, views

app_name = "articles"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_new, name="new"),
    path("drafts/", views.my_drafts, name="drafts"),
    path("search/", views.article_search, name="search"),
    path("preview/", views.article_preview, name="preview"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("feed/rss/", feeds.LatestArticlesFeed(), name="feed-rss"),
    path("tags/<slug:tag>/feed/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
    path("tags/<slug:tag>/feed/rss/", feeds.TagFeed(), name="tag-feed-rss"),
    path("<slug:slug>/", views.article_detail, name="detail"),
    path("<slug:slug>/edit/", views.article_edit, name="edit"),
    path("<slug:slug>/feature/", views.article_feature, name="feature"),
    path("<slug:slug>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path("<slug:slug>/revisions/<int:number>/restore/", views.revision_restore, name="restore"),
]
