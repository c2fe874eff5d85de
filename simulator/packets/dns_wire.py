"""DNS messages as bytes (RFC 1035 4.1), with or without name compression.

A DNS message is a 12-byte header (id, flags, four counts), then the question, the
answer, authority and additional records. RFC 1035 4.1.4 lets a name that already
appeared earlier in the message be written as a two-byte pointer to it; a sender may
compress, or not. dnspython, which the simulator uses for every DNS message,
compresses. Docker's embedded DNS server does not, for its own answers:
libnetwork builds them with miekg/dns, whose ``Msg.Compress`` is false unless set,
and sets it only on answers relayed from an upstream server (``resolver.go``, the
same in 20.10 and 29.x; 29.x's ``Msg.Truncate`` also leaves it off for a message
that fits). So ``srva.`` is written twice in full in the answer to ``srva A``,
and dig reports ``MSG SIZE rcvd: 42``, not 38.

>>> import dns.message, dns.rrset
>>> q = dns.message.make_query("srva.", "A", use_edns=False)
>>> r = dns.message.make_response(q)
>>> r.answer.append(dns.rrset.from_text("srva.", 600, "IN", "A", "10.11.0.2"))
>>> len(encode(r)), len(encode(r, compress=False))
(38, 42)
"""

from __future__ import annotations

import io
import struct

import dns.message

HEADER = struct.Struct("!HHHHHH")


def encode(message: dns.message.Message, *, compress: bool = True) -> bytes:
    """``message`` in wire format; records in their stored order; names compressed or written in full."""
    if compress:
        return message.to_wire(want_shuffle=False)
    body = io.BytesIO()
    for question in message.question:
        question.name.to_wire(body)
        body.write(struct.pack("!HH", question.rdtype, question.rdclass))
    counts = [len(message.question)]
    for section in (message.answer, message.authority, message.additional):
        counts.append(sum(rrset.to_wire(body, None, None, want_shuffle=False) for rrset in section))
    if message.opt is not None:  # the EDNS OPT pseudo-record goes last in the additional section
        counts[3] += message.opt.to_wire(body, None, None)
    return HEADER.pack(message.id, message.flags, *counts) + body.getvalue()
