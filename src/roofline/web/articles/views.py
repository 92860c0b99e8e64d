"""Reading, writing and searching articles."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from roofline.web.accounts.identity import identity_of
from roofline.web.articles import actions
from roofline.web.articles.forms import ArticleForm
from roofline.web.articles.models import Article, ArticleSlug, Tag
from roofline.web.markdown import render_markdown
from roofline.web.search.api import search

PAGE_SIZE = 10
# A word found in more articles than this is ranked among the newest SEARCH_WINDOW of them (benchmarks/RESULTS.md).
SEARCH_WINDOW = 20_000


def _visible(request: HttpRequest, slug: str) -> Article:
    article = Article.objects.visible_to(request.user).select_related("author").filter(slug=slug).first()
    if article is None:
        raise Http404("No article at this address.")
    return article


def _editable(request: HttpRequest, slug: str) -> Article:
    article = _visible(request, slug)
    if not article.can_edit(request.user):
        raise PermissionDenied("Only the author and staff can edit this article.")
    return article


def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published().select_related("author").prefetch_related("tags")
    tag = None
    if request.GET.get("tag"):
        tag = get_object_or_404(Tag, slug=request.GET["tag"])
        articles = articles.filter(tags=tag)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "articles/list.html", {"page": page, "tag": tag, "tags": Tag.objects.all()})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = Article.objects.visible_to(request.user).select_related("author").filter(slug=slug).first()
    if article is None:
        old = ArticleSlug.objects.select_related("article").filter(slug=slug).first()
        if old is not None and old.article in Article.objects.visible_to(request.user):
            return redirect(old.article, permanent=True)
        raise Http404("No article at this address.")
    article.ensure_rendered()
    latest = article.revisions.first()
    edited_at = latest.saved_at if latest and article.published_at and latest.saved_at > article.published_at else None
    context = {
        "article": article,
        "author": identity_of(article.author),
        "can_edit": article.can_edit(request.user),
        "edited_at": edited_at,
    }
    return render(request, "articles/detail.html", context)


def _form_initial(article: Article) -> dict:
    tags = ", ".join(tag.name for tag in article.tags.all())
    return {"title": article.title, "summary": article.summary, "body": article.body, "tags": tags}


def _save_from(request: HttpRequest, form: ArticleForm, article: Article | None) -> Article:
    data = form.cleaned_data
    article = actions.save_article(
        article=article, editor=request.user, title=data["title"], summary=data["summary"], body=data["body"],
        tags=data["tags"],
    )  # fmt: skip
    action = request.POST.get("action", "save")
    if action == "publish" and not article.is_published:
        actions.publish_article(article)
        messages.success(request, "Published.")
    elif action == "unpublish" and article.is_published:
        actions.unpublish_article(article)
        messages.success(request, "Moved back to drafts.")
    else:
        messages.success(request, f"Saved (revision {article.revisions.first().number}).")
    return article


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        article = _save_from(request, form, None)
        return redirect("articles:edit", slug=article.slug)
    return render(request, "articles/edit.html", {"form": form, "article": None})


@login_required
def article_edit(request: HttpRequest, slug: str) -> HttpResponse:
    article = _editable(request, slug)
    form = ArticleForm(request.POST or None, initial=_form_initial(article))
    if request.method == "POST" and form.is_valid():
        article = _save_from(request, form, article)
        return redirect("articles:edit", slug=article.slug)
    revisions = article.revisions.select_related("saved_by")
    return render(request, "articles/edit.html", {"form": form, "article": article, "revisions": revisions})


@login_required
@require_POST
def article_preview(request: HttpRequest) -> JsonResponse:
    """The body rendered exactly as it will be published, with embed errors listed."""
    rendered = render_markdown(request.POST.get("body", "")[:200_000])
    return JsonResponse({"html": rendered.html, "errors": rendered.errors, "has_math": rendered.has_math})


@login_required
def revision_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    article = _editable(request, slug)
    revision = get_object_or_404(article.revisions, number=number)
    return render(request, "articles/revision.html", {"article": article, "revision": revision})


@login_required
@require_POST
def revision_restore(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    article = _editable(request, slug)
    revision = get_object_or_404(article.revisions, number=number)
    article = actions.restore_revision(article, revision, request.user)
    messages.success(request, f"Restored revision {number} (saved as revision {article.revisions.first().number}).")
    return redirect("articles:edit", slug=article.slug)


@login_required
@require_POST
def article_feature(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied("Only staff choose the featured article.")
    article = _visible(request, slug)
    actions.set_featured(article, request.POST.get("featured") == "1")
    messages.success(request, "Featured on the home page." if article.featured else "No longer featured.")
    return redirect(article)


@login_required
def my_drafts(request: HttpRequest) -> HttpResponse:
    drafts = Article.objects.filter(author=request.user, status=Article.Status.DRAFT).order_by("-updated_at")
    return render(request, "articles/drafts.html", {"drafts": drafts})


def article_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    page_number = max(1, int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1)
    results = search(
        query, kinds=[actions.SEARCH_KIND], limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE, window=SEARCH_WINDOW
    )
    pages = max(1, -(-results.total // PAGE_SIZE))
    return render(
        request, "articles/search.html", {"query": query, "results": results, "page": page_number, "pages": pages}
    )
