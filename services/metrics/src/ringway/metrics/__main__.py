"""`python -m ringway.metrics`: run metrics as its own process (distributed mode)."""

from ringway.metrics.app import create_app
from ringway.metrics.settings import MetricsSettings
from ringway.shared.entry import serve

if __name__ == "__main__":
    serve(MetricsSettings, create_app, default_port=8004)
