"""The page's form: what a site run may ask (limits from the settings), and the key field that is never kept."""

from django import forms
from django.conf import settings

from roofline.evals.request import SHIPPED_SUITES


class EvalForm(forms.Form):
    endpoint = forms.URLField(
        max_length=2000, assume_scheme="https", help_text="Base URL, e.g. https://api.example.com/v1"
    )
    api = forms.ChoiceField(choices=[("openai-chat", "OpenAI chat completions"),
                                     ("openai-completions", "OpenAI completions"),
                                     ("anthropic", "Anthropic Messages")])  # fmt: skip
    model = forms.CharField(max_length=300, help_text="The model name the endpoint expects.")
    api_key = forms.CharField(
        required=False, label="API key", strip=True, widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Used for this run only: never stored, logged or shown again.",
    )
    suites = forms.MultipleChoiceField(choices=[(s, s) for s in SHIPPED_SUITES], initial=list(SHIPPED_SUITES),
                                       widget=forms.CheckboxSelectMultiple)  # fmt: skip
    stream = forms.BooleanField(required=False, initial=True)
    concurrency = forms.IntegerField(min_value=1, max_value=32, initial=4)
    max_tokens = forms.IntegerField(min_value=1, max_value=4096, initial=256)
    price_input_per_mtok = forms.FloatField(required=False, min_value=0, label="USD per 1e6 input tokens")
    price_output_per_mtok = forms.FloatField(required=False, min_value=0, label="USD per 1e6 output tokens")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap = settings.ROOFLINE_EVAL_MAX_ITEMS
        self.fields["limit"] = forms.IntegerField(min_value=1, max_value=cap, initial=min(10, cap),
                                                  help_text=f"Items per suite (at most {cap} here).")  # fmt: skip

    def request_fields(self) -> dict:
        """The request JSON (without the key)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "api_key" and v is not None}
