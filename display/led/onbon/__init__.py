"""Onbon (仰邦) BX-5/BX-6 controller cards, driven over the LAN (TCP 5005).

Follows the vendor's published manuals (github.com/onbonlab/BX-V-VI,
``bx.dual.Aux.Data/5th动态区域用户手册.md`` and ``6th动态区域用户手册.md``):

- ``frame``: the frame (8 × 0xA5, header, data, CRC-16, 0x5A), escaping, parsing;
- ``bitmap``: our rendered frames packed as the cards' dot-matrix page data;
- ``commands``: the requests we send (dynamic area, ping, brightness) and the answers;
- ``driver``: one TCP exchange with one card;
- ``simulator``: a card in software, for tests and for trying without hardware.
"""
