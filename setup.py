import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(
    r'^__version__ = "([^"]+)"', (HERE / "blackjackd/__init__.py").read_text(), re.M
).group(1)

CLIENT_REQUIRES = ["pygame>=2.5,<3"]
# Tested with psycopg 3.1 to 3.3.
POSTGRESQL_REQUIRES = ["psycopg[binary]>=3.1,<4"]
# ssl: endpoints (wss://), and clients that check certificates.
TLS_REQUIRES = ["twisted[tls]>=24.7,<27"]
TEST_REQUIRES = [
    "pytest>=8,<10",
    "pytest-twisted>=1.14,<2",
    "hypothesis>=6.100,<7",
    "ruff>=0.6,<1",
    "docutils>=0.20,<1",
    # Pinned: a newer checker can find new errors in unchanged code.
    "mypy==2.4.1",
    "mypy-zope==1.0.17",
    # The web client's browser tests drive Debian's Chromium (never a
    # browser Playwright downloads); tested with 1.65.
    "playwright>=1.40,<2",
    *CLIENT_REQUIRES,
    *POSTGRESQL_REQUIRES,
    *TLS_REQUIRES,
]

setup(
    name="blackjackd",
    version=VERSION,
    description="A multiplayer blackjack server over WebSocket, for Twisted",
    long_description=(HERE / "README.rst").read_text(),
    long_description_content_type="text/x-rst",
    license="MIT",
    python_requires=">=3.10",
    # twisted.plugins has no __init__.py on purpose: it is Twisted's plugin
    # namespace, and installing our plugin module into it is how
    # `twistd blackjack` finds the server.
    packages=[
        *find_packages(include=["blackjackd", "blackjackd.*"]),
        *find_packages("client", include=["blackjack_client", "blackjack_client.*"]),
        "twisted.plugins",
    ],
    package_dir={"blackjack_client": "client/blackjack_client"},
    # The web client: static files served at /, from the package itself.
    package_data={"blackjackd": ["webclient/*", "webclient/*/*"]},
    install_requires=[
        "twisted>=24.7,<27",
        "autobahn>=24.4.2,<27",
        "automat>=24.8,<26",
        # /metrics. Tested with 0.20 and 0.26.
        "prometheus_client>=0.20,<1",
    ],
    extras_require={
        "client": CLIENT_REQUIRES,
        "postgresql": POSTGRESQL_REQUIRES,
        "tls": TLS_REQUIRES,
        "test": TEST_REQUIRES,
    },
    entry_points={
        "console_scripts": ["blackjack-client=blackjack_client.app:main"],
    },
    classifiers=[
        "Framework :: Twisted",
        "Programming Language :: Python :: 3",
        "Topic :: Games/Entertainment",
    ],
)
