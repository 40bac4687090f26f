"""Text-to-video with Wan 2.2 (speed or quality) or LTX-2.3 (with native audio).

    python examples/text_to_video.py "a koi pond in the rain" --duration 5
    python examples/text_to_video.py "a street musician" --model ltx23-22b-fp8_t2v_distilled \\
        --generate-audio --duration 5 --fps 24
    python examples/text_to_video.py "a narrator" --model ltx23-22b-fp8_t2v_distilled \\
        --identity-audio voice.mp3
"""

from __future__ import annotations

from _common import client, main, make_video, video_parser

MODELS = (
    "wan_v2.2-14b-fp8_t2v_lightx2v",
    "wan_v2.2-14b-fp8_t2v",
    "ltx23-22b-fp8_t2v_distilled",
    "ltx23-22b-fp8_t2v_dev",
)


def run() -> None:
    cli = video_parser(__doc__.splitlines()[0], prompt="a koi pond in the rain", models=MODELS)
    cli.add_argument("--shift", type=float, help="motion shift (1-8)")
    cli.add_argument("--teacache", type=float, help="TeaCache threshold (0-1; 0.15 is good)")
    cli.add_argument("--generate-audio", action="store_true", help="LTX-2.3: add a soundtrack")
    cli.add_argument("--identity-audio", help="LTX-2.3: a voice clip for the speaker identity")
    args = cli.parse_args()
    with client() as sogni:
        make_video(
            sogni,
            args,
            shift=args.shift,
            teacache_threshold=args.teacache,
            generate_audio=True if args.generate_audio else None,
            reference_audio_identity=args.identity_audio,
        )


if __name__ == "__main__":
    main(run)
