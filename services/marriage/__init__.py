"""Marriage registration service (婚姻登记)."""
