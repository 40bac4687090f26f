"""Image+audio-to-video with LTX-2.3: a portrait that performs an audio track.

python examples/image_audio_to_video.py "the portrait sings" --image face.png --audio song.wav
"""

from __future__ import annotations

from _common import asset, client, main, make_video, video_parser

MODELS = ("ltx23-22b-fp8_ia2v_distilled", "ltx23-22b-fp8_ia2v_dev")


def run() -> None:
    cli = video_parser(__doc__.splitlines()[0], prompt="the portrait sings softly", models=MODELS)
    cli.add_argument("--image", help="the portrait (a placeholder if omitted)")
    cli.add_argument("--audio", help="the audio to perform (a placeholder if omitted)")
    cli.add_argument("--audio-start", type=float, help="where to start in the audio (s)")
    cli.add_argument("--audio-duration", type=float, help="how much of the audio to use (s)")
    args = cli.parse_args()
    with client() as sogni:
        make_video(
            sogni,
            args,
            reference_image=asset(args.image, "image.png"),
            reference_audio=asset(args.audio, "music.wav"),
            audio_start=args.audio_start,
            audio_duration=args.audio_duration,
        )


if __name__ == "__main__":
    main(run)
