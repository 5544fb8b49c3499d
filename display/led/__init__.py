"""The LED strip renderer: crisp 1-bit CJK text at the panel's exact size and colours."""
