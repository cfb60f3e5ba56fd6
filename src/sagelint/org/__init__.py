"""The organisation report (`sagelint report`): sagelint SARIF files of many repositories
merged into one report (`model.py`), rendered as JSON, Markdown or HTML."""
