"""Wiegand: card and keypress formats, and a transmitter and receiver on two GPIO lines."""
