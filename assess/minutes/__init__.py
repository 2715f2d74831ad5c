"""The procès-verbal of a jury's deliberation: its content, its PDF and its signatures."""
