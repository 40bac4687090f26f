"""Real, tiny audio files written without codecs: WAV (stdlib ``wave``), FLAC and MP3.

WAV and FLAC carry a short tone (chosen by seed) followed by silence; MP3 is made of
silent MPEG-1 Layer III frames. All decode with standard tools at the requested duration.
"""

from __future__ import annotations

import io
import math
import struct
import wave

__all__ = ["AUDIO_FORMATS", "render_audio", "render_flac", "render_mp3", "render_wav"]

# wire output format -> (content type, file extension)
AUDIO_FORMATS = {
    "mp3": ("audio/mpeg", "mp3"),
    "wav": ("audio/wav", "wav"),
    "flac": ("audio/flac", "flac"),
}

SAMPLE_RATE = 16000
TONE_SECONDS = 1.0


def _samples(duration: float, seed: int) -> list[int]:
    total = max(1, int(duration * SAMPLE_RATE))
    tone = min(total, int(TONE_SECONDS * SAMPLE_RATE))
    frequency = 220.0 + (seed % 440)
    out = [int(8000 * math.sin(2 * math.pi * frequency * i / SAMPLE_RATE)) for i in range(tone)]
    out.extend([0] * (total - tone))
    return out


def render_wav(duration: float, seed: int) -> bytes:
    """16-bit mono PCM WAV of ``duration`` seconds."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        samples = _samples(duration, seed)
        writer.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return buffer.getvalue()


# --- FLAC ------------------------------------------------------------------------------------


def _crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def _utf8_number(value: int) -> bytes:
    """FLAC's UTF-8-like coding of a frame number."""
    if value < 0x80:
        return bytes([value])
    if value < 0x800:
        return bytes([0xC0 | (value >> 6), 0x80 | (value & 0x3F)])
    if value < 0x10000:
        return bytes([0xE0 | (value >> 12), 0x80 | ((value >> 6) & 0x3F), 0x80 | (value & 0x3F)])
    raise ValueError("frame number too large")


_FLAC_BLOCK = 4096


def render_flac(duration: float, seed: int) -> bytes:
    """16-bit mono FLAC: verbatim subframes for the tone, constant subframes for silence."""
    samples = _samples(duration, seed)
    total = len(samples)
    streaminfo = bytearray()
    streaminfo += struct.pack(">HH", _FLAC_BLOCK, _FLAC_BLOCK)
    streaminfo += b"\x00\x00\x00\x00\x00\x00"  # min/max frame size unknown
    # 20 bits sample rate, 3 bits channels-1, 5 bits bps-1, 36 bits total samples
    packed = (SAMPLE_RATE << 44) | (0 << 41) | (15 << 36) | total
    streaminfo += packed.to_bytes(8, "big")
    streaminfo += bytes(16)  # MD5 unknown
    out = bytearray(b"fLaC")
    out += bytes([0x80]) + len(streaminfo).to_bytes(3, "big") + streaminfo
    for number, start in enumerate(range(0, total, _FLAC_BLOCK)):
        block = samples[start : start + _FLAC_BLOCK]
        header = bytearray(b"\xff\xf8")
        # block size from 16-bit field at end (0111), sample rate 16 kHz (0101)
        header.append((0b0111 << 4) | 0b0101)
        header.append((0b0000 << 4) | (0b100 << 1))  # mono, 16 bits per sample
        header += _utf8_number(number)
        header += struct.pack(">H", len(block) - 1)
        header.append(_crc8(bytes(header)))
        frame = bytearray(header)
        if any(block):
            frame.append(0b00000010)  # VERBATIM subframe
            frame += struct.pack(f">{len(block)}h", *block)
        else:
            frame.append(0b00000000)  # CONSTANT subframe
            frame += struct.pack(">h", 0)
        frame += struct.pack(">H", _crc16(bytes(frame)))
        out += frame
    return bytes(out)


# --- MP3 -------------------------------------------------------------------------------------

# MPEG-1 Layer III, no CRC, 32 kbit/s, 32 kHz, mono: 144-byte frames of 1152 samples.
_MP3_HEADER = b"\xff\xfb\x18\xc0"
_MP3_FRAME = _MP3_HEADER + bytes(144 - len(_MP3_HEADER))
_MP3_SAMPLES_PER_FRAME = 1152
_MP3_RATE = 32000


def render_mp3(duration: float, seed: int) -> bytes:
    """Silent CBR MP3 of ``duration`` seconds (zero side info decodes to silence)."""
    del seed
    frames = max(1, math.ceil(duration * _MP3_RATE / _MP3_SAMPLES_PER_FRAME))
    return _MP3_FRAME * frames


def render_audio(fmt: str, duration: float, seed: int) -> bytes:
    """Encoded audio of ``duration`` seconds in ``fmt`` (mp3, wav, flac)."""
    if fmt == "wav":
        return render_wav(duration, seed)
    if fmt == "flac":
        return render_flac(duration, seed)
    return render_mp3(duration, seed)
