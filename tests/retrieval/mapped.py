import mmap


def mapped(values) -> bool:
    """Whether an array's memory is a file mapping (not read into this process)."""
    while values is not None:
        if isinstance(values, mmap.mmap):
            return True
        values = getattr(values, "base", None)
    return False
