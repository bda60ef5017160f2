"""Post templates and HP principles, shipped in the wheel as the package `bot.prompts`."""
