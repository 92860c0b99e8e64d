"""Token counts when the server sends no `usage`: a Hugging Face tokenizer named by the user, labelled as such."""

from __future__ import annotations

from functools import cached_property


class TokenCounter:
    """Counts with `AutoTokenizer.from_pretrained(name)` (a local path or a Hub id); loaded on first use."""

    def __init__(self, name: str | None):
        self.name = name

    @property
    def source(self) -> str:
        return f"tokenizer:{self.name}"

    @cached_property
    def tokenizer(self):
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(self.name)  # never trust_remote_code

    def count(self, prompt: str, text: str, chat: bool) -> tuple[int, int]:
        """(input tokens, output tokens): the prompt through the chat template when `chat` and one exists."""
        tokenizer = self.tokenizer
        if chat and getattr(tokenizer, "chat_template", None):
            ids = tokenizer.apply_chat_template(
                [{"role": "user", "content": prompt}], add_generation_prompt=True, tokenize=True
            )
            prompt_tokens = len(ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids)
        else:
            prompt_tokens = len(tokenizer.encode(prompt, add_special_tokens=True))
        return prompt_tokens, len(tokenizer.encode(text, add_special_tokens=False))
