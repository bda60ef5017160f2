"""HP-assistenten: answers staff questions from the association's own documents."""
