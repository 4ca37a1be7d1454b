"""Place names service: the administrative division registry (行政区划) and, later, place names,
signs and boundaries."""
