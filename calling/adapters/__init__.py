"""Adapters that fetch calls from a hall's queue system and hand each to the one
event path (calling/state.receive): NovoSGA's panel API (novosga.py), polled by
pull.py on the node that leads."""
