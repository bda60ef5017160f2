"""Evaluation: `bot eval` and every `bot bench` (SweFAQ, speed, Slack, OCR)."""
