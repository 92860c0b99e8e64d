from django import forms

from roofline.web.discussions.actions import MAX_BODY
from roofline.web.discussions.models import Category, Label


class ThreadForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.all(), empty_label=None)
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "class": "editor"}), max_length=MAX_BODY, strip=False,
        help_text="Markdown: code, $math$, tables. @name mentions a member.",
    )  # fmt: skip
    labels = forms.ModelMultipleChoiceField(queryset=Label.objects.all(), required=False)


class PostForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "class": "editor"}), max_length=MAX_BODY, strip=False
    )
    title = forms.CharField(max_length=200, required=False)
