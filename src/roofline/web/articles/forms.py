from django import forms

from roofline.web.articles.actions import MAX_TAGS, parse_tags


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        max_length=400, widget=forms.Textarea(attrs={"rows": 2}), help_text="One or two sentences under the title."
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24, "class": "editor"}),
        max_length=200_000,
        strip=False,  # leading indentation (an indented code block) and trailing newlines are the writer's
        help_text="Markdown: tables, footnotes, task lists, fenced code, $math$ and $$display math$$, "
        "```roofline:<tool> blocks holding a tool's request JSON.",
    )
    tags = forms.CharField(required=False, max_length=400, help_text=f"Comma-separated, at most {MAX_TAGS}.")

    def clean_tags(self) -> list[str]:
        return parse_tags(self.cleaned_data["tags"])
