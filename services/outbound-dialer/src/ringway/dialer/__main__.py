"""`python -m ringway.dialer`: run the dialer as its own process (distributed mode)."""

from ringway.dialer.app import create_app
from ringway.dialer.settings import DialerSettings
from ringway.shared.entry import serve

if __name__ == "__main__":
    serve(DialerSettings, create_app, default_port=8002)
