"""The jury's deliberation: proposals become decisions, with reasons, audited."""
