"""Huidu (灰度) controller cards over the LAN: SDK 2.0 TCP (port 10001).

Huidu publishes no protocol manual; two public clients of the vendor's SDK describe
it: alparslanahmed/huidu-led (Go, "reverse-engineered from the official Huidu C# SDK
2.0.10", tested on HD-WF2) and chrissnell/huidu-led-rs (Rust, MIT, byte fixtures and
a mock device). Where they disagree we follow the Go client (see ``frame``).

- ``frame``: packets ``<len u16le><cmd u16le><payload>`` and the SDK XML fragments;
- ``messages``: the XML requests we send (AddProgram, SetLuminancePloy, SetSwitchTime)
  and the answers (``<out method=… result="kSuccess">``);
- ``driver``: one session with one card (handshake, XML calls, file upload with MD5);
- ``adapter``: the sender's view (``PushDriver``): the strip's frames as an image program.
"""
