"""Chat: real-time channels with topics (Zulip's model), over WebSockets, with no message ever lost."""
