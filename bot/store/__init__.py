"""Store: the SQL engine and every table the bot keeps (answers, votes, events, schedules)."""
