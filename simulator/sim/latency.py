"""Named delays: how long each kind of hop takes, in seconds.

Orders of magnitude from a Linux host: a veth hop and a bridge decision are a few
microseconds of softirq work; a gigabit LAN adds serialisation (8 ns a byte) and a
switch; the simulated internet is a far place (milliseconds). Pings between
containers on one bridge therefore show RTTs of tens of microseconds, as on a real
host, and a ping to 8.8.8.8 shows tens of milliseconds.
"""

VETH_S = 6e-6  # veth_xmit -> netif_rx on the peer
BRIDGE_S = 3e-6  # br_handle_frame -> br_forward
STACK_S = 4e-6  # ip_rcv -> local delivery or forward
LOOPBACK_S = 2e-6
LAN_PROPAGATION_S = 1e-6  # a few metres of copper
LAN_BIT_RATE = 1e9  # bits per second
SWITCH_S = 4e-6  # store-and-forward in the LAN switch
WAN_ONE_WAY_S = 0.0095  # the router's uplink to "the internet"
RESPONDER_JITTER_S = (1e-6, 25e-6)  # softirq scheduling noise at the echo responder
PROCESS_WAKEUP_S = (15e-6, 60e-6)  # a user process (ping) waking up to read a reply
