"""What is on a tile and a sticker: tokens, payload URL, board code, artwork.

Also home of the physical standard (:mod:`tilegen.standard`) and unit
conversion (:mod:`tilegen.units`), because both the printing and the
scanning sides import them from here.
"""
