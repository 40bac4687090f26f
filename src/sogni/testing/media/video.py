"""A real MP4 (H.264 Constrained Baseline) written in pure Python.

The first frame is an IDR picture made of I_PCM macroblocks (raw YUV 4:2:0 samples, so
no transform or entropy coding is needed); every following frame is a P picture whose
macroblocks are all skipped, i.e. it repeats the picture. Any H.264 decoder plays it.
"""

from __future__ import annotations

import re
import struct

from PIL import Image

from .image import render_picture

__all__ = ["BitWriter", "encode_h264", "mux_mp4", "render_video"]

_PROFILE_BASELINE = 66
_CONSTRAINTS = 0xC0  # constraint_set0 + constraint_set1: Constrained Baseline
_LEVEL = 51
_LOG2_MAX_FRAME_NUM = 16
_I_PCM = 25  # mb_type of I_PCM in an I slice


class BitWriter:
    """MSB-first bit writer with Exp-Golomb codes, as H.264 RBSPs need."""

    def __init__(self) -> None:
        self._out = bytearray()
        self._acc = 0
        self._n = 0

    def u(self, value: int, bits: int) -> None:
        """Write ``value`` as an unsigned ``bits``-bit number."""
        for shift in range(bits - 1, -1, -1):
            self._acc = (self._acc << 1) | ((value >> shift) & 1)
            self._n += 1
            if self._n == 8:
                self._out.append(self._acc)
                self._acc = 0
                self._n = 0

    def ue(self, value: int) -> None:
        """Unsigned Exp-Golomb."""
        code = value + 1
        length = code.bit_length()
        self.u(0, length - 1)
        self.u(code, length)

    def se(self, value: int) -> None:
        """Signed Exp-Golomb."""
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def align_zero(self) -> None:
        """Pad with zero bits to the next byte boundary."""
        if self._n:
            self.u(0, 8 - self._n)

    def raw(self, data: bytes) -> None:
        """Append whole bytes; the writer must be byte-aligned."""
        assert self._n == 0
        self._out += data

    def trailing(self) -> bytes:
        """Finish with ``rbsp_trailing_bits`` and return the RBSP."""
        self.u(1, 1)
        self.align_zero()
        return bytes(self._out)


_EMULATION = re.compile(b"\x00\x00(?=[\x00-\x03])")


def _nal(ref_idc: int, unit_type: int, rbsp: bytes) -> bytes:
    """A NAL unit (header + escaped payload), without a start code or length."""
    return bytes([(ref_idc << 5) | unit_type]) + _EMULATION.sub(b"\x00\x00\x03", rbsp)


def _sps(mb_width: int, mb_height: int, crop_right: int, crop_bottom: int) -> bytes:
    w = BitWriter()
    w.u(_PROFILE_BASELINE, 8)
    w.u(_CONSTRAINTS, 8)
    w.u(_LEVEL, 8)
    w.ue(0)  # seq_parameter_set_id
    w.ue(_LOG2_MAX_FRAME_NUM - 4)
    w.ue(2)  # pic_order_cnt_type: order follows frame_num
    w.ue(1)  # max_num_ref_frames
    w.u(0, 1)  # gaps_in_frame_num_value_allowed_flag
    w.ue(mb_width - 1)
    w.ue(mb_height - 1)
    w.u(1, 1)  # frame_mbs_only_flag
    w.u(1, 1)  # direct_8x8_inference_flag
    cropping = crop_right or crop_bottom
    w.u(1 if cropping else 0, 1)
    if cropping:  # in 2-pixel units for 4:2:0
        w.ue(0)
        w.ue(crop_right // 2)
        w.ue(0)
        w.ue(crop_bottom // 2)
    w.u(0, 1)  # vui_parameters_present_flag
    return _nal(3, 7, w.trailing())


def _pps() -> bytes:
    w = BitWriter()
    w.ue(0)  # pic_parameter_set_id
    w.ue(0)  # seq_parameter_set_id
    w.u(0, 1)  # entropy_coding_mode_flag: CAVLC
    w.u(0, 1)  # bottom_field_pic_order_in_frame_present_flag
    w.ue(0)  # num_slice_groups_minus1
    w.ue(0)  # num_ref_idx_l0_default_active_minus1
    w.ue(0)  # num_ref_idx_l1_default_active_minus1
    w.u(0, 1)  # weighted_pred_flag
    w.u(0, 2)  # weighted_bipred_idc
    w.se(0)  # pic_init_qp_minus26
    w.se(0)  # pic_init_qs_minus26
    w.se(0)  # chroma_qp_index_offset
    w.u(1, 1)  # deblocking_filter_control_present_flag
    w.u(0, 1)  # constrained_intra_pred_flag
    w.u(0, 1)  # redundant_pic_cnt_present_flag
    return _nal(3, 8, w.trailing())


def _idr_slice(macroblocks: list[bytes]) -> bytes:
    w = BitWriter()
    w.ue(0)  # first_mb_in_slice
    w.ue(7)  # slice_type: I (all slices of the picture)
    w.ue(0)  # pic_parameter_set_id
    w.u(0, _LOG2_MAX_FRAME_NUM)  # frame_num
    w.ue(0)  # idr_pic_id
    w.u(0, 1)  # no_output_of_prior_pics_flag
    w.u(0, 1)  # long_term_reference_flag
    w.se(0)  # slice_qp_delta
    w.ue(1)  # disable_deblocking_filter_idc
    for samples in macroblocks:
        w.ue(_I_PCM)
        w.align_zero()  # pcm_alignment_zero_bit
        w.raw(samples)
    return _nal(3, 5, w.trailing())


def _skip_slice(frame_num: int, mb_count: int) -> bytes:
    w = BitWriter()
    w.ue(0)  # first_mb_in_slice
    w.ue(5)  # slice_type: P (all slices of the picture)
    w.ue(0)  # pic_parameter_set_id
    w.u(frame_num % (1 << _LOG2_MAX_FRAME_NUM), _LOG2_MAX_FRAME_NUM)
    w.u(0, 1)  # num_ref_idx_active_override_flag
    w.u(0, 1)  # ref_pic_list_modification_flag_l0
    w.u(0, 1)  # adaptive_ref_pic_marking_mode_flag
    w.se(0)  # slice_qp_delta
    w.ue(1)  # disable_deblocking_filter_idc
    w.ue(mb_count)  # mb_skip_run: every macroblock copies the reference
    return _nal(2, 1, w.trailing())


def _macroblocks(picture: Image.Image) -> list[bytes]:
    """I_PCM sample blocks (16x16 Y, 8x8 Cb, 8x8 Cr) in raster order, limited range."""
    width, height = picture.size
    y, cb, cr = picture.convert("YCbCr").split()
    y = y.point([16 + (v * 219 + 127) // 255 for v in range(256)])
    chroma_table = [16 + (v * 224 + 127) // 255 for v in range(256)]
    half = (width // 2, height // 2)
    cb = cb.resize(half, Image.Resampling.BOX).point(chroma_table)
    cr = cr.resize(half, Image.Resampling.BOX).point(chroma_table)
    luma, blue, red = y.tobytes(), cb.tobytes(), cr.tobytes()
    cw = width // 2
    blocks: list[bytes] = []
    for my in range(height // 16):
        for mx in range(width // 16):
            parts = [
                luma[(my * 16 + r) * width + mx * 16 : (my * 16 + r) * width + mx * 16 + 16]
                for r in range(16)
            ]
            for plane in (blue, red):
                parts += [
                    plane[(my * 8 + r) * cw + mx * 8 : (my * 8 + r) * cw + mx * 8 + 8]
                    for r in range(8)
                ]
            blocks.append(b"".join(parts))
    return blocks


def encode_h264(
    picture: Image.Image, width: int, height: int, frames: int
) -> tuple[bytes, bytes, list[bytes]]:
    """Encode ``frames`` frames showing ``picture``; returns ``(sps, pps, samples)``.

    ``picture`` must be padded to whole macroblocks; ``width`` x ``height`` (even numbers)
    is the displayed size. Each sample is one length-prefixed NAL unit.
    """
    padded_w, padded_h = picture.size
    mb_w, mb_h = padded_w // 16, padded_h // 16
    sps = _sps(mb_w, mb_h, padded_w - width, padded_h - height)
    pps = _pps()
    samples = [_idr_slice(_macroblocks(picture))]
    samples += [_skip_slice(i, mb_w * mb_h) for i in range(1, frames)]
    return sps, pps, [struct.pack(">I", len(s)) + s for s in samples]


# --- MP4 -------------------------------------------------------------------------------------


def _box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I", 8 + len(body)) + kind + body


def _full_box(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *payload)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def mux_mp4(
    sps: bytes, pps: bytes, samples: list[bytes], width: int, height: int, fps: int
) -> bytes:
    """Wrap H.264 samples into a fast-start MP4 with one video track."""
    frames = len(samples)
    duration_ms = frames * 1000 // fps
    tkhd = _full_box(
        b"tkhd",
        0,
        3,
        struct.pack(">IIIII", 0, 0, 1, 0, duration_ms),
        bytes(8),
        struct.pack(">hhhH", 0, 0, 0, 0),
        _MATRIX,
        struct.pack(">II", width << 16, height << 16),
    )
    mvhd = _full_box(
        b"mvhd",
        0,
        0,
        struct.pack(">IIII", 0, 0, 1000, duration_ms),
        struct.pack(">IH", 0x10000, 0x100),
        bytes(10),
        _MATRIX,
        bytes(24),
        struct.pack(">I", 2),
    )
    mdia = _media_box(sps, pps, samples, width, height, fps)
    moov = _box(b"moov", mvhd, _box(b"trak", tkhd, mdia))
    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41")
    data_offset = len(ftyp) + len(moov) + 8
    stco_at = moov.rindex(b"stco") + 12  # after type, version/flags and entry_count
    moov = moov[:stco_at] + struct.pack(">I", data_offset) + moov[stco_at + 4 :]
    mdat = _box(b"mdat", *samples)
    return ftyp + moov + mdat


def _media_box(
    sps: bytes, pps: bytes, samples: list[bytes], width: int, height: int, fps: int
) -> bytes:
    """The track's ``mdia``: its timescale, handler and sample table."""
    frames = len(samples)
    stbl = _box(
        b"stbl",
        _full_box(b"stsd", 0, 0, struct.pack(">I", 1), _sample_entry(sps, pps, width, height)),
        _full_box(b"stts", 0, 0, struct.pack(">III", 1, frames, 1)),
        _full_box(b"stss", 0, 0, struct.pack(">II", 1, 1)),
        _full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, frames, 1)),
        _full_box(
            b"stsz",
            0,
            0,
            struct.pack(">II", 0, frames),
            b"".join(struct.pack(">I", len(s)) for s in samples),
        ),
        _full_box(b"stco", 0, 0, struct.pack(">II", 1, 0)),  # patched by mux_mp4
    )
    minf = _box(
        b"minf",
        _full_box(b"vmhd", 0, 1, bytes(8)),
        _box(b"dinf", _full_box(b"dref", 0, 0, struct.pack(">I", 1), _full_box(b"url ", 0, 1))),
        stbl,
    )
    return _box(
        b"mdia",
        _full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, fps, frames, 0x55C4, 0)),
        _full_box(b"hdlr", 0, 0, bytes(4), b"vide", bytes(12), b"VideoHandler\x00"),
        minf,
    )


def _sample_entry(sps: bytes, pps: bytes, width: int, height: int) -> bytes:
    """The ``avc1`` sample description with its ``avcC`` decoder configuration."""
    avcc = _box(
        b"avcC",
        bytes([1, sps[1], sps[2], sps[3], 0xFF, 0xE1]),
        struct.pack(">H", len(sps)),
        sps,
        bytes([1]),
        struct.pack(">H", len(pps)),
        pps,
    )
    return _box(
        b"avc1",
        bytes(6),
        struct.pack(">H", 1),
        bytes(16),
        struct.pack(">HHIIIH", width, height, 0x480000, 0x480000, 0, 1),
        bytes([0]) + bytes(31),
        struct.pack(">Hh", 0x18, -1),
        avcc,
    )


def render_video(width: int, height: int, frames: int, fps: int, seed: int, prompt: str) -> bytes:
    """A decodable MP4 of ``width`` x ``height`` (rounded down to even), ``frames`` frames."""
    width = max(16, width - width % 2)
    height = max(16, height - height % 2)
    padded = (-(-width // 16) * 16, -(-height // 16) * 16)
    picture = render_picture(padded[0], padded[1], seed, prompt)
    sps, pps, samples = encode_h264(picture, width, height, max(1, frames))
    return mux_mp4(sps, pps, samples, width, height, max(1, fps))
