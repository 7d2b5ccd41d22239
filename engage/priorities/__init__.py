"""The partnership's strategic priorities and the themes that bear on them."""
