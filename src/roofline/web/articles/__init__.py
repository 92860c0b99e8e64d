"""Articles: long-form technical writing by members, with math, code, feeds, search and live tool embeds."""
