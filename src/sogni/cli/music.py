"""``sogni music``: songs and instrumentals from a prompt, with optional lyrics."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sogni.cli._render import add_common_options, render
from sogni.cli._session import Session
from sogni.errors import ValidationError

__all__ = ["DEFAULT_MUSIC_MODEL", "register"]

DEFAULT_MUSIC_MODEL = "ace_step_1.5_turbo"
AUDIO_FORMATS = ("mp3", "wav", "flac")


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``music`` to the command parser."""
    music = commands.add_parser(
        "music",
        parents=parents,
        help="generate music from a prompt (and lyrics)",
        description="Generate music: the prompt describes the style; --lyrics makes it sing.",
    )
    add_common_options(music, count_help="how many tracks (default: 1)")
    music.set_defaults(model=DEFAULT_MUSIC_MODEL)
    music.add_argument("--duration", type=float, help="length in seconds (the model's default)")
    music.add_argument("--bpm", type=int, help="tempo in beats per minute")
    music.add_argument("--keyscale", metavar="KEY", help="key and scale, e.g. 'C major'")
    lyrics = music.add_mutually_exclusive_group()
    lyrics.add_argument("--lyrics", metavar="TEXT", help="lyrics to sing")
    lyrics.add_argument("--lyrics-file", type=Path, metavar="FILE", help="lyrics from a file")
    music.add_argument("--language", help="language of the lyrics, e.g. en")
    music.add_argument("--format", choices=AUDIO_FORMATS, help="file format (default: mp3)")
    music.set_defaults(handler=run)


def run(args: argparse.Namespace, session: Session) -> int:
    """Render a music project."""
    lyrics = args.lyrics
    if args.lyrics_file is not None:
        try:
            lyrics = args.lyrics_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
            raise ValidationError(
                f"cannot read the lyrics file {args.lyrics_file}: {reason}", field="lyrics_file"
            ) from None
    return render(
        session,
        args,
        type="audio",
        model_id=args.model,
        duration=args.duration,
        bpm=args.bpm,
        keyscale=args.keyscale,
        lyrics=lyrics,
        language=args.language,
        output_format=args.format,
    )
