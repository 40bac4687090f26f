"""Sound-to-video with Wan 2.2: a portrait that sings or speaks along with an audio clip.

    python examples/sound_to_video.py "she sings on stage" --image singer.png --audio song.mp3 \\
        --audio-start 10 --audio-duration 5 --duration 5
"""

from __future__ import annotations

from _common import asset, client, main, make_video, video_parser

MODELS = ("wan_v2.2-14b-fp8_s2v_lightx2v", "wan_v2.2-14b-fp8_s2v")


def run() -> None:
    cli = video_parser(
        __doc__.splitlines()[0], prompt="the person sings, stage lights", models=MODELS
    )
    cli.add_argument("--image", help="the face or character (a placeholder if omitted)")
    cli.add_argument("--audio", help="mp3, m4a or wav to follow (a placeholder if omitted)")
    cli.add_argument("--audio-start", type=float, help="where to start in the audio (s)")
    cli.add_argument("--audio-duration", type=float, help="how much of the audio to use (s)")
    args = cli.parse_args()
    with client() as sogni:
        make_video(
            sogni,
            args,
            reference_image=asset(args.image, "image.png"),
            reference_audio=asset(args.audio, "voice.mp3"),
            audio_start=args.audio_start,
            audio_duration=args.audio_duration,
        )


if __name__ == "__main__":
    main(run)
