"""The words the pictures print, in English and Korean (one table, looked up by key).

Names a learner types or greps stay as Linux and Docker spell them in both
languages (``docker0``, ``veth1a2b3c4``, ``eth0``, ``MASQUERADE``); only the
descriptions around them are translated.
"""

from __future__ import annotations

from simulator.trace.tracer import Trace

LANGS = ("en", "ko")

TERMS: dict[str, tuple[str, str]] = {
    # namespace kinds, as subtitles under a box's name
    "docker-host": ("Docker host", "도커 호스트"),
    "router": ("router (NAT)", "공유기 (NAT 라우터)"),
    "internet": ("the internet", "인터넷"),
    "laptop": ("laptop on the LAN", "같은 LAN의 노트북"),
    "container": ("container", "컨테이너"),
    "machine": ("machine", "머신"),
    "switch": ("LAN switch", "LAN 스위치"),
    "bridge": ("bridge", "브리지"),
    "more": ("+{n} more", "외 {n}개"),
    "veths": ("{n} × veth", "veth {n}개"),
    "links": ("{n} links", "링크 {n}개"),
    "down": ("down", "꺼짐"),
    "aliases": ("alias {names}", "별칭 {names}"),
    "resolver": ("Docker's embedded DNS server", "도커 내장 DNS 서버"),
    "overlay-ns": ("overlay ns {id}", "오버레이 ns {id}"),
    # titles
    "topology-title": ("Network at t = {t} s", "t = {t}초의 네트워크"),
    "after": ("after: {cause}", "직전 변경: {cause}"),
    "path-title": ("Packet path: {command}", "패킷 경로: {command}"),
    "path-title-plain": ("Packet path", "패킷 경로"),
    "ladder-title": ("Ladder diagram: {command}", "래더 다이어그램: {command}"),
    "ladder-title-plain": ("Ladder diagram", "래더 다이어그램"),
    "ladder-flood-only": ("Not drawn: {n} devices that only received a flooded copy and did nothing with it",
                          "그리지 않음: 플러딩된 사본을 받기만 하고 아무것도 하지 않은 장치 {n}개"),
    "ladder-flood-only-1": ("Not drawn: 1 device that only received a flooded copy and did nothing with it",
                            "그리지 않음: 플러딩된 사본을 받기만 하고 아무것도 하지 않은 장치 1개"),
    "ladder-veth-merged": ("A container's line stands for both ends of its veth pair ({n} host ends not drawn: frames cross them unchanged)",
                           "컨테이너의 선이 veth 쌍의 양 끝을 함께 나타냄 (호스트 쪽 끝 {n}개 생략: 프레임이 그대로 지나감)"),
    "ladder-veth-merged-1": ("A container's line stands for both ends of its veth pair (the host end not drawn: frames cross it unchanged)",
                             "컨테이너의 선이 veth 쌍의 양 끝을 함께 나타냄 (호스트 쪽 끝 생략: 프레임이 그대로 지나감)"),
    "ladder-lanes": ("A line per machine and per container: a host's line stands for its own and its overlay networks' namespaces",
                     "머신과 컨테이너마다 선 하나: 호스트의 선은 호스트와 오버레이 네트워크의 네임스페이스를 함께 나타냄"),
    "n-devices": ("{n} devices", "장치 {n}개"),
    "headers-title": ("Headers hop by hop: {command}", "홉별 헤더: {command}"),
    "headers-title-plain": ("Headers hop by hop", "홉별 헤더"),
    "ladder-after": ("Frames from {ms} ms on not drawn ({n} of {total}): viz.ladder(trace, start={ms})",
                     "{ms} ms부터의 프레임은 그리지 않음 ({total}개 중 {n}개): viz.ladder(trace, start={ms})"),
    "ladder-before": ("Frames before {ms} ms not drawn ({n} of {total}): viz.ladder(trace)",
                      "{ms} ms 이전의 프레임은 그리지 않음 ({total}개 중 {n}개): viz.ladder(trace)"),
    "time-ms": ("time (ms)", "시간 (ms)"),
    "later": ("{ms} ms later", "{ms} ms 뒤"),
    "legend": ("Frames, in order", "프레임 (순서대로)"),
    "times": ("×{n}", "×{n}"),
    "dropped": ("dropped at {where}: {reason}", "{where}에서 버려짐: {reason}"),
    "delivered": ("delivered", "전달됨"),
    "flood": ("flooded", "플러딩"),
    "changed": ("highlighted: changed since the previous hop of the same packet",
                "노란 칸: 같은 패킷의 직전 홉과 달라진 값"),
    "rows-left-out": ("{n} of {total} hops left out, all of them hops that changed nothing (# is the frame's number, as in the path)",
                      "홉 {total}개 중 바뀐 것이 없는 홉 {n}개는 생략 (# 열은 경로 그림과 같은 프레임 번호)"),
    "rows-repeated": ("{n} of {total} hops left out: unchanged hops, repeated packets (# is the frame's number, as in the path)",
                      "홉 {total}개 중 {n}개 생략: 바뀐 것 없는 홉, 되풀이된 패킷 (#은 경로 그림과 같은 프레임 번호)"),
    "rows-cut": ("{n} of {total} hops left out: the table stops at frame {last} (# is the frame's number, as in the path)",
                 "홉 {total}개 중 {n}개는 생략: 표는 {last}번 프레임까지 (# 열은 경로 그림과 같은 프레임 번호)"),
    "no-frames": ("(no frames in this trace)", "(이 트레이스에는 프레임이 없습니다)"),
    "step": ("Step {i} of {n}", "{n}단계 중 {i}단계"),
    "step-word": ("Step", "단계"),
    # header table columns
    "col-frame": ("#", "#"),
    "col-time": ("t (ms)", "t (ms)"),
    "col-where": ("sent on", "송신 장치"),
    "col-src-mac": ("src MAC", "출발지 MAC"),
    "col-dst-mac": ("dst MAC", "목적지 MAC"),
    "col-src-ip": ("src IP", "출발지 IP"),
    "col-dst-ip": ("dst IP", "목적지 IP"),
    "col-ttl": ("TTL", "TTL"),
    "col-proto": ("proto", "프로토콜"),
    "col-what": ("type, seq", "종류, seq"),
    # change labels on a path
    "ttl": ("TTL {a}→{b}", "TTL {a}→{b}"),
    "snat": ("SNAT {a}→{b}", "SNAT {a}→{b}"),
    "dnat": ("DNAT {a}→{b}", "DNAT {a}→{b}"),
    "nat-reply": ("(reply: NAT undone)", "(응답: NAT 되돌림)"),
    "key-arp": ("ARP (who has this IP address?)", "ARP (이 IP 주소의 MAC은?)"),
    "key-request": ("a request (echo request, SYN, query)", "요청 (echo request, SYN, 질의)"),
    "key-reply": ("a reply", "응답"),
    "key-routed": ("routed inside a host or router (TTL, NAT)", "호스트나 라우터 안에서 라우팅 (TTL, NAT)"),
    "key-routed-wrap": ("routed (TTL, NAT) or wrapped in VXLAN inside a host", "호스트 안에서 라우팅 (TTL, NAT) 또는 VXLAN 캡슐화"),
    # the player and the strip
    "came-in": ("came in on {where}", "{where}로 들어온 모습"),
    "went-out": ("went out of {where}", "{where}에서 나간 모습"),
    "made-here": ("made here by {node}'s own stack", "{node}의 네트워크 스택이 여기서 만든 프레임"),
    "changed-fields": ("Changed at {where}: {fields}", "{where}에서 바뀐 필드: {fields}"),
    "unchanged": ("Nothing in the frame changed at {where}.", "{where}에서 프레임은 바뀌지 않았습니다."),
    "field": ("field", "필드"),
    "why": ("Why", "이유"),
    "player-text": ("dockersim player: {n} steps of {command}", "dockersim 플레이어: {command}의 {n}단계"),
    "speed": ("Speed", "속도"),
    "back": ("Step back", "한 단계 뒤로"),
    "forward": ("Step forward", "한 단계 앞으로"),
    "strip-text": ("{n} steps of {command}, one picture each", "{command}의 {n}단계, 단계마다 그림 하나"),
}


def term(key: str, lang: str = "en", **values: object) -> str:
    """The text for ``key`` in ``lang`` (``en`` or ``ko``), with ``values`` filled in.

    >>> term("more", "ko", n=24)
    '외 24개'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    en, ko = TERMS[key]
    return (ko if lang == "ko" else en).format(**values)


def language(trace: object, lang: str | None = None) -> str:
    """The language a view speaks: ``lang`` when given, else the lab's (carried by its trace), else English.

    >>> from simulator.trace.tracer import Trace
    >>> language(Trace([], lang="ko")), language(Trace([], lang="ko"), "en"), language([])
    ('ko', 'en', 'en')
    """
    if lang is not None:
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
        return lang
    carried = trace.lang if isinstance(trace, Trace) else None
    return carried if carried in LANGS else "en"
