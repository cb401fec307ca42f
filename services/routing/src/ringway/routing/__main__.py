"""`python -m ringway.routing`: run routing as its own process (distributed mode)."""

from ringway.routing.app import create_app
from ringway.routing.settings import RoutingSettings
from ringway.shared.entry import serve

if __name__ == "__main__":
    serve(RoutingSettings, create_app, default_port=8001)
