"""Answer: the Answer types, the shared answer policy and the answerers."""
