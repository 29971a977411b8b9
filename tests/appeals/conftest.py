"""Real mail servers for the e-mail intake tests: a private Dovecot (IMAP) and aiosmtpd (SMTP).

Dovecot runs from Debian's ``dovecot-imapd`` with its own configuration in a temporary
directory, a passwd-file user and a free 127.0.0.1 port; the fixture starts and stops it
(never the system service). Without the binary the tests are skipped on a developer
machine and fail on CI (``CI=true``), where the package must be installed.
"""

from __future__ import annotations

import getpass
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.smtp import SmtpSink, free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "support", "imap-test-secret"


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("dovecot did not start listening within 15 s")


class ImapServer:
    """A private Dovecot serving one maildir user over plain IMAP on localhost."""

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="portal-imap-"))
        self.proc: subprocess.Popen | None = None

    def _config(self) -> str:
        if os.geteuid() == 0:
            # Root may not own mail; Dovecot's own package users run it.
            mail_user, internal, login = pwd.getpwnam("dovecot"), "dovecot", "dovenull"
        else:
            mail_user = pwd.getpwuid(os.getuid())
            internal = login = getpass.getuser()
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir(exist_ok=True)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        os.chmod(self.root, 0o755)
        for sub in ("mail", "home"):
            os.chown(self.root / sub, mail_user.pw_uid, mail_user.pw_gid)
        r = self.root
        return f"""
base_dir = {r}/run
state_dir = {r}/state
log_path = {r}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:{r}/mail/%u
first_valid_uid = 1
default_internal_user = {internal}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {r}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={r}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""

    def start(self) -> None:
        conf = self.root / "dovecot.conf"
        conf.write_text(self._config())
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        _wait_for_port(self.port, self.proc, self.root / "dovecot.log")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.proc = None
        shutil.rmtree(self.root, ignore_errors=True)

    def _client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(USER, PASSWORD)
        client.select("INBOX")
        return client

    def deliver(self, raw: bytes, when: datetime | None = None) -> None:
        """Put a message into INBOX (IMAP APPEND, as a mail server's delivery would)."""
        client = self._client()
        try:
            date = imaplib.Time2Internaldate(when.timestamp()) if when else None
            typ, data = client.append("INBOX", None, date, raw)
            assert typ == "OK", data
        finally:
            client.logout()

    def flags(self) -> dict[int, str]:
        """UID → FLAGS of every message."""
        client = self._client()
        try:
            typ, data = client.uid("FETCH", "1:*", "(FLAGS)")
            assert typ == "OK"
            out = {}
            for line in data:
                if line:
                    text = line.decode()
                    uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
                    out[uid] = text
            return out
        finally:
            client.logout()


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    """A running private Dovecot, stopped (and its files removed) after the test."""
    if not Path(DOVECOT).exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{DOVECOT} is missing on CI: install the Debian package dovecot-imapd")
        pytest.skip(f"{DOVECOT} not installed (apt-get install dovecot-imapd)")
    server = ImapServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail(app, imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The app reading the private mailbox and sending through a running SMTP sink."""
    sink = SmtpSink(free_port())
    sink.start()
    for key, value in {"IMAP_HOST": "127.0.0.1", "IMAP_PORT": imap_server.port,
                       "IMAP_USER": USER, "IMAP_PASSWORD": PASSWORD, "IMAP_SSL": "",
                       "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": sink.port,
                       "MAIL_FROM": "1414 <support@goscorp.kz>"}.items():
        monkeypatch.setitem(app.config, key, value)
    try:
        yield sink
    finally:
        sink.stop()
