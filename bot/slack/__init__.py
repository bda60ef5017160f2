"""The Slack shell: Bolt app, Block Kit rendering, streaming, feedback and event dedupe.

Only this package imports `slack_bolt`; the rest of the bot knows nothing of Slack.
"""
