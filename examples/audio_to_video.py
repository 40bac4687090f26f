"""Audio-to-video with LTX-2.3: visuals driven by a music or speech track.

python examples/audio_to_video.py "abstract shapes pulse to the beat" --audio track.mp3
"""

from __future__ import annotations

from _common import asset, client, main, make_video, video_parser

MODELS = ("ltx23-22b-fp8_a2v_distilled", "ltx23-22b-fp8_a2v_dev")


def run() -> None:
    cli = video_parser(
        __doc__.splitlines()[0], prompt="neon shapes pulse to the beat", models=MODELS
    )
    cli.add_argument("--audio", help="the driving audio (a placeholder if omitted)")
    cli.add_argument("--audio-start", type=float, help="where to start in the audio (s)")
    cli.add_argument("--audio-duration", type=float, help="how much of the audio to use (s)")
    args = cli.parse_args()
    with client() as sogni:
        make_video(
            sogni,
            args,
            reference_audio=asset(args.audio, "voice.mp3"),
            audio_start=args.audio_start,
            audio_duration=args.audio_duration,
        )


if __name__ == "__main__":
    main(run)
