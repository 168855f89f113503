"""nianbao: government information disclosure annual reports as parameterized notebooks."""

__version__ = "0.1.0"
