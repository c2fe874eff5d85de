"""The HTTP core without sockets: how curl and wget frame the response they print."""

from __future__ import annotations

import pytest

from simulator.programs.httpcore import EmptyReply, WireResponseReader
from simulator.programs.wget import BUSYBOX, GNU

HEAD = b"HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 5\r\n\r\n"


def test_the_body_is_content_length_bytes_however_the_segments_cut_it():
    reader = WireResponseReader(head_only=False)
    assert reader.feed(HEAD[:10]) is None and reader.response is None
    assert reader.feed(HEAD[10:] + b"he") is None
    assert (reader.received, reader.expected) == (2, 5)
    response = reader.feed(b"llo and more")
    assert response is not None and response.body == b"hello"
    assert response.head == HEAD[:-4]  # kept as it came, for curl -i and wget -S
    assert response.header("server") == "nginx" and response.keep_alive


def test_without_a_length_the_body_runs_to_the_fin():
    reader = WireResponseReader(head_only=False)
    assert reader.feed(b"HTTP/1.0 200 OK\r\n\r\nabc") is None
    assert reader.expected is None
    response = reader.feed(b"")
    assert response is not None and response.body == b"abc" and not response.keep_alive


@pytest.mark.parametrize(("status", "head_only"), [(200, True), (204, False), (304, False)])
def test_no_body_after_head_204_or_304(status: int, head_only: bool):
    reader = WireResponseReader(head_only=head_only)
    response = reader.feed(f"HTTP/1.1 {status} X\r\nContent-Length: 5\r\n\r\n".encode())
    assert response is not None and response.body == b""


def test_a_fin_before_any_byte_is_an_empty_reply_and_a_cut_head_is_a_head():
    with pytest.raises(EmptyReply):
        WireResponseReader(head_only=False).feed(b"")
    reader = WireResponseReader(head_only=False)
    reader.feed(b"HTTP/1.1 502 Bad Gateway")
    response = reader.feed(b"")
    assert response is not None and response.status_line == "HTTP/1.1 502 Bad Gateway"


def test_both_wget_builds_answer_every_step():
    assert set(BUSYBOX.steps) == set(GNU.steps)
    assert set(BUSYBOX.read_failures) == set(GNU.read_failures)
