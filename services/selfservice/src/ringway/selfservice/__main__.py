"""`python -m ringway.selfservice`: run self-service as its own process (distributed mode)."""

from ringway.selfservice.app import create_app
from ringway.selfservice.settings import SelfServiceSettings
from ringway.shared.entry import serve

if __name__ == "__main__":
    serve(SelfServiceSettings, create_app, default_port=8003)
