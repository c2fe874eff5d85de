"""Why each step happened, in one sentence, in English or Korean.

``explain(record, lang)`` reads only the record (and the frame it carries), so any
view can caption any hop. The Korean is written for a Korean classroom, not
translated word for word.
"""

from __future__ import annotations

from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.ethernet import EthernetFrame
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
    Record,
    RouteChosen,
    TopologyChanged,
    VxlanDecapsulated,
    VxlanEncapsulated,
)

DROP_REASONS = {
    DropReason.LINK_DOWN: ("the device (or its peer) is down", "장치(또는 맞은편 장치)가 내려가 있어서"),
    DropReason.NOT_FOR_US: ("it was addressed to another MAC address", "다른 MAC 주소로 가는 프레임이어서"),
    DropReason.SAME_PORT: ("the bridge would send it back out of the port it came in on", "들어온 포트로 다시 내보내야 해서(헤어핀 금지)"),
    DropReason.NO_ROUTE: ("no route matches the destination", "목적지에 맞는 라우팅 경로가 없어서"),
    DropReason.NEIGHBOUR_FAILED: ("nobody answered the ARP requests for the next hop", "다음 홉의 ARP 요청에 아무도 응답하지 않아서"),
    DropReason.TTL_EXPIRED: ("its TTL ran out", "TTL이 다 떨어져서"),
    DropReason.FORWARDING_DISABLED: ("IP forwarding is off here (net.ipv4.ip_forward = 0)", "이곳은 IP 포워딩이 꺼져 있어서(net.ipv4.ip_forward = 0)"),
    DropReason.FILTERED: ("an iptables rule dropped it", "iptables 규칙이 버려서"),
    DropReason.NO_SOCKET: ("nothing listens on that port", "그 포트를 듣는 프로그램이 없어서"),
    DropReason.MARTIAN: ("its source address is impossible here", "여기서는 나올 수 없는 출발지 주소라서"),
    DropReason.MACVLAN_FILTER: ("the kernel keeps a macvlan parent and its children apart", "커널이 macvlan 부모와 자식 인터페이스 사이의 통신을 막아서"),
    DropReason.QUEUE_OVERFLOW: ("too many packets were waiting for ARP", "ARP 응답을 기다리는 패킷이 너무 많아서"),
    DropReason.VLAN_UNKNOWN: ("it is tagged for a VLAN no device here belongs to", "이곳에는 그 VLAN에 속한 장치가 없어서"),
    DropReason.VXLAN_NO_FDB: ("the VXLAN device knows no remote host for it", "VXLAN 장치가 보낼 원격 호스트를 알지 못해서"),
}


NEIGHBOUR_KO = {
    ("NONE", "INCOMPLETE"): "주소를 몰라 ARP 요청을 보냅니다",
    ("INCOMPLETE", "REACHABLE"): "ARP 응답을 받았습니다",
    ("INCOMPLETE", "FAILED"): "ARP 요청을 세 번 보냈지만 아무도 응답하지 않았습니다",
    ("NONE", "STALE"): "상대가 보낸 ARP 요청에서 주소를 배웠습니다",
    ("REACHABLE", "STALE"): "reachable_time이 지나 다시 확인이 필요합니다",
    ("STALE", "DELAY"): "오래된 항목으로 패킷을 보냈으니 5초 동안 확인을 기다립니다",
    ("DELAY", "REACHABLE"): "기다리는 동안 확인되었습니다",
    ("DELAY", "PROBE"): "5초 안에 확인되지 않아 유니캐스트 ARP로 다시 물어봅니다",
    ("PROBE", "REACHABLE"): "ARP 응답으로 다시 확인되었습니다",
    ("PROBE", "FAILED"): "유니캐스트 ARP에 응답이 없습니다",
    ("FAILED", "INCOMPLETE"): "실패했던 항목을 다시 확인합니다",
}
VERDICT_KO = {"ACCEPT": "통과시킵니다", "DROP": "버립니다", "REJECT": "거부합니다", "RETURN": "돌려보냅니다"}


def _what(frame: EthernetFrame) -> tuple[str, str]:
    """(English, Korean) names of what a frame carries; the Korean ends in a noun with a final consonant (을)."""
    p = frame.payload
    if isinstance(p, ArpPacket):
        if p.op is ArpOp.REQUEST:
            if p.sender_ip == p.target_ip:
                return f"a gratuitous ARP for {p.sender_ip}", f"{p.sender_ip}의 gratuitous ARP 패킷"
            return f"an ARP request (who has {p.target_ip}?)", f"ARP 요청({p.target_ip}의 MAC 주소를 묻는)"
        return f"an ARP reply ({p.sender_ip} is at {p.sender_mac})", f"ARP 응답({p.sender_ip}의 MAC 주소는 {p.sender_mac})"
    head = p.summary().split(":", 1)[0].removeprefix("IP ")
    return f"a packet {head}", f"{head} 패킷"


def explain(record: Record, lang: str = "en") -> str:
    """One sentence saying what happened and why."""
    ko = lang == "ko"
    if isinstance(record, FrameSent):
        en_what, ko_what = _what(record.frame)
        return f"{record.node}/{record.dev} 인터페이스가 {ko_what}을 내보냅니다." if ko else f"{record.node}/{record.dev} sends {en_what}."
    if isinstance(record, FrameReceived):
        en_what, ko_what = _what(record.frame)
        return f"{record.node}/{record.dev} 인터페이스가 {ko_what}을 받습니다." if ko else f"{record.node}/{record.dev} receives {en_what}."
    if isinstance(record, BridgeForwarded):
        dst = record.frame.dst
        out = ", ".join(record.egress)
        if record.action == "forward":
            return (f"{record.bridge} 브리지의 FDB에 따르면 {dst} 주소는 {record.fdb_port} 포트 쪽에 있으므로 프레임을 그 포트로만 보냅니다."
                    if ko else f"{record.bridge} forwards the frame to {record.fdb_port} only: its FDB says {dst} is there.")
        if record.action == "flood":
            why_en = "it is a broadcast" if dst.is_multicast else f"it has not learned where {dst} is yet"
            why_ko = "브로드캐스트 프레임이라서" if dst.is_multicast else f"아직 {dst} 주소가 어느 포트에 있는지 배우지 못해서"
            return (f"{record.bridge} 브리지는 {why_ko} 프레임을 다른 모든 포트({out})로 내보냅니다."
                    if ko else f"{record.bridge} floods the frame to every other port ({out}) because {why_en}.")
        if record.action == "local":
            return (f"{record.bridge} 브리지는 자기 주소로 온 프레임을 호스트의 네트워크 스택으로 올려 보냅니다."
                    if ko else f"{record.bridge} passes the frame up to the host: it is addressed to the bridge itself.")
        return f"{record.bridge} 브리지가 프레임을 버립니다." if ko else f"{record.bridge} drops the frame."
    if isinstance(record, RouteChosen):
        if ko:
            verb = "전달합니다" if record.forwarded else "보냅니다"
            return f"{record.node}의 라우팅 테이블에서 '{record.route}' 경로가 목적지 {record.dst}에 맞으므로 {record.dev} 인터페이스로 {verb}."
        verb = "forwards" if record.forwarded else "sends"
        return f"{record.node} {verb} the packet for {record.dst} out of {record.dev}: its route '{record.route}' matches."
    if isinstance(record, NeighbourChanged):
        if ko:
            why = NEIGHBOUR_KO.get((record.old, record.new), record.cause)
            return f"{record.node}의 ARP 테이블에서 {record.ip} 항목이 {record.new} 상태로 바뀝니다. {why}."
        return f"{record.node}'s ARP entry for {record.ip} goes from {record.old} to {record.new} ({record.cause})."
    if isinstance(record, NatTranslated):
        if ko:
            return f"{record.node}의 iptables {record.chain} 체인이 주소를 바꿉니다: {record.before} → {record.after} (규칙: {record.rule})."
        return f"{record.node}'s iptables ({record.chain}) rewrites {record.before} to {record.after} (rule: {record.rule})."
    if isinstance(record, FilterVerdict):
        if ko:
            return f"{record.node}의 {record.chain} 체인이 '{record.rule}' 규칙에 따라 패킷을 {VERDICT_KO.get(record.verdict, record.verdict)}."
        return f"{record.node}'s {record.chain} chain says {record.verdict}, by the rule '{record.rule}'."
    if isinstance(record, PacketDelivered):
        return f"{record.node}에서 패킷이 목적지({record.to})에 도착합니다." if ko else f"On {record.node} the packet reaches {record.to}."
    if isinstance(record, FrameDropped):
        en_why, ko_why = DROP_REASONS.get(record.reason, (record.reason.value, record.reason.value))
        detail = f" ({record.detail})" if record.detail else ""
        return (f"{record.node}/{record.dev}에서 {ko_why} 버려집니다{detail}." if ko
                else f"On {record.node}/{record.dev} it is dropped: {en_why}{detail}.")
    if isinstance(record, TopologyChanged):
        return f"네트워크 구성이 바뀌었습니다: {record.cause}" if ko else f"The network changed: {record.cause}"
    if isinstance(record, MacvlanForwarded):
        targets = ", ".join(record.children)
        if ko:
            where = [f"자식 인터페이스({targets})" if targets else "", "선(wire)" if record.to_wire else "", "부모의 네트워크 스택" if record.to_parent else ""]
            dest = ", ".join(w for w in where if w) or "아무 곳에도"
            return f"{record.node}/{record.parent}의 {record.driver} 포트가 프레임을 {dest}(으)로 보냅니다 ({record.reason})."
        where = [f"the children {targets}" if targets else "", "the wire" if record.to_wire else "", "the parent's own stack" if record.to_parent else ""]
        dest = ", ".join(w for w in where if w) or "nowhere"
        return f"The {record.driver} port on {record.node}/{record.parent} sends the frame to {dest}: {record.reason}."
    if isinstance(record, VxlanEncapsulated):
        if ko:
            return (f"{record.node}의 {record.dev}가 프레임을 VXLAN(VNI {record.vni})으로 감싸 UDP 4789로 {record.remote}에 보냅니다 "
                    f"(바깥 헤더 50바이트 추가, FDB: {record.fdb}).")
        return (f"{record.dev} on {record.node} wraps the frame in VXLAN (VNI {record.vni}) and sends it over UDP 4789 to {record.remote}: "
                f"50 bytes of outer headers (fdb: {record.fdb}).")
    if isinstance(record, VxlanDecapsulated):
        learned_en = ", learning where the sender is" if record.learned else ""
        learned_ko = " 보낸 쪽의 위치도 배웁니다." if record.learned else ""
        if ko:
            return f"{record.node}의 {record.dev}가 {record.outer.src}에서 온 VXLAN(VNI {record.vni})을 풀어 안쪽 프레임을 받습니다.{learned_ko}"
        return f"{record.dev} on {record.node} unwraps VXLAN (VNI {record.vni}) from {record.outer.src} and receives the inner frame{learned_en}."
    if isinstance(record, ArpProxied):
        if record.reply is None:
            return (f"{record.node}의 {record.dev}는 ARP 요청을 터널로 보내지 않고 버립니다 ({record.neighbour})."
                    if ko else f"{record.dev} on {record.node} keeps the ARP request out of the tunnel and drops it ({record.neighbour}).")
        return (f"{record.node}의 {record.dev}가 ARP 요청에 직접 답합니다: 이웃 테이블에 '{record.neighbour}' 항목이 있어 요청이 터널을 건너지 않습니다."
                if ko else f"{record.dev} on {record.node} answers the ARP request itself from its neighbour table ('{record.neighbour}'): "
                "the request never crosses the tunnel.")
    if isinstance(record, ControlPlaneProgrammed):
        what = "; ".join(record.entries)
        if ko:
            return f"{record.node}: 컨트롤 플레인이 {record.action}을(를) 기록합니다: {what}. (추상화됨: 패킷 없이 바로 설정)"
        return f"{record.node}: the control plane does '{record.action}': {what} ({record.note})."
    if isinstance(record, CommandRun):
        return f"{record.node}$ {record.command} (종료 코드 {record.exit_code})" if ko else f"{record.node}$ {record.command} (exit status {record.exit_code})"
    return type(record).__name__
