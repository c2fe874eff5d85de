"""Why each step happened, in one sentence, in English or Korean: the one ``explain``.

``explain(record, lang)`` reads only the record (and the frame it carries), so any
view, the player and the shell's ``:explain`` caption any hop alike. One small
function per record type says what happened and why ("docker0 forwarded the
frame to veth1a2b3c4 because its FDB says 02:42:ac:11:00:03 is there"). The
Korean is written for a Korean classroom, not translated word for word, with the
particles fitted to the word before them (:func:`josa`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.vxlan import VXLAN_OVERHEAD, VXLAN_PORT
from simulator.trace.frames import rule_target, shorten
from simulator.trace.records import (
    ArpProxied,
    BridgeForwarded,
    CommandRun,
    ControlPlaneProgrammed,
    DropReason,
    FilterVerdict,
    FrameDropped,
    FrameReceived,
    FrameSent,
    MacvlanForwarded,
    NatTranslated,
    NeighbourChanged,
    PacketDelivered,
    RouteChosen,
    TopologyChanged,
    VxlanDecapsulated,
    VxlanEncapsulated,
)

__all__ = ["DROP_REASONS", "EXPLAINERS", "NEIGHBOUR_STATES", "explain", "explain_passed_on", "josa"]

# --- Korean particles ------------------------------------------------------------------------

_DIGIT_HAS_FINAL = {"0": True, "1": True, "2": False, "3": True, "4": False, "5": False, "6": True, "7": True, "8": True, "9": False}
_LATIN_HAS_FINAL = set("lmn")  # read as a Korean speaker would: tunnel -> 터널 (ㄹ), eth0 -> 영; docker, router -> 도커, 라우터 (none)


def _has_final(word: str) -> tuple[bool, bool]:
    """(has a final consonant, that consonant is ㄹ) for the last sound of ``word``."""
    ch = word.rstrip(")] '\"")[-1:] or "a"
    if "가" <= ch <= "힣":
        final = (ord(ch) - 0xAC00) % 28
        return final != 0, final == 8
    if ch.isdigit():
        return _DIGIT_HAS_FINAL[ch], ch in "178"
    return ch.lower() in _LATIN_HAS_FINAL, ch.lower() == "l"


def josa(word: str, pair: str) -> str:
    """``word`` with the right form of a Korean particle: ``josa("docker0", "은/는")`` is ``docker0은``.

    ``pair`` is one of ``은/는``, ``이/가``, ``을/를``, ``과/와``, ``으로/로``.

    >>> josa("router", "은/는"), josa("docker", "이/가"), josa("tunnel", "으로/로")
    ('router는', 'docker가', 'tunnel로')
    >>> josa("docker0", "은/는"), josa("호스트", "이/가"), josa("eth1", "으로/로")
    ('docker0은', '호스트가', 'eth1로')
    """
    with_final, without = pair.split("/")
    final, rieul = _has_final(word)
    if pair == "으로/로":
        return word + (without if (not final or rieul) else with_final)
    return word + (with_final if final else without)


# --- one sentence per record ------------------------------------------------------------------

DROP_REASONS: dict[DropReason, tuple[str, str]] = {
    DropReason.LINK_DOWN: ("the link is down", "링크가 내려가 있습니다"),
    DropReason.NOT_FOR_US: ("the frame is addressed to another MAC", "다른 MAC 주소로 가는 프레임입니다"),
    DropReason.SAME_PORT: ("the FDB points back to the port it came from", "FDB가 들어온 포트를 다시 가리킵니다"),
    DropReason.NO_ROUTE: ("no route matches the destination", "목적지에 맞는 라우트가 없습니다"),
    DropReason.NEIGHBOUR_FAILED: ("nobody answered the ARP requests for the next hop", "다음 홉의 ARP 요청에 아무도 응답하지 않았습니다"),
    DropReason.TTL_EXPIRED: ("its TTL ran out", "TTL이 0이 되었습니다"),
    DropReason.FORWARDING_DISABLED: ("IP forwarding is off (net.ipv4.ip_forward = 0)", "IP 포워딩이 꺼져 있습니다 (net.ipv4.ip_forward = 0)"),
    DropReason.FILTERED: ("a netfilter (iptables) rule dropped it", "netfilter(iptables) 규칙이 버렸습니다"),
    DropReason.NO_SOCKET: ("no program listens on that port", "그 포트에서 듣는 프로그램이 없습니다"),
    DropReason.MARTIAN: ("its source address is impossible here (martian)", "출발지 주소가 이 인터페이스에서 불가능한 주소입니다(martian)"),
    DropReason.MACVLAN_FILTER: ("macvlan does not pass frames between the parent and its children",
                                "macvlan은 부모 장치와 자식 장치 사이로 프레임을 넘기지 않습니다"),
    DropReason.QUEUE_OVERFLOW: ("too many packets were waiting for ARP", "ARP를 기다리는 패킷이 너무 많습니다"),
}
"""Why a frame was dropped, in words a learner can repeat (English, Korean)."""

NEIGHBOUR_STATES: dict[str, tuple[str, str]] = {
    "NONE": ("no entry", "항목 없음"),
    "INCOMPLETE": ("an ARP request is out, no answer yet", "ARP 요청을 보내고 응답을 기다리는 중"),
    "REACHABLE": ("the neighbour answered: its MAC is known", "이웃이 응답해 MAC 주소를 압니다"),
    "STALE": ("known, but not confirmed lately", "알고는 있지만 최근에 확인되지 않았습니다"),
    "DELAY": ("used while stale: it will be checked again shortly", "STALE 상태에서 쓰였으니 곧 다시 확인합니다"),
    "PROBE": ("checking it again with a unicast ARP request", "유니캐스트 ARP 요청으로 다시 확인하는 중"),
    "FAILED": ("no answer: packets for it are dropped", "응답이 없어 이 주소로 가는 패킷은 버려집니다"),
}
"""``ip neigh`` states (NUD_*) and what each means."""


def _who(node: str, dev: str, lang: str) -> str:
    if node == "lan":
        return f"the LAN switch's {dev}" if lang == "en" else f"LAN 스위치의 {dev}"
    return f"{node}'s {dev}" if lang == "en" else f"{node}의 {dev}"


def _frame_sent(r: FrameSent, lang: str) -> str:
    p = r.frame.payload
    who = _who(r.node, r.dev, lang)
    if isinstance(p, ArpPacket) and p.op is ArpOp.REQUEST and p.sender_ip == p.target_ip:
        if lang == "ko":
            return f"{josa(who, '이/가')} gratuitous ARP를 보냅니다: {p.sender_ip}의 MAC 주소는 {p.sender_mac}이라고 알립니다."
        return f"{who} sends a gratuitous ARP: it announces that {p.sender_ip} is at {p.sender_mac}."
    if isinstance(p, ArpPacket) and p.op is ArpOp.REQUEST:
        if lang == "ko":
            return f"{josa(who, '이/가')} ARP 요청을 보냅니다: {p.target_ip}의 MAC 주소를 가진 장치는 {p.sender_ip}에게 알려 주세요."
        return f"{who} sends an ARP request: who has {p.target_ip}? Tell {p.sender_ip}."
    if isinstance(p, ArpPacket):
        if lang == "ko":
            return f"{josa(who, '이/가')} ARP 응답을 보냅니다: {p.sender_ip}의 MAC 주소는 {p.sender_mac}입니다."
        return f"{who} sends an ARP reply: {p.sender_ip} is at {p.sender_mac}."
    if lang == "ko":
        return f"{josa(who, '이/가')} 프레임을 {josa(str(r.frame.dst), '으로/로')} 내보냅니다: {shorten(r.frame)}"
    return f"{who} puts the frame on its link, to {r.frame.dst}: {shorten(r.frame)}"


def explain_passed_on(r: FrameSent, to: str, lang: str = "en") -> str:
    """A port passing on a frame its bridge forwarded (not a frame of its own)."""
    who = _who(r.node, r.dev, lang)
    if lang == "ko":
        return f"{josa(who, '이/가')} 브리지가 넘겨준 프레임을 링크 건너편 {to}에 그대로 전달합니다: {shorten(r.frame)}"
    return f"{who} passes the frame on, unchanged, to {to} at the other end of its link: {shorten(r.frame)}"


def _frame_received(r: FrameReceived, lang: str) -> str:
    who = _who(r.node, r.dev, lang)
    if lang == "ko":
        return f"{josa(who, '이/가')} 프레임을 받습니다: {shorten(r.frame)}"
    return f"{who} receives the frame: {shorten(r.frame)}"


def _bridge(r: BridgeForwarded, lang: str) -> str:
    name = "the LAN switch" if r.node == "lan" and lang == "en" else ("LAN 스위치" if r.node == "lan" else r.bridge)
    dst, src = str(r.frame.dst), str(r.frame.src)
    ports = ", ".join(r.egress) or ("no other port" if lang == "en" else "다른 포트 없음")
    if r.action == "forward":
        port = r.egress[0] if r.egress else r.fdb_port or "?"
        if lang == "ko":
            text = f"{josa(name, '은/는')} FDB에 {josa(dst, '이/가')} {port} 쪽에 있다고 기록되어 있어 프레임을 그 포트로 전달했습니다."
        else:
            text = f"{name} forwarded the frame to {port} because its FDB says {dst} is there."
    elif r.action == "flood" and r.frame.dst.is_multicast:
        text = (f"{josa(name, '은/는')} 브로드캐스트 프레임을 들어온 포트를 뺀 모든 포트({ports})로 내보냅니다(플러딩)."
                if lang == "ko" else f"{name} floods the frame out of every other port ({ports}) because it is a broadcast.")
    elif r.action == "flood":
        text = (f"{name}의 FDB에 {dst} 항목이 없어 프레임을 다른 모든 포트({ports})로 플러딩합니다."
                if lang == "ko" else f"{name} has no FDB entry for {dst}, so it floods the frame out of every other port ({ports}).")
    elif r.action == "local":
        text = (f"목적지 MAC {josa(dst, '이/가')} {name} 자신의 주소라서, 프레임을 {r.node}의 IP 스택으로 올려 보냅니다."
                if lang == "ko" else f"{name} passes the frame up to {r.node}'s own IP stack: it is addressed to {name}'s MAC {dst}.")
    else:
        text = (f"{josa(name, '은/는')} 프레임을 버립니다: FDB가 들어온 포트({r.ingress})를 다시 가리킵니다."
                if lang == "ko" else f"{name} drops the frame: its FDB points back to the port it came in on ({r.ingress}).")
    if r.learned:
        text += (f" 이때 {josa(src, '이/가')} {r.ingress} 쪽에 있다고 FDB에 배워 둡니다."
                 if lang == "ko" else f" It learns that {src} is behind {r.ingress}.")
    return text


def _route(r: RouteChosen, lang: str) -> str:
    via = f" via the gateway {r.gateway}" if r.gateway else ""
    if lang == "ko":
        gw = f" (게이트웨이 {r.gateway} 경유)" if r.gateway else ""
        verb = "전달할" if r.forwarded else "보낼"
        return (f"{josa(r.node, '은/는')} {verb} 패킷의 목적지 {josa(str(r.dst), '을/를')} 라우팅 테이블에서 찾습니다: "
                f"'{r.route}' 항목이 맞으므로 {josa(r.dev, '으로/로')} 내보냅니다{gw}.")
    verb = "forwards" if r.forwarded else "sends"
    return f"{r.node} looks {r.dst} up in its routing table: '{r.route}' matches, so it {verb} the packet out of {r.dev}{via}."


def _neighbour(r: NeighbourChanged, lang: str) -> str:
    meaning = NEIGHBOUR_STATES.get(r.new, (r.new, r.new))
    if lang == "ko":
        return f"{r.node}의 {r.dev} ARP 테이블에서 {r.ip} 항목: {r.old} → {r.new} ({meaning[1]})."
    return f"{r.node}'s ARP entry for {r.ip} on {r.dev}: {r.old} → {r.new} ({meaning[0]}; {r.cause})."


def _nat(r: NatTranslated, lang: str) -> str:
    target = rule_target(r.rule)
    if r.reply:
        if lang == "ko":
            return f"응답 패킷이므로 {r.node}의 conntrack이 기억해 둔 {josa(target, '을/를')} 되돌립니다: {r.before} → {r.after}."
        return f"This is a reply, so {r.node}'s conntrack undoes the {target}: {r.before} becomes {r.after}."
    if lang == "ko":
        return f"{r.node}의 netfilter가 {r.chain} 체인의 규칙 '{r.rule}'에 따라 주소를 바꿉니다: {r.before} → {r.after}."
    return f"{r.node}'s netfilter rewrites {r.before} to {r.after} ({r.chain} chain: {r.rule})."


def _filter(r: FilterVerdict, lang: str) -> str:
    if lang == "ko":
        verdict = "허용합니다" if r.verdict == "ACCEPT" else "버립니다"
        return f"{r.node}의 {r.chain} 체인이 '{r.rule}' 규칙에 따라 패킷을 {verdict}."
    verb = "accepts" if r.verdict == "ACCEPT" else "drops"
    return f"{r.node}'s {r.chain} chain {verb} the packet: {r.rule}"


def _delivered(r: PacketDelivered, lang: str) -> str:
    if lang == "ko":
        return f"{josa(r.node, '이/가')} 패킷을 {r.to}에 넘깁니다."
    return f"{r.node} hands the packet to {r.to}."


def _dropped(r: FrameDropped, lang: str) -> str:
    why = DROP_REASONS.get(r.reason, (r.reason.value, r.reason.value))
    detail = f" ({r.detail})" if r.detail else ""
    if lang == "ko":
        return f"{josa(r.node, '은/는')} {r.dev}에서 패킷을 버립니다: {why[1]}{detail}"
    return f"{r.node} drops the packet at {r.dev}: {why[0]}{detail}."


def _macvlan(r: MacvlanForwarded, lang: str) -> str:
    """The record's own ``reason`` (ip-link(8)'s rule) says why; the sentence says where it went."""
    parent = _who(r.node, r.parent, lang)
    came = "" if "/" not in r.origin else (f" from its child {r.origin}" if lang == "en" else f" 자식 {r.origin}에게서 받은")
    if lang == "ko":
        where = [f"자식 {', '.join(r.children)}"] if r.children else []
        if r.to_wire:
            where.append("선(wire)")
        if r.to_parent:
            where.append(f"{r.parent} 자신의 스택")
        dest = ", ".join(where) or "아무 데도 아닌 곳"
        return f"{josa(parent, '은/는')} ({r.driver} 부모 장치){came} 프레임을 {dest}에 보냅니다: {r.reason}"
    where = [f"to the child {', '.join(r.children)}"] if r.children else []
    if r.to_wire:
        where.append("out to the wire")
    if r.to_parent:
        where.append(f"up to {r.parent}'s own stack")
    dest = ", ".join(where) or "nowhere"
    return f"{parent} (a {r.driver} parent) passes the frame{came} {dest}: {r.reason}."


def _vxlan_wrap(r: VxlanEncapsulated, lang: str) -> str:
    who = _who(r.node, r.dev, lang)
    if lang == "ko":
        return (f"{josa(who, '이/가')} 프레임을 VXLAN(VNI {r.vni})으로 감쌉니다(+{VXLAN_OVERHEAD}바이트): FDB 항목 '{r.fdb}'에 따라 "
                f"{r.underlay}의 스택이 UDP {VXLAN_PORT}번 포트로 {r.remote}의 VTEP에 보냅니다.")
    return (f"{who} wraps the frame in VXLAN (VNI {r.vni}, +{VXLAN_OVERHEAD} bytes): its FDB entry '{r.fdb}' names the VTEP {r.remote}, "
            f"so {r.underlay}'s stack sends it there in a UDP datagram to port {VXLAN_PORT}.")


def _vxlan_unwrap(r: VxlanDecapsulated, lang: str) -> str:
    who = _who(r.node, r.dev, lang)
    if lang == "ko":
        return f"UDP {VXLAN_PORT}번 포트로 온 VXLAN 데이터그램(VNI {r.vni})에서 {josa(who, '이/가')} 원래 프레임을 꺼냅니다(-{VXLAN_OVERHEAD}바이트)."
    return f"{who} takes the frame out of the VXLAN datagram (VNI {r.vni}) that arrived on UDP port {VXLAN_PORT} (-{VXLAN_OVERHEAD} bytes)."


def _arp_proxied(r: ArpProxied, lang: str) -> str:
    who = _who(r.node, r.dev, lang)
    if r.reply is None:
        if lang == "ko":
            return f"{josa(who, '은/는')} ARP 요청에 답할 이웃 항목이 없습니다(l3miss)."
        return f"{who} has no neighbour entry to answer the ARP request with (an l3miss)."
    if lang == "ko":
        return f"{josa(who, '이/가')} 이웃 테이블('{r.neighbour}')로 ARP 요청에 직접 답합니다: 요청은 터널을 건너가지 않습니다."
    return f"{who} answers the ARP request itself from its neighbour table ('{r.neighbour}'): the request never crosses the tunnel."


def _control_plane(r: ControlPlaneProgrammed, lang: str) -> str:
    where = f"{r.node} {r.namespace}".strip()
    if lang == "ko":
        return f"{where}: 컨트롤 플레인이 {josa(r.action, '을/를')} 기록합니다: {'; '.join(r.entries)} (추상화됨: 패킷 없이 바로 설정)"
    return f"{where}: {r.action}: {'; '.join(r.entries)} ({r.note})"


def _command(r: CommandRun, lang: str) -> str:
    return f"$ {r.command}  (" + ("exit status" if lang == "en" else "종료 코드") + f" {r.exit_code})"


def _topology(r: TopologyChanged, lang: str) -> str:
    return f"The network changed: {r.cause}" if lang == "en" else f"네트워크가 바뀌었습니다: {r.cause}"


EXPLAINERS: dict[type, Callable[[Any, str], str]] = {
    FrameSent: _frame_sent,
    FrameReceived: _frame_received,
    BridgeForwarded: _bridge,
    RouteChosen: _route,
    NeighbourChanged: _neighbour,
    NatTranslated: _nat,
    FilterVerdict: _filter,
    PacketDelivered: _delivered,
    FrameDropped: _dropped,
    CommandRun: _command,
    TopologyChanged: _topology,
    MacvlanForwarded: _macvlan,
    VxlanEncapsulated: _vxlan_wrap,
    VxlanDecapsulated: _vxlan_unwrap,
    ArpProxied: _arp_proxied,
    ControlPlaneProgrammed: _control_plane,
}
"""One sentence-maker per record type."""


def explain(record: Any, lang: str = "en") -> str:
    """One sentence saying what ``record`` shows happened, and why, in ``lang``.

    >>> from simulator import Lab
    >>> from simulator.trace import BridgeForwarded
    >>> lab = Lab(seed=1)
    >>> for name in ("c1", "c2"):
    ...     _ = lab.sh(f"docker run -itd --name {name} ubuntu:14.04")
    >>> r = lab.sh("docker exec c1 ping -c 1 172.17.0.3")
    >>> fwd = [x for x in r.trace if isinstance(x, BridgeForwarded) and x.action == "forward"][0]
    >>> explain(fwd).startswith("docker0 forwarded the frame to veth")
    True
    >>> "FDB에" in explain(fwd, "ko")
    True
    """
    if lang not in ("en", "ko"):
        raise ValueError(f"lang must be 'en' or 'ko', not {lang!r}")
    maker = EXPLAINERS.get(type(record))
    if maker is None:
        return type(record).__name__
    return maker(record, lang)
