"""FIT CRC-16 (CRC-16/ARC: reflected polynomial 0xA001, initial value 0).

The FIT SDK ("FIT File Protocol", section "CRC") computes this CRC over the
file header and over header plus data records. A byte-at-a-time loop in
Python costs about a microsecond per byte, more than the whole decode, so
:func:`crc16` computes it with numpy: the data is cut into equal blocks whose
CRCs advance in parallel, then the block CRCs are folded pairwise using the
linearity of the CRC over GF(2): ``crc(A || B) = shift(crc(A), len(B)) ^
crc(B)`` when the initial value is 0, where ``shift`` feeds zero bytes.
"""

from __future__ import annotations

import numpy as np

_POLY = 0xA001
_BLOCK = 32  # bytes advanced in parallel per block (even: read as 16-bit words)
#: Below this many bytes the byte loop is faster than numpy's fixed cost (measured: ~45 us at 1 kB).
_PYTHON_BELOW = 1024


def _byte_table() -> np.ndarray:
    table = np.zeros(256, dtype=np.uint16)
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY if crc & 1 else crc >> 1
        table[i] = crc
    return table


_TABLE = _byte_table()
_TABLE_LIST = _TABLE.tolist()


def _word_table() -> np.ndarray:
    """Table for two bytes at once: the 16-bit register is fully shifted out by them,
    so ``crc' = word_table[crc ^ (b0 | b1 << 8)]``."""
    values = np.arange(65536, dtype=np.uint16)
    for _ in range(2):
        values = (values >> 8) ^ _TABLE[values & 0xFF]
    return values


_WORD_TABLE = _word_table()


def crc16_py(data: bytes, crc: int = 0) -> int:
    """Return the FIT CRC of a short ``data`` (pure Python; for headers)."""
    table = _TABLE_LIST
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def _shift_tables(n_bytes: int) -> tuple[np.ndarray, np.ndarray]:
    """Tables ``lo, hi`` with ``shift(c) = lo[c & 0xFF] ^ hi[c >> 8]`` for ``n_bytes`` 0-bytes."""
    values = np.concatenate([np.arange(256), np.arange(256) << 8]).astype(np.uint16)
    for _ in range(n_bytes):
        values = (values >> 8) ^ _TABLE[values & 0xFF]
    return values[:256].copy(), values[256:].copy()


def _compose(tables: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Return the tables of applying ``tables``' shift twice."""
    lo, hi = tables
    return (lo[lo & 0xFF] ^ hi[lo >> 8], lo[hi & 0xFF] ^ hi[hi >> 8])


#: Shift tables for 2^k blocks of zero bytes, k = 0, 1, ...: one per folding level, built once.
_FOLD_TABLES = [_shift_tables(_BLOCK)]


def _fold_tables(level: int) -> tuple[np.ndarray, np.ndarray]:
    while len(_FOLD_TABLES) <= level:
        _FOLD_TABLES.append(_compose(_FOLD_TABLES[-1]))
    return _FOLD_TABLES[level]


def crc16(data: bytes | memoryview | np.ndarray) -> int:
    """Return the FIT CRC-16 of ``data`` (initial value 0).

    Parameters
    ----------
    data : bytes-like or uint8 array
        The bytes to check.

    Returns
    -------
    int
        The CRC, 0..65535.
    """
    arr = np.frombuffer(data, dtype=np.uint8) if not isinstance(data, np.ndarray) else data
    n = arr.size
    if n < _PYTHON_BELOW:
        return crc16_py(arr.tobytes())
    n_blocks = -(-n // _BLOCK)
    # Leading zero bytes leave a zero-initialised CRC unchanged, so pad in front.
    padded = np.zeros(n_blocks * _BLOCK, dtype=np.uint8)
    padded[padded.size - n :] = arr
    columns = np.ascontiguousarray(padded.view("<u2").reshape(n_blocks, _BLOCK // 2).T)
    crc = np.zeros(n_blocks, dtype=np.uint16)
    index = np.empty(n_blocks, dtype=np.uint16)
    for row in columns:  # all blocks advance by two bytes per step
        np.bitwise_xor(crc, row, out=index)
        np.take(_WORD_TABLE, index, out=crc)
    level = 0
    while crc.size > 1:
        if crc.size % 2:  # a zero block in front changes nothing
            crc = np.concatenate([np.zeros(1, dtype=np.uint16), crc])
        lo, hi = _fold_tables(level)
        left, right = crc[0::2], crc[1::2]
        crc = lo[left & 0xFF] ^ hi[left >> 8] ^ right
        level += 1
    return int(crc[0])
