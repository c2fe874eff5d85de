"""What vulture (``make lint``'s dead-code check) cannot see being used.

Each name here is used by something outside the code vulture reads: a framework that
calls it by its name, a reader of the public API, or data kept on purpose. A name
that is simply unused does not belong here: delete the code instead.
"""

# ruff: noqa
# mypy: ignore-errors
_ = object()

# -- the public API: documented in docs/*/api.md and the chapters, used from notebooks --------------
_.of_type  # Trace.of_type(FrameSent): docs/en/api.md, the chapters
_.engine_version  # Lab(engine=...) as the learner named it
__getattr__  # simulator.__getattr__: `simulator.viz`, imported lazily (PEP 562)

# -- called by frameworks, by name --------------------------------------------------------------------
_._eof, _._abandon, _._detach  # prompt_toolkit key bindings (@keys.add)
_.cursor_position  # prompt_toolkit's Buffer, set by a key binding
_.get_completions, _.complete_event  # prompt_toolkit's Completer interface
_.log_message  # http.server.BaseHTTPRequestHandler, overridden to keep tests quiet
_.binary_location  # selenium's ChromeOptions
_.flavor  # fontTools' TTFont: writing WOFF
_.linkname  # tarfile.TarInfo of a symbolic link
_.lifetime  # dnspython's Resolver

# -- protocol numbers and modes: a table is whole even where the simulator does not use a row ---------
_.L3, _.L3S  # IpvlanMode: ip-link(8) ipvlan modes
_.IPV6  # EtherType
_.PROTOCOL  # ICMP unreachable codes (RFC 792)

# -- record fields: part of what a trace records, read by whoever reads the trace ----------------------
_.end_time  # CommandRun: when the command ended

# -- unused today, in modules other work was restructuring when the check came in: to delete once
#    that work has landed, if still unused --------------------------------------------------------------
_.user_defined  # engine/network.py Network.user_defined
_.remove_where  # kernel/ipv4/netfilter.py Chain.remove_where
_.run_until  # sim/simulation.py Simulation.run_until
_.is_arp_request  # viz/frame_kinds.py
_.nat_label  # viz/hops.py
