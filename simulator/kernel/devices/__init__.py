"""Network devices as ``ip link`` shows them."""
